import type { Role } from '../db/schema';

/** A mentee who cancels this close to the start pays anyway. */
export const FREE_CANCELLATION_HOURS = 24;

/**
 * The one refund rule: full refund when the mentor or an admin cancels (or declines), or when the
 * mentee cancels more than 24 hours ahead; otherwise none. Shown to users before they confirm.
 */
export function refundOnCancel(options: { by: Role; startsAt: Date; now: Date; paid: boolean }): 'full' | 'none' {
  if (!options.paid) return 'none';
  if (options.by !== 'mentee') return 'full';
  return options.startsAt.getTime() - options.now.getTime() > FREE_CANCELLATION_HOURS * 3_600_000 ? 'full' : 'none';
}
