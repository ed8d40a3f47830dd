import type { Tx } from '../db/client';
import { enqueueEmail } from '../mail/outbox';
import type { MeetingProviderName } from '../meetings/provider';
import { loadSessionPeople, participantsOf } from '../payments/record';

/**
 * "Session Confirmed - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that stored the link (or confirmed, with no provider). One per person per session.
 */
export async function queueConfirmationEmails(tx: Tx, options: { sessionId: string; meetingUrl: string | null; provider: MeetingProviderName }): Promise<void> {
  const p = await loadSessionPeople(tx, options.sessionId);
  const people = participantsOf(p);
  for (const person of people) {
    await enqueueEmail({
      tx,
      dedupeKey: `session-confirmed:${options.sessionId}:${person.role}`,
      template: 'session-confirmed',
      to: { name: person.name, address: person.email },
      payload: {
        sessionId: options.sessionId, role: person.role, recipientName: person.name, otherName: person.other,
        startsAt: p.startsAt.toISOString(), durationMinutes: p.durationMinutes, timezone: person.timezone,
        meetingUrl: options.meetingUrl, provider: options.provider,
        attendees: [{ name: p.mentorName, email: p.mentorEmail }, { name: p.menteeName, email: p.menteeEmail }],
      },
    });
  }
}
