import { z } from 'zod';
import { defineJob, SWEEP_POLICY } from '../definition';

/** Requests the mentor never answered expire (and are refunded). */
export const expireUnansweredRequestsJob = defineJob({
  name: 'sessions.expire-unanswered-requests',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '* * * * *',
  handler: async (_data, run) => {
    const { expireUnansweredRequests } = await import('../../sessions/reminders');
    await expireUnansweredRequests({ db: run.db, now: new Date() });
  },
});
