import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { exclusionConstraint } from '../db/errors';
import { AppError } from '../errors';
import { sessions } from '../db/schema';
import type { PaymentProvider } from '../payments/provider';
import { text } from '../web/input';
import { formatMoney } from '../web/money';
import { checkHoldLimits, expireLapsedHoldsTx, releaseUnpaid, type HoldRefusal } from './holds';
import { lockPeople } from './locks';
import { isDayOff, isOfferedStart, loadMentorSchedule, sessionWithinBuffer } from './slots';
import { localDateOf } from './timezones';
import { pluralize } from '../plural';

/** An unpaid booking holds its slot this long; a Stripe checkout (≥ 30 min) ends before it. */
export const HOLD_MINUTES = 35;
export const CHECKOUT_MINUTES = 31;

/** Most characters of the booking note: room for a paragraph or two, not a document. */
export const BOOKING_NOTE_MAX = 1000;

/** "What would you like help with?": optional, multi-line plain text for the mentor. */
export const bookingNote = text({
  max: BOOKING_NOTE_MAX, multiline: true,
  tooLong: `What would you like help with? Use at most ${BOOKING_NOTE_MAX} characters.`,
});

export const bookingInput = z.object({
  mentorId: z.uuid('This mentor does not exist.'),
  startsAt: z.iso.datetime({ offset: true, message: 'Pick a time from the list.' }),
  durationMinutes: z.coerce.number({ message: 'Choose a session length.' }).int('Choose a session length.').min(15, 'Choose a session length.').max(480, 'Choose a session length.'),
  note: bookingNote.optional(),
});

/** 720 -> "12 hours'", 60 -> "1 hour's", 90 -> "90 minutes'": how a notice reads in a refusal. */
export function noticeText(minutes: number): string {
  if (minutes % 60 !== 0) return pluralize(minutes, "minute's", "minutes'");
  return pluralize(minutes / 60, "hour's", "hours'");
}

export type BookingResult =
  | { ok: true; sessionId: string; redirectUrl: string }
  | AppError<{ holdId?: string; fields?: { note?: string } }>;

export interface BookSessionOptions {
  db: Db;
  payments: PaymentProvider;
  appUrl: string;
  mentee: { id: string; email: string; name: string };
  input: unknown;
  now: Date;
}

/**
 * Holds a slot for the mentee (status awaiting_payment) and starts the provider's checkout.
 * Price, mentor, mentee and status come from the server; the client only chooses slot and length.
 * The exclusion constraints decide races: concurrent bookings of one slot get one winner.
 */
export async function bookSession(options: BookSessionOptions): Promise<BookingResult> {
  const parsed = bookingInput.safeParse(options.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    // The note's error goes next to the note; a slot or length error is about the whole choice.
    return issue.path[0] === 'note' ? new AppError('invalid', issue.message, { fields: { note: issue.message } }) : new AppError('invalid', issue.message);
  }
  const { mentorId, durationMinutes } = parsed.data;
  const note = parsed.data.note || null;
  const startsAt = new Date(parsed.data.startsAt);
  const { db, now } = options;

  const schedule = await loadMentorSchedule(db, mentorId);
  if (!schedule) return new AppError('not_found', 'This mentor does not exist.');
  if (!schedule.sessionLengths.includes(durationMinutes)) {
    return new AppError('invalid', `Choose one of the offered session lengths: ${schedule.sessionLengths.join(', ')} minutes.`);
  }
  if (startsAt.getTime() <= now.getTime()) return new AppError('invalid', 'That time has already passed. Pick another slot.');
  // The page's list may be older than a change of the mentor's rules: each rule refuses with its reason.
  if (startsAt.getTime() < now.getTime() + schedule.minNoticeMinutes * 60_000) {
    return new AppError('invalid', `${schedule.name} needs at least ${noticeText(schedule.minNoticeMinutes)} notice. Pick a later slot.`);
  }
  if (startsAt.getTime() > now.getTime() + schedule.horizonDays * 86_400_000) {
    return new AppError('invalid', `Sessions can be booked up to ${pluralize(schedule.horizonDays, 'day')} ahead.`);
  }
  if (isDayOff(schedule, localDateOf(startsAt, schedule.timezone))) {
    return new AppError('invalid', `${schedule.name} is away that day. Pick another slot.`);
  }
  if (!isOfferedStart(schedule, startsAt, durationMinutes, now)) {
    return new AppError('invalid', "That time is outside the mentor's availability. Pick a time from the list.");
  }

  const priceCents = Math.round((schedule.hourlyRateCents * durationMinutes) / 60);
  const endsAt = new Date(startsAt.getTime() + durationMinutes * 60_000);
  let sessionId: string;
  try {
    const held: string | HoldRefusal | { error: string; holdId?: undefined } = await db.transaction(async (tx) => {
      await lockPeople(tx, [mentorId, options.mentee.id]);
      // Lapsed holds give their slots back now, not at the next sweep.
      await expireLapsedHoldsTx(tx, { now, of: { mentorId, menteeId: options.mentee.id } });
      // Unpaid holds block other people's slots: a few per mentee, counted under the mentee's lock.
      const refusal = await checkHoldLimits(tx, { menteeId: options.mentee.id, mentorId, now });
      if (refusal) return refusal;
      // The mentor's buffer, checked under the mentor's lock: bookings of one mentor queue behind it.
      if (await sessionWithinBuffer(tx, { mentorId, startsAt, endsAt, bufferMinutes: schedule.bufferMinutes })) {
        return { error: `${schedule.name} keeps ${schedule.bufferMinutes} minutes free between sessions, and that time is too close to another session. Pick another slot.` };
      }
      const [row] = await tx
        .insert(sessions)
        .values({
          mentorId, menteeId: options.mentee.id, startsAt, endsAt, durationMinutes, priceCents, currency: schedule.currency,
          status: 'awaiting_payment', holdExpiresAt: new Date(now.getTime() + HOLD_MINUTES * 60_000), paymentProvider: options.payments.name,
          bookingNote: note,
        })
        .returning({ id: sessions.id });
      await recordAudit(tx, { actorId: options.mentee.id, action: 'session.booked', subjectType: 'session', subjectId: row!.id, data: { to: 'awaiting_payment' } });
      return row!.id;
    });
    if (typeof held !== 'string') return new AppError('conflict', held.error, { holdId: held.holdId });
    sessionId = held;
  } catch (err) {
    const constraint = exclusionConstraint(err);
    if (constraint === 'sessions_mentee_no_overlap') return new AppError('conflict', 'You already have a session at that time. Pick another slot.');
    if (constraint) return new AppError('conflict', 'Sorry, that slot was just taken. Please pick another time.');
    throw err;
  }

  let checkout: Awaited<ReturnType<PaymentProvider['createCheckout']>>;
  try {
    checkout = await options.payments.createCheckout({
      sessionId,
      amountCents: priceCents,
      currency: schedule.currency,
      description: `${durationMinutes}-minute mentoring session with ${schedule.name} (${formatMoney(priceCents, schedule.currency)})`,
      customerEmail: options.mentee.email,
      successUrl: `${options.appUrl}/dashboard?paid=${sessionId}`,
      // Back from the provider's page to this booking's own page: pay after all, or cancel it and free the time.
      cancelUrl: `${options.appUrl}/sessions/${sessionId}`,
      expiresAt: new Date(now.getTime() + CHECKOUT_MINUTES * 60_000),
    });
  } catch {
    // The provider failed (only its errors are caught here): no checkout, no hold, the slot back at once.
    await releaseUnpaid({ db, sessionId, now: new Date(), reason: 'checkout could not be started' });
    return new AppError('upstream', 'Payment could not be started, and nothing was charged. Please try again in a moment.');
  }
  // Updating the row re-checks the overlap constraints against other bookings in flight: queue behind
  // them like a booking does, or a concurrent booking of the same people and this update deadlock.
  await db.transaction(async (tx) => {
    await lockPeople(tx, [mentorId, options.mentee.id]);
    await tx.update(sessions).set({ checkoutRef: checkout.checkoutRef, checkoutUrl: checkout.redirectUrl }).where(eq(sessions.id, sessionId));
  });
  return { ok: true, sessionId, redirectUrl: checkout.redirectUrl };
}
