import { z } from 'zod';
import { defineJob, SWEEP_POLICY } from '../definition';

/** Sign-in sessions past their expiry are deleted. */
export const purgeExpiredSessionsJob = defineJob({
  name: 'accounts.purge-expired-sessions',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '*/15 * * * *',
  handler: async (_data, run) => {
    const { purgeExpiredSessions } = await import('../../accounts/sessions');
    await purgeExpiredSessions({ db: run.db, now: new Date() });
  },
});
