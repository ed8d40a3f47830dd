import { and, eq, inArray, isNull, } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { exclusionConstraint } from '../db/errors';
import { isUuid } from '../db/ids';
import { lockPeople } from '../booking/locks';
import { paymentProblems, refunds, sessions } from '../db/schema';
import { AppError } from '../errors';
import { clockOf, queueParticipantEmails } from '../sessions/emails';
import { transitionTx } from '../sessions/machine';
import { loadSessionPeople } from '../sessions/participants';
import { sendRefundJob } from '../jobs/definitions/send-refund';
import { queueJob } from '../jobs/queue';
import { receiptNumber } from './receipts';

export type PaymentOutcome = 'pending' | 'already-paid' | 'refund-requested' | 'not-found' | 'mismatch';

/** What a provider says was paid: ours to check against the booking, never to trust on its own. */
export interface ReceivedPayment {
  /** The provider's checkout id (Stripe: cs_…): the booking is found by the one we stored. */
  checkoutRef: string;
  /** The provider's payment id (Stripe: pi_…): what a refund of this money names. */
  paymentRef: string;
  amountCents: number;
  currency: string;
  /** The booking ids the checkout's metadata names (Stripe: metadata.session_id, client_reference_id). */
  claimedSessionIds: string[];
  /** The provider's event id, when a webhook brought the payment. */
  eventId?: string | null;
}

export type PaymentProblemReason = (typeof paymentProblems.$inferInsert)['reason'];

/**
 * A provider says a checkout was paid (Stripe webhook, or the test checkout's Pay button: one path).
 * The payment counts only if its checkout id is the one we created for the booking, the metadata names
 * that booking, and the amount and currency are the booking's price. Anything else changes no session:
 * the money is refunded (once per payment) and the problem recorded for admins.
 */
export async function recordCheckoutPayment(options: { db: Db; payment: ReceivedPayment; now: Date }): Promise<PaymentOutcome> {
  return options.db.transaction((tx) => recordCheckoutPaymentTx(tx, options));
}

/** recordCheckoutPayment inside the caller's transaction (the Stripe webhook adds its event-id insert to it). */
export async function recordCheckoutPaymentTx(tx: Tx, options: { payment: ReceivedPayment; now: Date }): Promise<PaymentOutcome> {
  const { payment: p, now } = options;
  // Locked: two payments for one booking are checked one after the other.
  const [booking] = await tx
    .select({ id: sessions.id, priceCents: sessions.priceCents, currency: sessions.currency })
    .from(sessions)
    .where(eq(sessions.checkoutRef, p.checkoutRef))
    .for('update');
  const expected = booking ? { expectedAmountCents: booking.priceCents, expectedCurrency: booking.currency } : {};
  let reason: PaymentProblemReason | null = null;
  if (!booking) reason = 'unknown_checkout';
  else if (p.claimedSessionIds.length === 0 || p.claimedSessionIds.some((id) => id !== booking.id)) reason = 'booking_mismatch';
  else if (p.currency.toLowerCase() !== booking.currency.toLowerCase()) reason = 'currency_mismatch';
  else if (p.amountCents !== booking.priceCents) reason = 'amount_mismatch';
  if (reason) {
    // The booking it was for, if we can tell: ours by checkout id, else one the metadata names.
    const sessionId = booking?.id ?? (await knownSession(tx, p.claimedSessionIds));
    await refundProblem(tx, { payment: p, sessionId, reason, now, ...expected });
    return 'mismatch';
  }
  // A second, different payment for a booking already paid is money we must give back too.
  const [paid] = await tx.select({ paymentRef: sessions.paymentRef, status: sessions.status }).from(sessions).where(eq(sessions.id, booking!.id));
  if (paid?.paymentRef && paid.paymentRef !== p.paymentRef && (paid.status === 'pending' || paid.status === 'confirmed' || paid.status === 'completed')) {
    await refundProblem(tx, { payment: p, sessionId: booking!.id, reason: 'already_paid', now, ...expected });
    return 'mismatch';
  }
  return recordPaymentTx(tx, { sessionId: booking!.id, paymentRef: p.paymentRef, now });
}

async function knownSession(tx: Tx, ids: string[]): Promise<string | null> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return null;
  const [row] = await tx.select({ id: sessions.id }).from(sessions).where(inArray(sessions.id, valid));
  return row?.id ?? null;
}

/** Records the problem (once per payment) and owes the payment back as it came, with an audit row on the booking. */
async function refundProblem(tx: Tx, options: {
  payment: ReceivedPayment; sessionId: string | null; reason: PaymentProblemReason; now: Date; expectedAmountCents?: number; expectedCurrency?: string;
}) {
  const { payment: p, sessionId, now } = options;
  const [problem] = await tx
    .insert(paymentProblems)
    .values({
      eventId: p.eventId ?? null, sessionId, checkoutRef: p.checkoutRef, paymentRef: p.paymentRef, amountCents: p.amountCents, currency: p.currency,
      expectedAmountCents: options.expectedAmountCents ?? null, expectedCurrency: options.expectedCurrency ?? null, reason: options.reason, createdAt: now,
    })
    .onConflictDoNothing({ target: paymentProblems.paymentRef })
    .returning({ id: paymentProblems.id });
  if (!problem) return;
  if (sessionId) {
    await recordAudit(tx, { actorId: null, action: 'payment.refused', subjectType: 'session', subjectId: sessionId, data: { reason: options.reason, paymentRef: p.paymentRef } });
  }
  if (p.amountCents > 0) {
    const reason = `The payment did not match its booking (${options.reason.replace(/_/g, ' ')}).`;
    const owed = await queueRefund(tx, { sessionId, paymentRef: p.paymentRef, amountCents: p.amountCents, currency: p.currency, now, reason });
    // The payer is told, when we know who they are: money taken and given back should never be a surprise.
    if (owed && sessionId) {
      const info = await loadSessionPeople(tx, sessionId);
      await queueParticipantEmails(tx, {
        sessionId, people: info, template: 'payment-refunded', to: ['mentee'], dedupeKey: () => `payment-refunded:${p.paymentRef}`,
        payload: (mentee) => ({
          menteeName: info.menteeName, mentorName: info.mentorName, startsAt: info.startsAt.toISOString(), timezone: info.menteeTimezone,
          amountCents: p.amountCents, currency: p.currency.toUpperCase(), mentorId: info.mentorId, reason, kind: 'mismatch', ...clockOf(mentee),
        }),
      });
    }
  }
}

/**
 * A payment already checked against its booking (recordCheckoutPayment), or made outside the product
 * (operators' session:create). Idempotent: a repeat changes nothing. A payment for a hold that lapsed
 * is kept if the slot is still free, and refunded (never kept silently, never double-booked) if it was
 * taken meanwhile, or if an admin released the hold.
 */
export async function recordPayment(options: { db: Db; sessionId: string; paymentRef: string; now: Date }): Promise<PaymentOutcome> {
  return options.db.transaction((tx) => recordPaymentTx(tx, options));
}

/** recordPayment inside the caller's transaction. */
export async function recordPaymentTx(tx: Tx, options: { sessionId: string; paymentRef: string; now: Date }): Promise<PaymentOutcome> {
  const { sessionId, paymentRef, now } = options;
  if (!isUuid(sessionId)) return 'not-found';
  const read = async () => (await tx.select({ status: sessions.status, mentorId: sessions.mentorId, menteeId: sessions.menteeId, released: sessions.holdReleasedAt, paymentRef: sessions.paymentRef })
    .from(sessions).where(eq(sessions.id, sessionId)))[0];
  let current = await read();
  if (!current) return 'not-found';
  if (current.status === 'awaiting_payment') {
    if (await pay(tx, { sessionId, menteeId: current.menteeId, paymentRef, now, verb: 'pay' })) return 'pending';
    // A racing change won (the hold lapsed, an admin released it): decide on what it left.
    current = await read();
    if (!current) return 'not-found';
  }
  // The payment we already recorded, seen again (a second Pay, a second event for one checkout): it was
  // dealt with then. Treating it as a new late payment would refund a late cancellation that owes none.
  if (current.paymentRef === paymentRef) return 'already-paid';
  if (current.status === 'pending' || current.status === 'confirmed' || current.status === 'completed') return 'already-paid';
  if (current.status === 'expired' && current.released) {
    await requestRefund(tx, sessionId, paymentRef, now, 'The booking was released before the payment arrived, and its time given back.');
    return 'refund-requested';
  }
  if (current.status === 'expired') {
    // Reviving a lapsed hold takes its slot back: queued with bookings of the same people (see lockPeople).
    await lockPeople(tx, [current.mentorId, current.menteeId]);
    try {
      const revived = await tx.transaction((sp) => pay(sp, { sessionId, menteeId: current.menteeId, paymentRef, now, verb: 'revive' }));
      if (revived) return 'pending';
    } catch (err) {
      if (!exclusionConstraint(err)) throw err;
    }
  }
  await requestRefund(tx, sessionId, paymentRef, now, 'The time slot was no longer available when the payment arrived.');
  return 'refund-requested';
}

/** The mentee's payment moves the booking to pending (the state machine's pay or revive), and the mentor is asked. */
async function pay(tx: Tx, options: { sessionId: string; menteeId: string; paymentRef: string; now: Date; verb: 'pay' | 'revive' }): Promise<boolean> {
  const { sessionId, paymentRef, now } = options;
  const result = await transitionTx(tx, {
    sessionId, verb: options.verb, actor: { id: options.menteeId, role: 'mentee' }, now,
    set: { paymentRef, paidAt: now, holdExpiresAt: null, updatedAt: now },
    effects: async (t, row) => {
      const people = await loadSessionPeople(t, sessionId);
      await queueParticipantEmails(t, {
        sessionId, people, template: 'session-request', to: ['mentor'],
        dedupeKey: () => `session-request:${sessionId}`,
        payload: (mentor, p) => ({
          sessionId, mentorName: p.mentorName, menteeName: p.menteeName, startsAt: p.startsAt.toISOString(),
          durationMinutes: p.durationMinutes, timezone: mentor.timezone, ...(row.bookingNote ? { note: row.bookingNote } : {}), ...clockOf(mentor),
        }),
      });
      // The mentee's receipt, once per payment: the payment and its receipt commit together.
      await queueParticipantEmails(t, {
        sessionId, people, template: 'payment-receipt', to: ['mentee'],
        dedupeKey: () => `payment-receipt:${paymentRef}`,
        payload: (mentee, p) => ({
          sessionId, receiptNumber: receiptNumber(sessionId, now), menteeName: p.menteeName, mentorName: p.mentorName,
          amountCents: p.priceCents, currency: p.currency, paidAt: now.toISOString(), startsAt: p.startsAt.toISOString(),
          durationMinutes: p.durationMinutes, timezone: mentee.timezone, ...clockOf(mentee),
        }),
      });
    },
  });
  return !(result instanceof AppError);
}

/**
 * Records that a payment must go back in full, once per payment (a unique key on its reference), with
 * an audit row on its session, in the caller's transaction, with its job (payments.send-refund).
 * False if already owed. A session's payment without a stored reference is keyed by the session.
 */
export async function queueRefund(tx: Tx, options: {
  sessionId: string | null; paymentRef: string | null; amountCents: number; currency: string; reason: string; now: Date; actorId?: string | null;
}): Promise<boolean> {
  const paymentRef = options.paymentRef ?? `session:${options.sessionId}`;
  const [created] = await tx
    .insert(refunds)
    .values({ sessionId: options.sessionId, paymentRef, amountCents: options.amountCents, currency: options.currency, reason: options.reason })
    .onConflictDoNothing({ target: refunds.paymentRef })
    .returning({ id: refunds.id });
  if (!created) return false;
  await queueJob(tx, sendRefundJob, { refundId: created.id });
  if (options.sessionId) {
    await recordAudit(tx, { actorId: options.actorId ?? null, action: 'payment.refund_requested', subjectType: 'session', subjectId: options.sessionId, data: { reason: options.reason, paymentRef } });
  }
  return true;
}

/** A late payment for a slot taken meanwhile: refund it and tell the mentee. */
async function requestRefund(tx: Tx, sessionId: string, paymentRef: string, now: Date, reason: string) {
  const info = await loadSessionPeople(tx, sessionId);
  // The session shows its first payment; each payment is refunded by its own reference.
  await tx.update(sessions).set({ paymentRef, paidAt: now }).where(and(eq(sessions.id, sessionId), isNull(sessions.paidAt)));
  if (!(await queueRefund(tx, { sessionId, paymentRef, amountCents: info.priceCents, currency: info.currency, reason, now }))) return;
  await queueParticipantEmails(tx, {
    sessionId, people: info, template: 'payment-refunded', to: ['mentee'], dedupeKey: () => `payment-refunded:${sessionId}`,
    payload: (mentee) => ({
      menteeName: info.menteeName, mentorName: info.mentorName, startsAt: info.startsAt.toISOString(), timezone: info.menteeTimezone,
      amountCents: info.priceCents, currency: info.currency, mentorId: info.mentorId, reason, ...clockOf(mentee),
    }),
  });
}
