/** The booking step's address: how a chosen slot is carried through log-in, sign-up and back. */

/** A slot as the booking form names it (an instant), or nothing: anything else is dropped, never echoed. */
export function chosenStart(value: unknown): Date | undefined {
  if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * The booking step with this choice made: the mentor's profile, the length and slot preselected, scrolled
 * to the booking form. Where "Log in to book" and sign-up come back to; showing it books nothing.
 */
export function bookingStepPath(mentorId: string, choice: { length?: unknown; startsAt?: unknown; tz?: unknown }): string {
  const q = new URLSearchParams();
  const length = Number(choice.length);
  if (Number.isInteger(length) && length > 0 && length <= 480) q.set('length', String(length));
  const at = chosenStart(choice.startsAt);
  if (at) q.set('startsAt', at.toISOString());
  if (typeof choice.tz === 'string' && choice.tz.length <= 64 && /^[A-Za-z0-9_+\-/]+$/.test(choice.tz)) q.set('tz', choice.tz);
  return `/mentors/${mentorId}${q.size ? `?${q}` : ''}#book`;
}
