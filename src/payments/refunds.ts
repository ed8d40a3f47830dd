import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refunds } from '../db/schema';
import { sendRefundJob } from '../jobs/definitions/send-refund';
import { runQueuedJobs } from '../jobs/queue';
import type { PaymentProvider } from './provider';

/**
 * The refund job (payments.send-refund): sends one owed refund to the provider. The idempotency key
 * makes a retry after a lost reply return the same refund, never a second one. A failure is kept on
 * the row and thrown, so the job is retried; after the last retry the refund is marked failed.
 */
export async function sendRefund(options: { db: Db; payments: PaymentProvider; refundId: string; lastAttempt: boolean }): Promise<'succeeded' | 'skipped'> {
  const { db } = options;
  // 'failed' too: an admin's Retry of the job (/admin/jobs) is the one way a failed refund runs again.
  const [refund] = await db.select().from(refunds).where(and(eq(refunds.id, options.refundId), inArray(refunds.status, ['requested', 'failed'])));
  if (!refund) return 'skipped';
  try {
    const result = await options.payments.refund({
      paymentRef: refund.paymentRef, amountCents: refund.amountCents, idempotencyKey: `refund:${refund.paymentRef}`, reason: refund.reason,
    });
    await db.update(refunds).set({ status: 'succeeded', providerRef: result.refundRef, completedAt: new Date(), lastError: null }).where(eq(refunds.id, refund.id));
    return 'succeeded';
  } catch (err) {
    await db.update(refunds)
      .set({ status: options.lastAttempt ? 'failed' : 'requested', lastError: String((err as Error).message ?? err).slice(0, 500) })
      .where(eq(refunds.id, refund.id));
    throw err;
  }
}

/** Runs the due refund jobs in this process (scripts, tests); the worker does this on its own. Returns how many succeeded. */
export async function processDueRefunds(options: { db: Db; payments: PaymentProvider; now?: Date }): Promise<number> {
  const outcomes = await runQueuedJobs({ db: options.db, job: sendRefundJob, services: { payments: options.payments }, now: options.now, limit: 10 });
  return outcomes.filter((o) => o === 'succeeded').length;
}
