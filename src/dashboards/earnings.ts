import type { Db } from '../db/client';
import { summarizeEarnings, type Earnings } from '../sessions/queries';
import { keepWhileUnchanged } from '../web/kept';

// One entry per mentor who opened the dashboard lately (a few numbers each).
const kept = keepWhileUnchanged<Earnings[]>({ max: 2_000 });

/**
 * The Mentor Dashboard's earnings, kept per mentor until a session changes (the data version) or the
 * calendar month (UTC) that "Completed this month" counts ends: the sums read nothing else.
 */
export function mentorEarnings(options: { db: Db; mentorId: string; now: Date; version: bigint | null }): Promise<Earnings[]> {
  const { db, mentorId, now } = options;
  const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const until = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  return kept({ db, key: mentorId, version: options.version, now: now.getTime(), make: async () => ({ value: await summarizeEarnings({ db, mentorId, now }), from, until }) });
}
