import { and, eq, gt, inArray, isNotNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailOutbox, sessions } from '../db/schema';
import { queueRefund } from '../payments/record';
import { queueCancellationEmails } from './cancellation-emails';
import { queueParticipantEmails, sessionFacts } from './emails';
import { SYSTEM, transition } from './machine';

const HOUR = 3_600_000;
/** The two reminders before a confirmed session, by how long before the start each is due. */
export const REMINDER_LEADS = { '24h': 24 * HOUR, '1h': HOUR } as const;
/** A paid request the mentor has not answered: reminded after a day, expired after two (or at its start). */
export const REQUEST_REMINDER_AFTER = 24 * HOUR;
export const REQUEST_EXPIRES_AFTER = 48 * HOUR;

const ROLES = ['mentee', 'mentor'] as const;
export const reminderKey = (kind: '24h' | '1h', sessionId: string, role: 'mentee' | 'mentor') => `reminder-${kind}:${sessionId}:${role}`;
export const requestReminderKey = (sessionId: string) => `request-reminder:${sessionId}`;

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
 * Returns how many emails were queued.
 */
export async function sendDueReminders(options: { db: Db; now: Date }): Promise<number> {
  const { db, now } = options;
  const candidates = await db
    .select({ id: sessions.id, startsAt: sessions.startsAt })
    .from(sessions)
    .where(and(eq(sessions.status, 'confirmed'), gt(sessions.startsAt, now), lte(sessions.startsAt, new Date(now.getTime() + REMINDER_LEADS['24h']))));
  const due = candidates.map((s) => ({ ...s, kind: s.startsAt.getTime() - now.getTime() > REMINDER_LEADS['1h'] ? '24h' as const : '1h' as const }));
  const sent = await existingKeys(db, due.flatMap((s) => ROLES.map((role) => reminderKey(s.kind, s.id, role))));
  let queued = 0;
  for (const candidate of due) {
    const missing = ROLES.filter((role) => !sent.has(reminderKey(candidate.kind, candidate.id, role)));
    if (missing.length === 0) continue;
    queued += await db.transaction(async (tx) => {
      // Re-read under a share lock: a cancellation racing this sweep either commits first (and the
      // session is no longer confirmed here) or waits until these reminders are written.
      const [s] = await tx
        .select({ meetingUrl: sessions.meetingUrl, meetingProvider: sessions.meetingProvider })
        .from(sessions)
        .where(and(eq(sessions.id, candidate.id), eq(sessions.status, 'confirmed'), gt(sessions.startsAt, now)))
        .for('share');
      if (!s) return 0;
      return queueParticipantEmails(tx, {
        sessionId: candidate.id,
        to: missing,
        template: 'session-reminder',
        dedupeKey: (person) => reminderKey(candidate.kind, candidate.id, person.role),
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
    .where(and(eq(sessions.status, 'pending'), or(lte(sessions.paidAt, expireBefore), lte(sessions.startsAt, now))));
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
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(
      eq(sessions.status, 'pending'), isNotNull(sessions.paidAt), lte(sessions.paidAt, remindBefore),
      gt(sessions.paidAt, expireBefore), gt(sessions.startsAt, now),
    ));
  const reminded = await existingKeys(db, waiting.map((s) => requestReminderKey(s.id)));
  let queued = 0;
  for (const { id } of waiting) {
    if (reminded.has(requestReminderKey(id))) continue;
    const wrote = await db.transaction(async (tx) => {
      const [s] = await tx
        .select({ paidAt: sessions.paidAt, startsAt: sessions.startsAt })
        .from(sessions)
        .where(and(eq(sessions.id, id), eq(sessions.status, 'pending')))
        .for('share');
      if (!s?.paidAt) return false;
      const expiresAt = new Date(Math.min(s.paidAt.getTime() + REQUEST_EXPIRES_AFTER, s.startsAt.getTime()));
      await queueParticipantEmails(tx, {
        sessionId: id,
        to: ['mentor'],
        template: 'session-request-reminder',
        dedupeKey: () => requestReminderKey(id),
        payload: (_mentor, p) => ({
          sessionId: id, mentorName: p.mentorName, menteeName: p.menteeName, startsAt: p.startsAt.toISOString(),
          durationMinutes: p.durationMinutes, timezone: p.mentorTimezone, expiresAt: expiresAt.toISOString(),
        }),
      });
      return true;
    });
    if (wrote) queued++;
  }
  return { reminded: queued, expired };
}
