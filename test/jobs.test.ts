import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { refunds } from '../src/db/schema';
import type { PaymentProvider } from '../src/payments/provider';
import { queueRefund } from '../src/payments/record';
import { processDueRefunds } from '../src/payments/refunds';
import { buildTestApp, type TestApp } from './helpers/app';

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
