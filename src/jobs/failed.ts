import type { Db } from '../db/client';
import { BOSS_SCHEMA, executorOf, retryJob } from './queue';
import { jobs } from './registry';

export interface FailedJob {
  id: string;
  name: string;
  /** The session, refund or email it was for. */
  subject: { kind: 'session' | 'refund' | 'email'; id: string } | null;
  attempts: number;
  lastError: string;
  failedAt: Date;
}

const names = jobs.map((j) => j.name);

/** Jobs that used up their retries, latest first: what an admin looks at and may run again. */
export async function listFailedJobs(options: { db: Db; limit?: number }): Promise<FailedJob[]> {
  const { rows } = await executorOf(options.db).executeSql(
    `select id, name, data, retry_count, coalesce(output->>'message', output->'value'->>'message', output::text) as error, completed_on
     from ${BOSS_SCHEMA}.job where state = 'failed' and name = any($1::text[]) order by completed_on desc limit $2`,
    [names, options.limit ?? 200],
  );
  return rows.map((r) => ({
    id: String(r.id), name: String(r.name), subject: subjectOf(r.data), attempts: Number(r.retry_count) + 1,
    lastError: String(r.error ?? ''), failedAt: new Date(r.completed_on as string),
  }));
}

/** An admin's "Retry": the failed job runs again now, with one more attempt. False if it is not failed (any more). */
export async function retryFailedJob(options: { db: Db; name: string; id: string }): Promise<boolean> {
  if (!names.includes(options.name)) return false;
  try {
    return (await retryJob(options.db, options.name, options.id)) === 1;
  } catch {
    // A job for the same thing is already queued (one per singleton key): that one runs instead.
    return false;
  }
}

function subjectOf(data: unknown): FailedJob['subject'] {
  const d = (data ?? {}) as Record<string, unknown>;
  if (typeof d.sessionId === 'string') return { kind: 'session', id: d.sessionId };
  if (typeof d.refundId === 'string') return { kind: 'refund', id: d.refundId };
  if (typeof d.emailId === 'string') return { kind: 'email', id: d.emailId };
  return null;
}
