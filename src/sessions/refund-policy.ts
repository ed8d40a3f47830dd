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
