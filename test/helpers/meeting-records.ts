import { eq } from 'drizzle-orm';
import { sessions } from '../../src/db/schema';
import { createMeetingRecords } from '../../src/meetings/records';
import { meetingCodeOf, readDueMeetingRecords } from '../../src/sessions/meeting-records';
import type { TestApp } from './app';
import { acceptAsMentor, makeDueRooms, MINUTE, pendingSessionOfNewPeople, type NewPerson, type PeopleSession } from './scenario';

let ahead = 0;

/**
 * A confirmed session whose room the app made through the configured provider, then moved so that it
 * ended `endedMinutesAgo` ago (60 minutes long, on a whole minute).
 */
export async function finishedSession(t: TestApp, options: { endedMinutesAgo?: number; mentor?: NewPerson; mentee?: NewPerson } = {}): Promise<PeopleSession & { startsAt: Date; endsAt: Date; meetingUrl: string; meetingCode: string | null }> {
  const s = await pendingSessionOfNewPeople(t, 100 + 2 * ++ahead, { mentor: options.mentor, mentee: options.mentee });
  await acceptAsMentor(s.mentor, s.sessionId);
  await makeDueRooms(t);
  const endsAt = new Date(Math.floor((Date.now() - (options.endedMinutesAgo ?? 30) * MINUTE) / MINUTE) * MINUTE);
  const startsAt = new Date(endsAt.getTime() - 60 * MINUTE);
  const [row] = await t.database.db.update(sessions).set({ startsAt, endsAt }).where(eq(sessions.id, s.sessionId)).returning({ meetingUrl: sessions.meetingUrl, meetingCode: sessions.meetingCode });
  if (!row?.meetingUrl) throw new Error('the room was not made');
  return { ...s, startsAt, endsAt, meetingUrl: row.meetingUrl, meetingCode: meetingCodeOf(row) };
}

/** One run of the worker's records sweep, at `now`. */
export function sweepMeetingRecords(t: Pick<TestApp, 'config' | 'database'>, now = new Date()): Promise<string> {
  return readDueMeetingRecords({ db: t.database.db, records: createMeetingRecords(t.config), now });
}

/** `minutes` after `start`. */
export const at = (start: Date, minutes: number) => new Date(start.getTime() + minutes * MINUTE);
