import type { Tx } from '../db/client';
import { enqueueEmail } from '../mail/outbox';
import { loadSessionPeople, participantsOf } from '../payments/record';

/**
 * "Thanks for your session - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that marks the session completed. The mentee's invites a rating. One per person per session.
 */
export async function queueCompletionEmails(tx: Tx, options: { sessionId: string }): Promise<void> {
  const p = await loadSessionPeople(tx, options.sessionId);
  const people = participantsOf(p);
  for (const person of people) {
    await enqueueEmail({
      tx,
      dedupeKey: `session-completed:${options.sessionId}:${person.role}`,
      template: 'session-completed',
      to: { name: person.name, address: person.email },
      payload: {
        sessionId: options.sessionId, role: person.role, recipientName: person.name, otherName: person.other,
        startsAt: p.startsAt.toISOString(), durationMinutes: p.durationMinutes, timezone: person.timezone,
      },
    });
  }
}
