import { z } from 'zod';
import { defineJob, SWEEP_POLICY } from '../definition';

/** Reminder emails for sessions starting soon. */
export const sendDueRemindersJob = defineJob({
  name: 'sessions.send-due-reminders',
  schema: z.object({}).passthrough(),
  policy: SWEEP_POLICY,
  cron: '* * * * *',
  handler: async (_data, run) => {
    const { sendDueReminders } = await import('../../sessions/reminders');
    await sendDueReminders({ db: run.db, now: new Date() });
  },
});
