import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refunds } from '../db/schema';
import type { PaymentProvider } from './provider';

/** Worker: sends requested refunds to the provider, with backoff; the idempotency key makes retries safe. */
export async function processDueRefunds(options: { db: Db; payments: PaymentProvider; now?: Date; backoffMs?: number }): Promise<number> {
  const now = options.now ?? new Date();
  const due = await options.db.transaction(async (tx) => {
    const ids = await tx
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.status, 'requested'), lte(refunds.nextAttemptAt, now)))
      .orderBy(asc(refunds.nextAttemptAt))
      .limit(10)
      .for('update', { skipLocked: true });
    if (!ids.length) return [];
    // Claim: push the next attempt out, so another worker skips these while we call the provider.
    return tx
      .update(refunds)
      .set({ attempts: sql`${refunds.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + 5 * 60_000) })
      .where(inArray(refunds.id, ids.map((r) => r.id)))
      .returning();
  });
  let done = 0;
  for (const refund of due) {
    try {
      const result = await options.payments.refund({
        paymentRef: refund.paymentRef, amountCents: refund.amountCents, idempotencyKey: `refund:${refund.paymentRef}`, reason: refund.reason,
      });
      await options.db.update(refunds).set({ status: 'succeeded', providerRef: result.refundRef, completedAt: new Date(), lastError: null }).where(eq(refunds.id, refund.id));
      done++;
    } catch (err) {
      const delay = Math.min((options.backoffMs ?? 30_000) * 2 ** (refund.attempts - 1), 3_600_000);
      await options.db
        .update(refunds)
        .set({ status: refund.attempts >= 10 ? 'failed' : 'requested', lastError: String((err as Error).message ?? err).slice(0, 500), nextAttemptAt: new Date(Date.now() + delay) })
        .where(eq(refunds.id, refund.id));
    }
  }
  return done;
}
