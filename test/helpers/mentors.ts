import { eq } from 'drizzle-orm';
import { availabilityWindows, mentorProfiles } from '../../src/db/schema';
import type { TestApp } from './app';

/**
 * A mentor available every day 00:00-24:00 UTC with no notice (30 and 60 minutes, 60.00 USD an hour,
 * the test defaults): any half-hour from now on is bookable.
 */
export async function createOpenMentor(t: TestApp): Promise<{ id: string; email: string }> {
  const mentor = await t.createUser('mentor');
  await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentor.id));
  await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: mentor.id })));
  return mentor;
}
