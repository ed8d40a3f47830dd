import PgBoss from 'pg-boss';
import type { Database, Logger } from '../db/client';

/** A job handler: receives the job's data. pg-boss retries it when it throws. */
export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

export interface JobDefinition {
  name: string;
  handler: JobHandler;
  /** Cron expression (UTC) for recurring jobs. */
  cron?: string;
}

/**
 * pg-boss on our own database connection: through the pool on PostgreSQL, through PGlite's query/exec
 * when embedded. Both go through Database.query, so pg-boss needs no second pool or driver.
 */
export function createBoss(database: Database): PgBoss {
  return new PgBoss({
    db: { executeSql: (text, values) => database.query(text, values) },
    schema: 'pgboss',
    // Supervision (maintenance) and the cron scheduler run in every worker process; pg-boss uses
    // advisory locks so they are not duplicated.
    supervise: true,
    schedule: true,
  });
}

export async function startJobs(options: { database: Database; logger: Logger; jobs: JobDefinition[]; pollingIntervalSeconds?: number }): Promise<PgBoss> {
  const boss = createBoss(options.database);
  boss.on('error', (err) => options.logger.error({ err: err.message }, 'job queue error'));
  await boss.start();
  for (const job of options.jobs) {
    await boss.createQueue(job.name);
    await boss.work(job.name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 }, async (batch) => {
      for (const j of batch) await job.handler((j.data ?? {}) as Record<string, unknown>);
    });
    if (job.cron) await boss.schedule(job.name, job.cron);
  }
  return boss;
}
