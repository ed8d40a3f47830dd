import { z } from 'zod';
import type { MeetingProvider } from '../../meetings/provider';
import { defineJob } from '../definition';

/**
 * The meeting room of a confirmed session, then its two confirmation emails. Sent by confirmSession in
 * the confirming transaction. Google can fail for minutes: ten retries from 5 s, doubling (about 1½ h
 * in all); an attempt lasts at most two provider calls of 15 s each, so 2 minutes means it died.
 */
export const createRoomJob = defineJob<{ sessionId: string }, { meetings: MeetingProvider }>({
  name: 'sessions.create-room',
  schema: z.object({ sessionId: z.string().min(1) }),
  policy: { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 120 },
  singletonKey: (d) => d.sessionId,
  handler: async (data, run) => {
    const { createSessionRoom } = await import('../../sessions/rooms');
    return createSessionRoom({ db: run.db, meetings: run.meetings, sessionId: data.sessionId });
  },
});
