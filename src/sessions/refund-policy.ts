import type { Role, SessionStatus } from '../db/schema';

/** A mentee who cancels this close to the start pays anyway. */
export const FREE_CANCELLATION_HOURS = 24;

/**
 * The one refund rule: full refund when the mentor or an admin cancels (or declines), when the mentee
 * cancels a request the mentor has not accepted yet (status pending), or cancels a confirmed session
 * more than 24 hours ahead; otherwise none. Shown to users before they pay and before they cancel.
 */
export function refundOnCancel(options: { by: Role; status: SessionStatus; startsAt: Date; now: Date; paid: boolean }): 'full' | 'none' {
  if (!options.paid) return 'none';
  if (options.by !== 'mentee') return 'full';
  // Nothing was promised yet: the mentor can still decline, so the mentee can still walk away.
  if (options.status !== 'confirmed') return 'full';
  return options.startsAt.getTime() - options.now.getTime() > FREE_CANCELLATION_HOURS * 3_600_000 ? 'full' : 'none';
}

/** The rule in words, shown before payment (booking form, checkout). */
export const CANCELLATION_RULE =
  'Until the mentor accepts your request you can cancel for a full refund. Once accepted, cancelling more than ' +
  `${FREE_CANCELLATION_HOURS} hours before the start is refunded in full; later, there is no refund. ` +
  'If the mentor declines, does not answer in time or cancels, you get a full refund.';

/** A mentee may move a session this long before its start, at most this often. */
export const MENTEE_RESCHEDULE_HOURS = 24;
export const MENTEE_RESCHEDULE_LIMIT = 2;

/**
 * The one reschedule rule: the mentee up to 24 hours before the start and at most twice per session;
 * the mentor and admins any time before the start. Returns why not, or null when allowed.
 */
export function rescheduleRefusal(options: { by: Role; startsAt: Date; now: Date; menteeMoves: number }): string | null {
  if (options.startsAt.getTime() <= options.now.getTime()) return 'This session has already started, so it cannot be moved.';
  if (options.by !== 'mentee') return null;
  if (options.menteeMoves >= MENTEE_RESCHEDULE_LIMIT) {
    return `You have already moved this session ${MENTEE_RESCHEDULE_LIMIT} times. To change it again, cancel it or ask your mentor.`;
  }
  if (options.startsAt.getTime() - options.now.getTime() <= MENTEE_RESCHEDULE_HOURS * 3_600_000) {
    return `Sessions can be moved up to ${MENTEE_RESCHEDULE_HOURS} hours before the start. Ask your mentor, or cancel.`;
  }
  return null;
}

/** The reschedule rule in words, shown on the reschedule page. */
export const RESCHEDULE_RULE =
  `You can move a session up to ${MENTEE_RESCHEDULE_HOURS} hours before the start, at most ${MENTEE_RESCHEDULE_LIMIT} times. ` +
  'Moving a confirmed session sends the new time to your mentor to accept. Mentors can move a session any time before it starts.';

/** Whether to offer "Reschedule" to this viewer: a pending or confirmed session the rule lets them move now. */
export function mayReschedule(options: { by: Role; status: SessionStatus; startsAt: Date; now: Date; menteeMoves: number }): boolean {
  return (options.status === 'pending' || options.status === 'confirmed') && rescheduleRefusal(options) === null;
}
