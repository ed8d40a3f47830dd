import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, sessions } from '../src/db/schema';
import { calendarEventId, createGoogleMeetProvider } from '../src/meetings/google-meet';
import type { MeetingProvider } from '../src/meetings/provider';
import { rescheduleSession } from '../src/sessions/reschedule';
import { createDueMeetings, updateDueMeetings } from '../src/sessions/rooms';
import { FakeGoogle } from './fakes/google';
import { buildTestApp, type TestApp } from './helpers/app';
import { acceptAsMentor, onTheHour, pendingSessionOfNewPeople } from './helpers/scenario';

/** With Google rooms, a move patches the session's Calendar event: same event, same Meet link, the new time. */
let google: FakeGoogle;
let t: TestApp;
let meetings: MeetingProvider;

beforeAll(async () => {
  google = await new FakeGoogle().start();
  t = await buildTestApp({ env: { ...google.appEnv } });
  if (t.config.meetings.provider !== 'google-meet') throw new Error('expected MEETING_PROVIDER=google-meet');
  meetings = createGoogleMeetProvider({ ...t.config.meetings.google, appUrl: t.config.appUrl, timeoutMs: 2000, pendingPollDelaysMs: [0] });
});
afterAll(async () => {
  await t.close();
  await google.stop();
});

const row = async (id: string) => (await t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;

describe('rescheduling a session with a Google room', () => {
  it("the mentor's move patches the event in place: one event, the same link, the new start and end", async () => {
    const s = await pendingSessionOfNewPeople(t, 72);
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, s.mentor.user.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: s.mentor.user.id })));
    await acceptAsMentor(s.mentor, s.sessionId);
    expect(await createDueMeetings({ db: t.database.db, meetings })).toBe(1);
    const before = await row(s.sessionId);
    const eventId = calendarEventId(s.sessionId);
    expect(before.meetingExternalId).toBe(eventId);

    const to = onTheHour(96);
    const moved = await rescheduleSession({ db: t.database.db, sessionId: s.sessionId, actor: { id: s.mentor.user.id, role: 'mentor' }, input: { startsAt: to.toISOString() }, now: new Date() });
    expect(moved.ok, JSON.stringify(moved)).toBe(true);
    expect(await updateDueMeetings({ db: t.database.db, meetings })).toBe(1);

    const patches = google.calendar.writes.filter((w) => w.method === 'patch' && w.eventId === eventId);
    expect(patches).toHaveLength(1);
    const event = google.calendar.event(eventId)!;
    expect(new Date(event.start!.dateTime!).toISOString()).toBe(to.toISOString());
    expect(new Date(event.end!.dateTime!).toISOString()).toBe(new Date(to.getTime() + 3_600_000).toISOString());
    expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
    const after = await row(s.sessionId);
    expect(after.meetingUrl).toBe(before.meetingUrl);
    expect(after.meetingUrl).toBe(event.hangoutLink);
    expect(after.status).toBe('confirmed');
  });
});
