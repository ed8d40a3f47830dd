import type { Config } from '../../src/config';
import type { Database } from '../../src/db/client';
import { startWorker, type Worker } from '../../src/jobs/worker';
import { createMailTransport } from '../../src/mail';

export const silentLogger = { info() {}, warn() {}, error() {} };

/**
 * The real worker with fast polling; the test databases' queues retry after a second (test/setup),
 * so tests see retries in seconds. `jobs` schedules the cron sweeps too.
 */
export function startTestWorker(config: Config, database: Database, options: { maxAttempts?: number; jobs?: boolean } = {}): Promise<Worker> {
  return startWorker({
    config, database, logger: silentLogger,
    transport: createMailTransport(config, database.db),
    pollingIntervalSeconds: 0.5,
    maxEmailAttempts: options.maxAttempts,
    schedule: options.jobs ?? false,
  });
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
