import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import type { Database } from '../src/db/client';
import { emailOutbox } from '../src/db/schema';
import { startWorker } from '../src/jobs/worker';
import { createMailTransport } from '../src/mail';
import { enqueueEmail } from '../src/mail/outbox';
import { FakeSmtp } from './fakes/smtp';
import { createTestDatabase, type TestDatabase } from './helpers/db';
import { silentLogger } from './helpers/worker';

let smtp: FakeSmtp;
let database: TestDatabase;
beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
  await smtp.stop();
});

it('a batch fetched while the worker stops is sent and recorded before stop returns, so closing the pool next loses nothing', async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '2000' });
  // pg-boss's fetch of the mail queue is held after PostgreSQL answered it: the job is taken, and the
  // worker is told to stop while its loop still waits for the batch (what a SIGTERM can meet).
  let hold = false;
  let fetched!: () => void;
  const fetching = new Promise<void>((resolve) => { fetched = resolve; });
  const slow: Database = {
    ...database,
    async query(text, values) {
      const result = await database.query(text, values);
      if (hold && /FOR UPDATE SKIP LOCKED/.test(text) && values?.[0] === 'mail.deliver' && result.rows.length > 0) {
        hold = false;
        fetched();
        await new Promise((r) => setTimeout(r, 400));
      }
      return result;
    },
  };
  const worker = await startWorker({
    config, database: slow, logger: silentLogger, transport: createMailTransport(config, database.db), pollingIntervalSeconds: 0.5, schedule: false,
  });
  const address = 'late-batch@example.com';
  const id = await database.db.transaction((tx) => enqueueEmail({ tx, dedupeKey: 'late-batch', template: 'welcome', to: { name: 'Late Batch', address }, payload: { name: 'Late Batch' } }));
  hold = true;
  worker.wake();
  await fetching;
  await worker.stop();

  // By the time stop returns the batch has run: the email went out once and the outbox says so.
  expect(smtp.to(address)).toHaveLength(1);
  const [row] = await database.db.select().from(emailOutbox).where(eq(emailOutbox.id, id!));
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
});
