import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';

/**
 * Queues slot-holding writes per person: a transaction-scoped advisory lock per mentor and mentee,
 * taken in one order. Concurrent inserts that conflict on an exclusion constraint can deadlock each
 * other in PostgreSQL (measured: 500 bookings of one slot, dozens of "deadlock detected", each costing
 * the 1 s deadlock_timeout); queued, each sees the winner's committed row and fails cleanly with 23P01.
 * The exclusion constraints stay the guarantee; this only makes the losers' answer fast and clean.
 */
export async function lockPeople(tx: Tx, ids: string[]): Promise<void> {
  for (const id of [...new Set(ids)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`slot:${id}`}, 0))`);
  }
}
