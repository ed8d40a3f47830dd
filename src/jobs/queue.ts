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
 * Takes the job just queued in this transaction for this process to run at once: it is active when the
 * transaction commits, so no worker ever fetches it. The caller runs it and settles it (settleClaimedJob);
 * should this process die first, pg-boss expires the job (its expireInSeconds) and a worker retries it.
 */
export async function claimQueuedJob<P>(tx: Tx, job: JobDefinition<P, never>, singletonKey: string): Promise<string | null> {
  const { rows } = await executorOf(tx).executeSql(
    `update ${BOSS_SCHEMA}.job set state = 'active', started_on = now() where name = $1 and singleton_key = $2 and state = 'created' returning id`,
    [job.name, singletonKey],
  );
  return rows[0] ? String(rows[0].id) : null;
}

/** Completes a claimed job, or fails it (then pg-boss retries it in a worker as any failed attempt). */
export async function settleClaimedJob(db: Db, job: { name: string }, id: string, error?: Error): Promise<void> {
  const executor = executorOf(db);
  if (error) await client.fail(job.name, id, { message: error.message }, { db: executor });
  else await client.complete(job.name, id, {}, { db: executor });
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
      // A second before now: pg-boss fetches jobs with start_after < now(), and a clock as coarse as PGlite's
      // can give the next statement the same now().
      `update ${BOSS_SCHEMA}.job set start_after = now() - interval '1 second' where name = $1 and state in ('created', 'retry') and start_after > now() and start_after <= $2`,
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
    `update ${BOSS_SCHEMA}.job set state = 'retry', retry_limit = retry_limit + 1, start_after = now() - interval '1 second' where name = $1 and id = $2::uuid and state = 'failed' returning 1`,
    [name, id],
  );
  return rows.length;
}

export interface JobState {
  id: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  /** Attempts made so far. */
  attempts: number;
  retryLimit: number;
  /** When it runs next (created or retry); null otherwise. */
  nextRunAt: Date | null;
  /** The last failure's message, if the last attempt failed. */
  lastError: string | null;
}

/** The latest job of a queue for one thing (its singleton key: a session, a refund), as pg-boss holds it. */
export async function findLatestJob(db: Db, name: string, singletonKey: string): Promise<JobState | null> {
  const { rows } = await executorOf(db).executeSql(
    `select id, state, retry_count, retry_limit, start_after, coalesce(output->>'message', output->'value'->>'message') as error
     from ${BOSS_SCHEMA}.job where name = $1 and singleton_key = $2 order by created_on desc limit 1`,
    [name, singletonKey],
  );
  const r = rows[0];
  if (!r) return null;
  const state = String(r.state) as JobState['state'];
  const waiting = state === 'created' || state === 'retry';
  return {
    id: String(r.id), state, attempts: Number(r.retry_count) + (state === 'created' ? 0 : 1), retryLimit: Number(r.retry_limit),
    nextRunAt: waiting ? new Date(r.start_after as string) : null,
    lastError: state === 'completed' || r.error == null ? null : String(r.error),
  };
}

/**
 * "Retry now": a job waiting out its retry delay becomes due now; a failed one is put back with one
 * more attempt. Returns false when the job is neither (running, done, or gone).
 */
export async function runJobNow(db: Db, name: string, id: string): Promise<boolean> {
  const { rows } = await executorOf(db).executeSql(
    `update ${BOSS_SCHEMA}.job set start_after = now() - interval '1 second' where name = $1 and id = $2::uuid and state in ('created', 'retry') returning 1`,
    [name, id],
  );
  if (rows.length > 0) return true;
  try {
    return (await retryJob(db, name, id)) === 1;
  } catch {
    // A job for the same thing is already queued (one per singleton key): that one runs instead.
    return false;
  }
}
