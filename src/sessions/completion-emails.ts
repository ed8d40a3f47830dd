import { asc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { meetingArtifacts } from '../db/schema';
import { queueParticipantEmails, sessionFacts } from './emails';

/**
 * "Thanks for your session - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that marks the session completed. The mentee's invites a rating. One per person per session.
 */
export async function queueCompletionEmails(tx: Tx, options: { sessionId: string; note?: string }): Promise<void> {
  // Recordings and transcripts already published; a later one gets its own email (sessions/meeting-records).
  const artifacts = await tx.select({ kind: meetingArtifacts.kind, url: meetingArtifacts.url }).from(meetingArtifacts)
    .where(eq(meetingArtifacts.sessionId, options.sessionId)).orderBy(asc(meetingArtifacts.startedAt), asc(meetingArtifacts.firstSeenAt));
  await queueParticipantEmails(tx, {
    sessionId: options.sessionId,
    template: 'session-completed',
    dedupeKey: (person) => `session-completed:${options.sessionId}:${person.role}`,
    payload: (person, p) => ({
      ...sessionFacts(options.sessionId, person, p),
      ...(artifacts.length ? { artifacts } : {}),
      ...(options.note ? { note: options.note } : {}),
    }),
  });
}
