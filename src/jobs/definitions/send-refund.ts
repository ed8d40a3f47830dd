import { z } from 'zod';
import type { PaymentProvider } from '../../payments/provider';
import { defineJob } from '../definition';

/**
 * One owed refund to the payment provider. Sent by queueRefund in the transaction that owes it. The
 * idempotency key makes every retry safe; ten retries from 30 s, doubling (about 8½ h), then the
 * refund is marked failed for admins.
 */
export const sendRefundJob = defineJob<{ refundId: string }, { payments: PaymentProvider }>({
  name: 'payments.send-refund',
  schema: z.object({ refundId: z.string().min(1) }),
  policy: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 300 },
  singletonKey: (d) => d.refundId,
  handler: async (data, run) => {
    const { sendRefund } = await import('../../payments/refunds');
    return sendRefund({ db: run.db, payments: run.payments, refundId: data.refundId, lastAttempt: run.lastAttempt });
  },
});
