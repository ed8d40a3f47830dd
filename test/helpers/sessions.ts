import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { sessions } from '../../src/db/schema';

let shift = 0;

/**
 * Moves a session into the past (it ended an hour or more ago), so it can be marked completed.
 * Each call picks an earlier slot, so sessions of the same people never overlap.
 */
export async function endSessionInPast(db: Db, sessionId: string): Promise<void> {
  const hours = 2 + 2 * ++shift;
  await db
    .update(sessions)
    .set({
      startsAt: sql`now() - make_interval(hours => ${hours})`,
      endsAt: sql`now() - make_interval(hours => ${hours}) + make_interval(mins => ${sessions.durationMinutes})`,
    })
    .where(eq(sessions.id, sessionId));
}
