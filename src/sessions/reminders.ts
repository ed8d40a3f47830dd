import { and, eq, gt, inArray, isNotNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailOutbox, sessions } from '../db/schema';
import { queueRefund } from '../payments/record';
import { queueCancellationEmails } from './cancellation-emails';
import { clockOf, queueParticipantEmails, sessionFacts } from './emails';
import { SYSTEM, transition } from './machine';

const HOUR = 3_600_000;
/** The two reminders before a confirmed session, by how long before the start each is due. */
export const REMINDER_LEADS = { '24h': 24 * HOUR, '1h': HOUR } as const;
/** A paid request the mentor has not answered: reminded after a day, expired after two (or at its start). */
export const REQUEST_REMINDER_AFTER = 24 * HOUR;
export const REQUEST_EXPIRES_AFTER = 48 * HOUR;

/**
 * A reminder that would fall due less than this long after the session was confirmed, or moved to its
 * time, is skipped: the "Session Confirmed" or "Session rescheduled" email has just said the same
 * ("starts in 23 hours" a minute after it is noise).
 */
export const REMINDER_QUIET_AFTER_CONFIRMATION = HOUR;

const ROLES = ['mentee', 'mentor'] as const;
/** A moved session (its invite's SEQUENCE raised) is reminded again for its new time: the key names the version. */
export const reminderKey = (kind: '24h' | '1h', sessionId: string, role: 'mentee' | 'mentor', sequence = 0) =>
  sequence === 0 ? `reminder-${kind}:${sessionId}:${role}` : `reminder-${kind}:${sessionId}:${role}:${sequence}`;
/** A mentee's request for a new time is a new request for the mentor to answer: reminded again. */
export const requestReminderKey = (sessionId: string, requestedAt: Date | null = null) =>
  requestedAt ? `request-reminder:${sessionId}:${requestedAt.getTime()}` : `request-reminder:${sessionId}`;
/** When the mentor's answer timer started: the payment, or the mentee's later request for a new time. */
const askedAt = sql`coalesce(${sessions.requestedAt}, ${sessions.paidAt})`;
const askedBy = (t: Date) => sql`${askedAt} <= ${t.toISOString()}::timestamptz`;
const askedAfter = (t: Date) => sql`${askedAt} > ${t.toISOString()}::timestamptz`;

/** Which outbox keys already exist: one query for a batch of candidates. */
async function existingKeys(db: Db, keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db.select({ key: emailOutbox.dedupeKey }).from(emailOutbox).where(inArray(emailOutbox.dedupeKey, keys));
  return new Set(rows.map((r) => r.key));
}

/**
 * Scheduled sweep (every minute): the 24-hour and 1-hour reminders of confirmed sessions, to both
 * participants, each exactly once (the outbox dedupe key). Whatever is due and not yet sent goes
 * out, so a reminder due while nothing ran is sent at the next sweep, if the session has not
 * started. The 24-hour one only while more than an hour remains; after that, only the 1-hour one.
 * A reminder due within an hour of the confirmation or of the latest move (or before either) is skipped.
 * Returns how many emails were queued.
 */
export async function sendDueReminders(options: { db: Db; now: Date }): Promise<number> {
  const { db, now } = options;
  const candidates = await db
    .select({ id: sessions.id, startsAt: sessions.startsAt, sequence: sessions.inviteSequence, confirmedAt: sessions.confirmedAt, movedAt: sessions.movedAt })
    .from(sessions)
    .where(and(eq(sessions.status, 'confirmed'), gt(sessions.startsAt, now), lte(sessions.startsAt, new Date(now.getTime() + REMINDER_LEADS['24h']))));
  const due = candidates
    .map((s) => ({ ...s, kind: s.startsAt.getTime() - now.getTime() > REMINDER_LEADS['1h'] ? '24h' as const : '1h' as const }))
    // Judged by when the reminder falls due, not by when the sweep runs, so a skipped one stays skipped.
    .filter((s) => {
      const told = Math.max(s.confirmedAt?.getTime() ?? -Infinity, s.movedAt?.getTime() ?? -Infinity);
      return s.startsAt.getTime() - REMINDER_LEADS[s.kind] - told >= REMINDER_QUIET_AFTER_CONFIRMATION;
    });
  const sent = await existingKeys(db, due.flatMap((s) => ROLES.map((role) => reminderKey(s.kind, s.id, role, s.sequence))));
  let queued = 0;
  for (const candidate of due) {
    const missing = ROLES.filter((role) => !sent.has(reminderKey(candidate.kind, candidate.id, role, candidate.sequence)));
    if (missing.length === 0) continue;
    queued += await db.transaction(async (tx) => {
      // Re-read under a share lock: a cancellation racing this sweep either commits first (and the
      // session is no longer confirmed here) or waits until these reminders are written.
      const [s] = await tx
        .select({ meetingUrl: sessions.meetingUrl, meetingProvider: sessions.meetingProvider })
        .from(sessions)
        .where(and(eq(sessions.id, candidate.id), eq(sessions.status, 'confirmed'), eq(sessions.startsAt, candidate.startsAt), gt(sessions.startsAt, now)))
        .for('share');
      if (!s) return 0;
      return queueParticipantEmails(tx, {
        sessionId: candidate.id,
        to: missing,
        template: 'session-reminder',
        dedupeKey: (person) => reminderKey(candidate.kind, candidate.id, person.role, candidate.sequence),
        payload: (person, p) => ({
          ...sessionFacts(candidate.id, person, p), kind: candidate.kind,
          leadMinutes: Math.round((p.startsAt.getTime() - now.getTime()) / 60_000),
          meetingUrl: s.meetingUrl, provider: s.meetingProvider,
        }),
      });
    });
  }
  return queued;
}

/**
 * Scheduled sweep (every minute) for paid requests the mentor has not answered: one reminder to the
 * mentor 24 hours after payment; at 48 hours after payment or at the start, whichever is first, the
 * request expires (a compare-and-swap from pending, so never once accepted), is refunded in full,
 * and both participants are told.
 */
export async function expireUnansweredRequests(options: { db: Db; now: Date }): Promise<{ reminded: number; expired: number }> {
  const { db, now } = options;
  const remindBefore = new Date(now.getTime() - REQUEST_REMINDER_AFTER);
  const expireBefore = new Date(now.getTime() - REQUEST_EXPIRES_AFTER);

  // Expire first: a request past its deadline is not reminded any more.
  const lapsed = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.status, 'pending'), or(askedBy(expireBefore), lte(sessions.startsAt, now))));
  let expired = 0;
  for (const { id } of lapsed) {
    const done = await transition({
      db, sessionId: id, verb: 'expire', actor: SYSTEM, now, set: { updatedAt: now }, audit: { reason: 'unanswered' },
      effects: async (tx, row) => {
        const paid = Boolean(row.paidAt);
        if (paid) {
          await queueRefund(tx, { sessionId: id, paymentRef: row.paymentRef, amountCents: row.priceCents, currency: row.currency, reason: 'The mentor did not answer the request in time.', now });
        }
        await queueCancellationEmails(tx, { sessionId: id, kind: 'expired', actor: null, refund: paid ? 'full' : 'none' });
      },
    });
    // Not ok: accepted, declined or cancelled meanwhile.
    if (done.ok) expired++;
  }

  const waiting = await db
    .select({ id: sessions.id, requestedAt: sessions.requestedAt })
    .from(sessions)
    .where(and(
      eq(sessions.status, 'pending'), isNotNull(sessions.paidAt), askedBy(remindBefore),
      askedAfter(expireBefore), gt(sessions.startsAt, now),
    ));
  const reminded = await existingKeys(db, waiting.map((s) => requestReminderKey(s.id, s.requestedAt)));
  let queued = 0;
  for (const { id, requestedAt } of waiting) {
    if (reminded.has(requestReminderKey(id, requestedAt))) continue;
    const wrote = await db.transaction(async (tx) => {
      const [s] = await tx
        .select({ paidAt: sessions.paidAt, requestedAt: sessions.requestedAt, startsAt: sessions.startsAt })
        .from(sessions)
        .where(and(eq(sessions.id, id), eq(sessions.status, 'pending')))
        .for('share');
      // Moved again meanwhile: the next sweep reminds of the new request.
      if (!s?.paidAt || s.requestedAt?.getTime() !== requestedAt?.getTime()) return false;
      const expiresAt = new Date(Math.min((s.requestedAt ?? s.paidAt).getTime() + REQUEST_EXPIRES_AFTER, s.startsAt.getTime()));
      await queueParticipantEmails(tx, {
        sessionId: id,
        to: ['mentor'],
        template: 'session-request-reminder',
        dedupeKey: () => requestReminderKey(id, requestedAt),
        payload: (mentor, p) => ({
          sessionId: id, mentorName: p.mentorName, menteeName: p.menteeName, startsAt: p.startsAt.toISOString(),
          durationMinutes: p.durationMinutes, timezone: p.mentorTimezone, expiresAt: expiresAt.toISOString(), ...clockOf(mentor),
        }),
      });
      return true;
    });
    if (wrote) queued++;
  }
  return { reminded: queued, expired };
}
