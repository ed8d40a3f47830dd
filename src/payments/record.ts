import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { exclusionConstraint } from '../db/errors';
import { lockPeople } from '../booking/locks';
import { refunds, sessions, users } from '../db/schema';
import { enqueueEmail } from '../mail/outbox';
import type { PaymentProvider } from './provider';

export type PaymentOutcome = 'pending' | 'already-paid' | 'refund-requested' | 'not-found';

/**
 * A provider says the session is paid (Stripe webhook, or the test checkout's Pay button: one path).
 * Idempotent: a repeat changes nothing. A payment for a hold that lapsed is kept if the slot is
 * still free, and refunded (never kept silently, never double-booked) if it was taken meanwhile.
 */
export async function recordPayment(options: { db: Db; sessionId: string; paymentRef: string; now: Date }): Promise<PaymentOutcome> {
  return options.db.transaction((tx) => recordPaymentTx(tx, options));
}

/** recordPayment inside the caller's transaction (the Stripe webhook adds its event-id insert to it). */
export async function recordPaymentTx(tx: Tx, options: { sessionId: string; paymentRef: string; now: Date }): Promise<PaymentOutcome> {
  const { sessionId, paymentRef, now } = options;
  const [paid] = await markPending(tx, sessionId, paymentRef, now, 'awaiting_payment');
  if (paid) {
    await afterPaid(tx, paid.id);
    return 'pending' as const;
  }
  const [current] = await tx.select({ status: sessions.status, mentorId: sessions.mentorId, menteeId: sessions.menteeId }).from(sessions).where(eq(sessions.id, sessionId));
  if (!current) return 'not-found' as const;
  if (current.status === 'pending' || current.status === 'confirmed' || current.status === 'completed') return 'already-paid' as const;
  if (current.status === 'expired') {
    // Reviving a lapsed hold takes its slot back: queued with bookings of the same people (see lockPeople).
    await lockPeople(tx, [current.mentorId, current.menteeId]);
    try {
      const revived = await tx.transaction(async (sp) => markPending(sp, sessionId, paymentRef, now, 'expired'));
      if (revived.length) {
        await afterPaid(tx, sessionId);
        return 'pending' as const;
      }
    } catch (err) {
      if (!exclusionConstraint(err)) throw err;
    }
  }
  await requestRefund(tx, sessionId, paymentRef, now, 'The time slot was no longer available when the payment arrived.');
  return 'refund-requested' as const;
}

function markPending(tx: Tx, sessionId: string, paymentRef: string, now: Date, from: 'awaiting_payment' | 'expired') {
  return tx
    .update(sessions)
    .set({ status: 'pending', paymentRef, paidAt: now, holdExpiresAt: null, updatedAt: now })
    // Only a hold that lapsed unpaid can be revived: an expired request that was paid (and is being
    // refunded) stays expired, so a second payment is refunded too rather than reopening it.
    .where(and(eq(sessions.id, sessionId), eq(sessions.status, from), from === 'expired' ? isNull(sessions.paidAt) : undefined))
    .returning({ id: sessions.id });
}

async function afterPaid(tx: Tx, sessionId: string) {
  const info = await loadSessionPeople(tx, sessionId);
  await recordAudit(tx, { actorId: info.menteeId, action: 'session.paid', subjectType: 'session', subjectId: sessionId, data: { to: 'pending' } });
  await enqueueEmail({
    tx,
    dedupeKey: `session-request:${sessionId}`,
    template: 'session-request',
    to: { name: info.mentorName, address: info.mentorEmail },
    payload: {
      sessionId, mentorName: info.mentorName, menteeName: info.menteeName, startsAt: info.startsAt.toISOString(),
      durationMinutes: info.durationMinutes, timezone: info.mentorTimezone,
    },
  });
}

/**
 * Records that a session's payment must go back in full, once per session (a unique key), with its
 * audit row, in the caller's transaction. The worker sends it to the provider. False if already owed.
 */
export async function queueRefund(tx: Tx, options: { sessionId: string; amountCents: number; currency: string; reason: string; now: Date; actorId?: string | null }): Promise<boolean> {
  const [created] = await tx
    .insert(refunds)
    .values({ sessionId: options.sessionId, amountCents: options.amountCents, currency: options.currency, reason: options.reason, nextAttemptAt: options.now })
    .onConflictDoNothing({ target: refunds.sessionId })
    .returning({ id: refunds.id });
  if (!created) return false;
  await recordAudit(tx, { actorId: options.actorId ?? null, action: 'payment.refund_requested', subjectType: 'session', subjectId: options.sessionId, data: { reason: options.reason } });
  return true;
}

/** A late payment for a slot taken meanwhile: refund it and tell the mentee. */
async function requestRefund(tx: Tx, sessionId: string, paymentRef: string, now: Date, reason: string) {
  const info = await loadSessionPeople(tx, sessionId);
  // The payment reference is needed to refund: store it before queueing.
  await tx.update(sessions).set({ paymentRef, paidAt: now }).where(eq(sessions.id, sessionId));
  if (!(await queueRefund(tx, { sessionId, amountCents: info.priceCents, currency: info.currency, reason, now }))) return;
  await enqueueEmail({
    tx,
    dedupeKey: `payment-refunded:${sessionId}`,
    sessionId,
    template: 'payment-refunded',
    to: { name: info.menteeName, address: info.menteeEmail },
    payload: {
      menteeName: info.menteeName, mentorName: info.mentorName, startsAt: info.startsAt.toISOString(), timezone: info.menteeTimezone,
      amountCents: info.priceCents, currency: info.currency, mentorId: info.mentorId, reason,
    },
  });
}

/** Each participant as an email recipient: who they are, their zone, and the other person's name. */
export function participantsOf(p: Awaited<ReturnType<typeof loadSessionPeople>>) {
  return [
    { role: 'mentee' as const, id: p.menteeId, name: p.menteeName, email: p.menteeEmail, timezone: p.menteeTimezone, other: p.mentorName },
    { role: 'mentor' as const, id: p.mentorId, name: p.mentorName, email: p.mentorEmail, timezone: p.mentorTimezone, other: p.menteeName },
  ];
}

/** Both participants of a session, with their zones: what every email about it needs. */
export async function loadSessionPeople(tx: Tx, sessionId: string) {
  type Row = {
    mentor_id: string; mentee_id: string; starts_at: string | Date; duration_minutes: number; price_cents: number; currency: string;
    mentor_name: string; mentor_email: string; mentor_timezone: string; mentee_name: string; mentee_email: string; mentee_timezone: string;
  };
  // One round trip for both people; execute() returns { rows } on both drivers.
  const rows = (await tx.execute(sql`
    select s.mentor_id, s.mentee_id, s.starts_at, s.duration_minutes, s.price_cents, s.currency,
           mentor.name as mentor_name, mentor.email as mentor_email, mentor.timezone as mentor_timezone,
           mentee.name as mentee_name, mentee.email as mentee_email, mentee.timezone as mentee_timezone
    from ${sessions} s
    join ${users} mentor on mentor.id = s.mentor_id
    join ${users} mentee on mentee.id = s.mentee_id
    where s.id = ${sessionId}`)) as unknown as { rows: Row[] };
  const r = rows.rows[0]!;
  return {
    mentorId: r.mentor_id, menteeId: r.mentee_id, startsAt: new Date(r.starts_at), durationMinutes: r.duration_minutes,
    priceCents: r.price_cents, currency: r.currency,
    mentorName: r.mentor_name, mentorEmail: r.mentor_email, mentorTimezone: r.mentor_timezone,
    menteeName: r.mentee_name, menteeEmail: r.mentee_email, menteeTimezone: r.mentee_timezone,
  };
}

/** The provider says this checkout will never be paid (expired, or an async payment failed). */
export async function releaseUnpaid(options: { db: Db; sessionId: string; now: Date }): Promise<boolean> {
  return options.db.transaction((tx) => releaseUnpaidTx(tx, options));
}

/** releaseUnpaid inside the caller's transaction. Only awaiting_payment moves: a paid session stays paid. */
export async function releaseUnpaidTx(tx: Tx, options: { sessionId: string; now: Date }): Promise<boolean> {
  const rows = await tx
    .update(sessions)
    .set({ status: 'expired', updatedAt: options.now })
    .where(and(eq(sessions.id, options.sessionId), eq(sessions.status, 'awaiting_payment')))
    .returning({ id: sessions.id });
  await auditLapsedHolds(tx, rows, 'checkout closed unpaid');
  return rows.length === 1;
}

/** Scheduled sweep: unpaid holds past their time give their slots back. */
export async function expireLapsedHolds(options: { db: Db; now: Date }): Promise<number> {
  return options.db.transaction(async (tx) => {
    const rows = await tx
      .update(sessions)
      .set({ status: 'expired', updatedAt: options.now })
      .where(and(eq(sessions.status, 'awaiting_payment'), lte(sessions.holdExpiresAt, options.now)))
      .returning({ id: sessions.id });
    await auditLapsedHolds(tx, rows, 'hold lapsed');
    return rows.length;
  });
}

/** The audit rows of unpaid holds given back (awaiting_payment → expired), in the transaction that expired them. */
export async function auditLapsedHolds(tx: Tx, rows: { id: string }[], reason: string): Promise<void> {
  for (const { id } of rows) {
    await recordAudit(tx, { actorId: null, action: 'session.expired', subjectType: 'session', subjectId: id, data: { from: 'awaiting_payment', to: 'expired', reason } });
  }
}

/** Worker: sends requested refunds to the provider, with backoff; the idempotency key makes retries safe. */
export async function processDueRefunds(options: { db: Db; payments: PaymentProvider; now?: Date; backoffMs?: number }): Promise<number> {
  const now = options.now ?? new Date();
  const due = await options.db.transaction(async (tx) => {
    const ids = await tx
      .select({ id: refunds.id })
      .from(refunds)
      .where(and(eq(refunds.status, 'requested'), lte(refunds.nextAttemptAt, now)))
      .orderBy(asc(refunds.nextAttemptAt))
      .limit(10)
      .for('update', { skipLocked: true });
    if (!ids.length) return [];
    // Claim: push the next attempt out, so another worker skips these while we call the provider.
    return tx
      .update(refunds)
      .set({ attempts: sql`${refunds.attempts} + 1`, nextAttemptAt: new Date(now.getTime() + 5 * 60_000) })
      .where(inArray(refunds.id, ids.map((r) => r.id)))
      .returning();
  });
  let done = 0;
  for (const refund of due) {
    const [session] = await options.db.select({ paymentRef: sessions.paymentRef }).from(sessions).where(eq(sessions.id, refund.sessionId));
    try {
      const result = await options.payments.refund({
        paymentRef: session?.paymentRef ?? '', amountCents: refund.amountCents, idempotencyKey: `refund:${refund.sessionId}`, reason: refund.reason,
      });
      await options.db.update(refunds).set({ status: 'succeeded', providerRef: result.refundRef, completedAt: new Date(), lastError: null }).where(eq(refunds.id, refund.id));
      done++;
    } catch (err) {
      const delay = Math.min((options.backoffMs ?? 30_000) * 2 ** (refund.attempts - 1), 3_600_000);
      await options.db
        .update(refunds)
        .set({ status: refund.attempts >= 10 ? 'failed' : 'requested', lastError: String((err as Error).message ?? err).slice(0, 500), nextAttemptAt: new Date(Date.now() + delay) })
        .where(eq(refunds.id, refund.id));
    }
  }
  return done;
}
