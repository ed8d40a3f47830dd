import type { Tx } from '../db/client';
import type { MeetingProviderName } from '../meetings/provider';
import { queueParticipantEmails, sessionFacts } from './emails';

/**
 * "Session Confirmed - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that stored the link (or confirmed, with no provider). One per person per session.
 */
export async function queueConfirmationEmails(tx: Tx, options: { sessionId: string; meetingUrl: string | null; provider: MeetingProviderName }): Promise<void> {
  await queueParticipantEmails(tx, {
    sessionId: options.sessionId,
    template: 'session-confirmed',
    dedupeKey: (person) => `session-confirmed:${options.sessionId}:${person.role}`,
    payload: (person, p) => ({
      ...sessionFacts(options.sessionId, person, p),
      meetingUrl: options.meetingUrl, provider: options.provider,
      attendees: [{ name: p.mentorName, email: p.mentorEmail }, { name: p.menteeName, email: p.menteeEmail }],
    }),
  });
}
