import type { z } from 'zod';
import type { Db } from '../db/client';

/** How pg-boss retries a queue's jobs: copied onto each job when it is sent. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled (with jitter) each time when retryBackoff. */
  retryDelay: number;
  retryBackoff: boolean;
  /** An attempt still active after this long is taken as dead (its process was killed) and retried. */
  expireInSeconds: number;
}

/** What every handler gets: the database, and where this attempt stands in its retry budget. */
export interface JobRun {
  db: Db;
  /** True when a failure now leaves no retry: the handler records the failure as final. */
  lastAttempt: boolean;
}

/**
 * One kind of background work: its queue name, payload schema, retry policy and handler. Handlers throw
 * to have pg-boss retry; they may return a word for callers that run jobs inline (counts in tests).
 * `S` are the services the handler needs beyond the database (providers, mail transport).
 */
export interface JobDefinition<P = unknown, S = object> {
  name: string;
  schema: z.ZodType<P>;
  policy: RetryPolicy;
  /** One queued job per key (queues with a key use pg-boss's "stately" policy). */
  singletonKey?: (data: P) => string;
  /** Cron expression (UTC) for sweeps. */
  cron?: string;
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler returns nothing, or a note kept as the job's output
  handler: (data: P, run: JobRun & S) => Promise<string | void>;
}

export function defineJob<P, S = object>(definition: JobDefinition<P, S>): JobDefinition<P, S> {
  return definition;
}

/** Sweeps: a run that fails is simply the next minute's run. */
export const SWEEP_POLICY: RetryPolicy = { retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 300 };
