import type { Tx } from '../db/client';
import type { MeetingProviderName } from '../meetings/provider';
import { queueParticipantEmails, sessionFacts } from './emails';

/**
 * "Session Confirmed - CodeMentorHub" to each participant, in their own zone, written in the
 * transaction that stored the link (or confirmed, with no provider). One per person per session.
 */
export async function queueConfirmationEmails(tx: Tx, options: { sessionId: string; meetingUrl: string | null; provider: MeetingProviderName; sequence?: number; note?: string }): Promise<void> {
  const sequence = options.sequence ?? 0;
  await queueParticipantEmails(tx, {
    sessionId: options.sessionId,
    template: 'session-confirmed',
    // A moved session is confirmed again at its new time: one confirmation per version of the invite.
    dedupeKey: (person) => confirmationKey(options.sessionId, person.role, sequence),
    payload: (person, p) => ({
      ...sessionFacts(options.sessionId, person, p),
      meetingUrl: options.meetingUrl, provider: options.provider, sequence, ...(options.note ? { note: options.note } : {}),
      attendees: [{ name: p.mentorName, email: p.mentorEmail }, { name: p.menteeName, email: p.menteeEmail }],
    }),
  });
}

export const confirmationKey = (sessionId: string, role: string, sequence = 0) =>
  sequence === 0 ? `session-confirmed:${sessionId}:${role}` : `session-confirmed:${sessionId}:${role}:${sequence}`;
