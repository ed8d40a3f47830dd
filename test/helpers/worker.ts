import type { Config } from '../../src/config';
import type { Database } from '../../src/db/client';
import { startWorker, type Worker } from '../../src/jobs/worker';
import { createMailTransport } from '../../src/mail';

export const silentLogger = { info() {}, warn() {}, error() {} };

const running = new Map<Database, Set<Worker>>();

/** What the app's "work queued" hook does in production (main.ts): wake this process's workers on that database. */
export function wakeTestWorkers(database: Database): void {
  for (const w of running.get(database) ?? []) w.wake();
}

/**
 * The real worker with fast polling, woken by commits of the test app on the same database as in
 * production; the test databases' queues retry after a second (test/setup), so tests see retries in
 * seconds. `jobs` schedules the cron sweeps too.
 */
export async function startTestWorker(config: Config, database: Database, options: { maxAttempts?: number; jobs?: boolean } = {}): Promise<Worker> {
  const worker = await startWorker({
    config, database, logger: silentLogger,
    transport: createMailTransport(config, database.db),
    pollingIntervalSeconds: 0.5,
    maxEmailAttempts: options.maxAttempts,
    schedule: options.jobs ?? false,
  });
  const set = running.get(database) ?? new Set();
  running.set(database, set.add(worker));
  return {
    wake: worker.wake,
    async stop() {
      set.delete(worker);
      await worker.stop();
    },
  };
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
