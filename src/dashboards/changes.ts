import { editableUntil } from '../feedback/reviews';
import { FREE_CANCELLATION_HOURS, MENTEE_RESCHEDULE_HOURS } from '../sessions/refund-policy';
import type { SessionRow } from '../sessions/queries';

const HOUR = 3_600_000;

/**
 * The first instant, from `now` on, at which My Sessions' lists (as read and rendered at `now`)
 * could read differently with no data changed: the clock-bound rules of a session card flip, or a
 * session moves from Upcoming to History. The kept lists hold until then (mentee-lists.ts).
 *
 * Each rule of the card that reads the clock has its instant here; test/dashboard-changes.test.ts
 * renders cards at random instants before the one this gives and fails if any differs, so a new
 * rule without its instant here is caught.
 */
export function menteeListsChangeAt(o: {
  upcoming: SessionRow[]; nextUpcoming: string | null; history: SessionRow[]; ratings: Map<string, { createdAt: Date }>; now: Date;
}): number {
  const instants: number[] = [];
  for (const s of [...o.upcoming, ...o.history]) {
    const start = s.startsAt.getTime();
    instants.push(
      start, // "Cancel session" and "Reschedule" go at the start
      start - FREE_CANCELLATION_HOURS * HOUR, // the refund on cancelling turns to none
      start - MENTEE_RESCHEDULE_HOURS * HOUR, // the mentee may no longer move it
      s.endsAt.getTime(), // it leaves Upcoming for History
    );
  }
  // A session past this Upcoming page starts no earlier than the page's last one, so it cannot end
  // (and come into History) before that.
  const last = o.upcoming.at(-1);
  if (o.nextUpcoming && last) instants.push(last.startsAt.getTime());
  for (const r of o.ratings.values()) instants.push(editableUntil(r).getTime()); // "Edit your rating" goes
  const now = o.now.getTime();
  return Math.min(Infinity, ...instants.filter((t) => t >= now));
}
