import type { Tx } from '../db/client';
import { queueParticipantEmails, sessionFacts } from './emails';

/**
 * "Thanks for your session - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that marks the session completed. The mentee's invites a rating. One per person per session.
 */
export async function queueCompletionEmails(tx: Tx, options: { sessionId: string }): Promise<void> {
  await queueParticipantEmails(tx, {
    sessionId: options.sessionId,
    template: 'session-completed',
    dedupeKey: (person) => `session-completed:${options.sessionId}:${person.role}`,
    payload: (person, p) => ({
      ...sessionFacts(options.sessionId, person, p),
    }),
  });
}
