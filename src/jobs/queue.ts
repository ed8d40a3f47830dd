import PgBoss from 'pg-boss';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import type { JobDefinition, JobRun } from './definition';

export const BOSS_SCHEMA = 'pgboss';

/**
 * pg-boss's SQL run through a Drizzle transaction or database, so a job is written in the caller's
 * transaction: it exists if and only if the change that causes it commits. Works on PGlite and
 * node-postgres alike, since Drizzle binds the parameters (each as one value: an array stays an array).
 */
export function executorOf(tx: Tx): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const parts = text.split(/\$(\d+)/);
      const chunks: SQL[] = parts.map((part, i) => (i % 2 ? sql`${sql.param(values[Number(part) - 1] ?? null)}` : sql.raw(part)));
      const result = await tx.execute(sql.join(chunks));
      return { rows: (result as unknown as { rows: Record<string, unknown>[] }).rows };
    },
  };
}

// Never started: it only writes and reads jobs through the executor handed to each call.
const client = new PgBoss({ db: { executeSql: () => Promise.reject(new Error('pass { db }')) }, schema: BOSS_SCHEMA, supervise: false, schedule: false });

/** Sends a job inside the caller's transaction. Null when a job with its singleton key is already queued. */
export async function queueJob<P>(tx: Tx, job: JobDefinition<P, never>, data: P): Promise<string | null> {
  const payload = job.schema.parse(data) as object;
  return client.send(job.name, payload, { db: executorOf(tx), singletonKey: job.singletonKey?.(payload as P) });
}

/**
 * Runs one queue's due jobs here and now, each once, without a worker (scripts, tests): what the
 * worker would do, in this process. With `now`, jobs due by then (retries waiting out their delay)
 * count as due.
 */
export async function runQueuedJobs<P, S>(options: { db: Db; job: JobDefinition<P, S>; services: S; now?: Date; limit?: number }): Promise<(string | Error)[]> {
  const { db, job } = options;
  const executor = executorOf(db);
  if (options.now) {
    await executor.executeSql(
      `update ${BOSS_SCHEMA}.job set start_after = now() where name = $1 and state in ('created', 'retry') and start_after > now() and start_after <= $2`,
      [job.name, options.now.toISOString()],
    );
  }
  const fetched = await client.fetch<P>(job.name, { batchSize: options.limit ?? 20, includeMetadata: true, db: executor });
  const outcomes: (string | Error)[] = [];
  for (const j of fetched) {
    try {
      const outcome = await job.handler(job.schema.parse(j.data), { ...options.services, db, lastAttempt: j.retryCount >= j.retryLimit } as JobRun & S);
      // complete(name, id, options) in pg-boss's types, but its third argument is the output: pass both.
      await client.complete(job.name, j.id, {}, { db: executor });
      outcomes.push(outcome ?? 'done');
    } catch (err) {
      await client.fail(job.name, j.id, { message: (err as Error).message ?? String(err) }, { db: executor });
      outcomes.push(err as Error);
    }
  }
  return outcomes;
}

/** Puts a failed job back in its queue, due now. Returns how many jobs moved (0 or 1). */
export async function retryJob(db: Db, name: string, id: string): Promise<number> {
  const { rows } = await executorOf(db).executeSql(
    `update ${BOSS_SCHEMA}.job set state = 'retry', retry_limit = retry_limit + 1, start_after = now() where name = $1 and id = $2::uuid and state = 'failed' returning 1`,
    [name, id],
  );
  return rows.length;
}
