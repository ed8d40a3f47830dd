import { and, eq, like, or } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { emailOutbox, sessions, type Role } from '../db/schema';
import type { MeetingProviderName } from '../meetings/provider';
import { confirmationKey } from './confirmation-emails';
import { queueParticipantEmails, sessionFacts } from './emails';
import { loadSessionPeople } from './participants';

/**
 * "Session Rescheduled - CodeMentorHub" to both participants, in the moving transaction: old and new
 * time in each one's zone. Whoever has the session's invite in their calendar (a confirmation was sent
 * to them) gets it again with the same UID and the session's raised SEQUENCE, so the entry moves.
 */
export async function queueRescheduleEmails(tx: Tx, options: { sessionId: string; previousStartsAt: Date; actor: { id: string; role: Role }; sequence: number }): Promise<void> {
  const { sessionId, actor } = options;
  const p = await loadSessionPeople(tx, sessionId);
  const [s] = await tx.select({ status: sessions.status, meetingUrl: sessions.meetingUrl, meetingProvider: sessions.meetingProvider })
    .from(sessions).where(eq(sessions.id, sessionId));
  const attendees = [{ name: p.mentorName, email: p.mentorEmail }, { name: p.menteeName, email: p.menteeEmail }];
  const invited = new Set<string>();
  for (const role of ['mentee', 'mentor']) {
    const key = confirmationKey(sessionId, role);
    const [hit] = await tx.select({ key: emailOutbox.dedupeKey }).from(emailOutbox)
      .where(and(or(eq(emailOutbox.dedupeKey, key), like(emailOutbox.dedupeKey, `${key}:%`)))).limit(1);
    if (hit) invited.add(role);
  }
  await queueParticipantEmails(tx, {
    sessionId, people: p,
    template: 'session-rescheduled',
    dedupeKey: (person) => `session-rescheduled:${sessionId}:${person.role}:${options.sequence}`,
    payload: (person) => ({
      ...sessionFacts(sessionId, person, p),
      previousStartsAt: options.previousStartsAt.toISOString(),
      by: actor.id === person.id ? 'self' : actor.role === 'admin' ? 'admin' : 'other',
      status: s?.status === 'confirmed' ? 'confirmed' : 'pending',
      meetingUrl: s?.meetingUrl ?? null, provider: (s?.meetingProvider ?? null) as MeetingProviderName | null,
      invite: invited.has(person.role) ? { sequence: options.sequence, attendees } : null,
    }),
  });
}
