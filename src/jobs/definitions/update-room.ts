import { z } from 'zod';
import type { MeetingProvider } from '../../meetings/provider';
import { defineJob } from '../definition';

/**
 * Moves the meeting room of a rescheduled session at the provider (Google patches the Calendar event:
 * same event, same link, the new time). Sent in the moving transaction, only when the session has a
 * room. It reads the session's time when it runs, so a second move before it ran is one patch to the
 * latest time, and retrying is always safe: ten retries from 30 s, doubling.
 */
export const updateRoomJob = defineJob<{ sessionId: string }, { meetings: MeetingProvider }>({
  name: 'sessions.update-room',
  schema: z.object({ sessionId: z.string().min(1) }),
  policy: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  singletonKey: (d) => d.sessionId,
  handler: async (data, run) => {
    const { updateSessionRoom } = await import('../../sessions/rooms');
    return updateSessionRoom({ db: run.db, meetings: run.meetings, sessionId: data.sessionId });
  },
});
