import { eq, like, or } from 'drizzle-orm';
import { confirmationKey } from './confirmation-emails';
import type { Tx } from '../db/client';
import { emailOutbox, sessions, type Role } from '../db/schema';
import { queueParticipantEmails, sessionFacts } from './emails';
import { loadSessionPeople } from './participants';

/**
 * "Session Cancelled / Declined / Request Expired" to both participants, each in their own zone,
 * written in the transaction of the transition. One per person per session (a session ends once).
 * Whoever was sent the confirmation's calendar invite gets its CANCEL (same UID, a SEQUENCE above every REQUEST's).
 */
export async function queueCancellationEmails(tx: Tx, options: {
  sessionId: string;
  kind: 'cancelled' | 'declined' | 'expired';
  /** Who did it; null when nobody did (an unanswered request expired). */
  actor: { id: string; role: Role } | null;
  refund: 'full' | 'none';
  /** Why, as the person who ended it gave it (cancel, decline); told to both. */
  reason?: string | null;
}): Promise<void> {
  const { sessionId } = options;
  const p = await loadSessionPeople(tx, sessionId);
  const [s] = await tx.select({ paidAt: sessions.paidAt, meetingUrl: sessions.meetingUrl, inviteSequence: sessions.inviteSequence }).from(sessions).where(eq(sessions.id, sessionId));
  // Any confirmation (the first, or one after a move) put the invite in that person's calendar.
  const invitedRoles = new Set<string>();
  for (const role of ['mentee', 'mentor']) {
    const [hit] = await tx.select({ key: emailOutbox.dedupeKey }).from(emailOutbox)
      .where(or(eq(emailOutbox.dedupeKey, confirmationKey(sessionId, role)), like(emailOutbox.dedupeKey, `${confirmationKey(sessionId, role)}:%`))).limit(1);
    if (hit) invitedRoles.add(role);
  }
  const attendees = [{ name: p.mentorName, email: p.mentorEmail }, { name: p.menteeName, email: p.menteeEmail }];
  const actor = options.actor;
  await queueParticipantEmails(tx, {
    sessionId,
    people: p,
    template: 'session-cancelled',
    dedupeKey: (person) => `session-cancelled:${sessionId}:${person.role}`,
    payload: (person) => ({
      ...sessionFacts(sessionId, person, p), kind: options.kind,
      mentorName: p.mentorName, menteeName: p.menteeName,
      reason: options.reason ?? null,
      by: !actor ? null : actor.id === person.id ? 'self' : actor.role === 'admin' ? 'admin' : 'other',
      refund: options.refund, paid: Boolean(s?.paidAt), amountCents: p.priceCents, currency: p.currency,
      invite: invitedRoles.has(person.role) ? { meetingUrl: s?.meetingUrl ?? null, attendees, sequence: (s?.inviteSequence ?? 0) + 1 } : null,
    }),
  });
}
