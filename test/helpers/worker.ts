import type { Config } from '../../src/config';
import type { Database } from '../../src/db/client';
import { startWorker, type Worker } from '../../src/jobs/worker';
import { createMailTransport } from '../../src/mail';

export const silentLogger = { info() {}, warn() {}, error() {} };

/** The real worker with fast polling and short retry delays, so tests see retries in seconds. */
export function startTestWorker(config: Config, database: Database, options: { maxAttempts?: number; jobs?: boolean } = {}): Promise<Worker> {
  return startWorker({
    config, database, logger: silentLogger,
    transport: createMailTransport(config, database.db),
    pollMs: 100,
    delivery: { backoffMs: 100, leaseMs: 10_000, maxAttempts: options.maxAttempts },
    jobs: options.jobs ?? false,
  });
}

export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
