import { z } from 'zod';
import type { MeetingProvider } from '../../meetings/provider';
import { defineJob } from '../definition';

/**
 * Removes the meeting room of a cancelled (or declined) session at the provider: Google deletes the
 * Calendar event, so its Meet link stops being a place to meet. Sent in the cancelling transaction,
 * only when the session has a room. Deleting is idempotent, so retrying is always safe: ten retries
 * from 30 s, doubling; an attempt is two requests of at most 15 s.
 */
export const cancelRoomJob = defineJob<{ sessionId: string }, { meetings: MeetingProvider }>({
  name: 'sessions.cancel-room',
  schema: z.object({ sessionId: z.string().min(1) }),
  policy: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  singletonKey: (d) => d.sessionId,
  handler: async (data, run) => {
    const { cancelSessionRoom } = await import('../../sessions/rooms');
    return cancelSessionRoom({ db: run.db, meetings: run.meetings, sessionId: data.sessionId });
  },
});
