import { rmSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { refunds } from '../src/db/schema';
import type { PaymentProvider } from '../src/payments/provider';
import { queueRefund } from '../src/payments/record';
import { processDueRefunds } from '../src/payments/refunds';
import { buildTestApp, type TestApp } from './helpers/app';
import { createEmptyPostgresDatabase, migrationsBefore, onPostgres } from './helpers/db';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

it('a job that used up its retries is shown to admins with its last error, and Retry runs it again', async () => {
  const paymentRef = `pi_jobs_${Date.now()}`;
  await t.database.db.transaction((tx) => queueRefund(tx, { sessionId: null, paymentRef, amountCents: 500, currency: 'usd', reason: 'Test refund.', now: new Date() }));
  const [queued] = (await t.database.query(`select id from pgboss.job where name = 'payments.send-refund' and data->>'refundId' = (select id::text from refunds where payment_ref = $1)`, [paymentRef])).rows;
  expect(queued).toBeDefined();
  // Its retry budget already spent: this attempt is its last.
  await t.database.query('update pgboss.job set retry_limit = retry_count where id = $1', [queued!.id]);

  const payments = t.app.services.payments;
  const refusing: PaymentProvider = { ...payments, refund: () => Promise.reject(new Error('provider refused the refund')) };
  expect(await processDueRefunds({ db: t.database.db, payments: refusing })).toBe(0);
  const refund = async () => (await t.database.db.select().from(refunds).where(eq(refunds.paymentRef, paymentRef)))[0]!;
  expect(await refund()).toMatchObject({ status: 'failed', lastError: 'provider refused the refund' });

  const admin = await t.loginAs('admin');
  expect((await admin.get('/admin')).body).toContain('href="/admin/jobs"');
  const page = await admin.get('/admin/jobs');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain('payments.send-refund');
  expect(page.body).toContain('provider refused the refund');
  expect(page.body).toContain(`/admin/jobs/${queued!.id}/retry`);
  // Not for everyone.
  expect((await (await t.loginAs('mentee')).get('/admin/jobs')).statusCode).toBe(403);

  const retried = await admin.submit(`/admin/jobs/${queued!.id}/retry`, { name: 'payments.send-refund' });
  expect(retried.statusCode).toBe(303);
  expect((await admin.get('/admin/jobs')).body).not.toContain(`/admin/jobs/${queued!.id}/retry`);
  expect(await processDueRefunds({ db: t.database.db, payments })).toBe(1);
  expect((await refund()).status).toBe('succeeded');
  // A second Retry of a job that is no longer failed changes nothing.
  await admin.submit(`/admin/jobs/${queued!.id}/retry`, { name: 'payments.send-refund' });
  expect(await processDueRefunds({ db: t.database.db, payments })).toBe(0);
});

it('the move to pg-boss turns work the old queues still owed into jobs, and nothing else', async () => {
  const before = migrationsBefore('jobs_on_pg_boss');
  const pg = onPostgres ? await createEmptyPostgresDatabase() : null;
  const database: Database = pg ? openPostgres(pg.url, { warn() {}, error() {} }) : await openPglite({});
  try {
    if (pg) await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: before });
    else await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: before });
    const { rows: emails } = await database.query(`insert into email_outbox (dedupe_key, template, to_name, to_address, payload, status)
      values ('owed', 'welcome', 'A', 'a@example.com', '{}', 'pending'), ('done', 'welcome', 'B', 'b@example.com', '{}', 'sent') returning id, status`);
    const { rows: owed } = await database.query(`insert into refunds (payment_ref, amount_cents, currency, reason) values ('pi_owed', 500, 'usd', 'x') returning id`);
    await migrate(database);
    const { rows: queued } = await database.query(`select name, data, singleton_key, policy, retry_limit, state from pgboss.job order by name`);
    const pending = emails.find((e) => e.status === 'pending')!;
    expect(queued).toEqual([
      { name: 'mail.deliver', data: { emailId: pending.id }, singleton_key: pending.id, policy: 'stately', retry_limit: 10, state: 'created' },
      { name: 'payments.send-refund', data: { refundId: owed[0]!.id }, singleton_key: owed[0]!.id, policy: 'stately', retry_limit: 10, state: 'created' },
    ]);
  } finally {
    await database.close();
    await pg?.drop();
    rmSync(before, { recursive: true, force: true });
  }
});
