import { z } from 'zod';
import { defineJob, SWEEP_POLICY } from '../definition';

/** Unpaid holds past their time give their slots back. */
export const expireLapsedHoldsJob = defineJob({
  name: 'booking.expire-lapsed-holds',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '* * * * *',
  handler: async (_data, run) => {
    const { expireLapsedHolds } = await import('../../booking/holds');
    await expireLapsedHolds({ db: run.db, now: new Date() });
  },
});
