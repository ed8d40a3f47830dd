import { z } from 'zod';
import type { MeetingProvider } from '../../meetings/provider';
import { defineJob } from '../definition';

/**
 * The meeting room of a confirmed session, then its two confirmation emails. Sent by confirmSession in
 * the confirming transaction. Google can fail for minutes: ten retries from 5 s, doubling (about 1½ h
 * in all). A Google attempt is at most seven requests of 15 s (token, insert, get after a 409, patch
 * after a failed conference, three polls of a pending one) plus 7 s between polls, just under two
 * minutes; 3 minutes means it died.
 */
export const createRoomJob = defineJob<{ sessionId: string; note?: string }, { meetings: MeetingProvider }>({
  name: 'sessions.create-room',
  // note: the admin's reason for confirming, told in the confirmation emails once the room exists.
  schema: z.object({ sessionId: z.string().min(1), note: z.string().max(500).optional() }),
  policy: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 180 },
  singletonKey: (d) => d.sessionId,
  handler: async (data, run) => {
    const { createSessionRoom } = await import('../../sessions/rooms');
    return createSessionRoom({ db: run.db, meetings: run.meetings, sessionId: data.sessionId, note: data.note });
  },
});
