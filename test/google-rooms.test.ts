import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailOutbox, sessions } from '../src/db/schema';
import { BOSS_SCHEMA, executorOf } from '../src/jobs/queue';
import { createMailTransport } from '../src/mail';
import type { MailTransport } from '../src/mail/transport';
import { deliverDueEmails } from '../src/mail/deliver';
import { calendarEventId, createGoogleMeetProvider } from '../src/meetings/google-meet';
import type { MeetingProvider } from '../src/meetings/provider';
import { cancelDueMeetings, createDueMeetings } from '../src/sessions/rooms';
import { FakeGoogle } from './fakes/google';
import { FakeSmtp } from './fakes/smtp';
import { buildTestApp, type TestApp } from './helpers/app';
import { acceptAsMentor, mailsTo, pendingSessionOfNewPeople, type PeopleSession } from './helpers/scenario';

/**
 * Google rooms as Calendar events, end to end through the app and the fake Google: the room job run
 * by hand (each call one attempt, as the worker would make it), then the emails over SMTP.
 */
let google: FakeGoogle;
let smtp: FakeSmtp;
let t: TestApp;
let transport: MailTransport;
let meetings: MeetingProvider;
const insertPath = '/calendar/v3/calendars/primary/events';

beforeAll(async () => {
  google = await new FakeGoogle().start();
  smtp = await new FakeSmtp().start();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '5000', ...google.appEnv } });
  transport = createMailTransport(t.config, t.database.db);
  if (t.config.meetings.provider !== 'google-meet') throw new Error('expected MEETING_PROVIDER=google-meet');
  // The app's own settings; one poll of a pending conference per attempt, without waiting, so the
  // test decides when each attempt happens.
  meetings = createGoogleMeetProvider({ ...t.config.meetings.google, appUrl: t.config.appUrl, timeoutMs: 2000, pendingPollDelaysMs: [0] });
});
afterAll(async () => {
  await transport.close();
  await t.close();
  await smtp.stop();
  await google.stop();
});

const later = () => new Date(Date.now() + 3_600_000);
/** One attempt of every due room job (retries waiting out their delay count as due). */
const attemptRooms = () => createDueMeetings({ db: t.database.db, meetings, now: later() });
const row = async (id: string) => (await t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const queuedConfirmations = async (id: string) =>
  (await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.sessionId, id), eq(emailOutbox.template, 'session-confirmed')))).length;
async function deliver() {
  for (;;) {
    const r = await deliverDueEmails({ db: t.database.db, transport, from: t.config.mailFrom, appUrl: t.config.appUrl });
    if (r.sent === 0) break;
  }
}
async function accepted(): Promise<PeopleSession> {
  const s = await pendingSessionOfNewPeople(t, 72);
  await acceptAsMentor(s.mentor, s.sessionId);
  return s;
}
async function expectOneEventOneLinkTwoEmails(s: PeopleSession) {
  const eventId = calendarEventId(s.sessionId);
  const event = google.calendar.event(eventId)!;
  expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
  const stored = await row(s.sessionId);
  expect(stored.meetingUrl).toBe(event.hangoutLink);
  expect(stored.meetingExternalId).toBe(eventId);
  expect(stored.meetingConferenceId).toBe(event.conferenceData!.conferenceId);
  expect(stored.meetingCode).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
  await deliver();
  for (const who of [s.mentor, s.mentee]) {
    const mails = mailsTo(smtp, who, 'Session Confirmed - CodeMentorHub');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.text).toContain(`Meeting Link: ${stored.meetingUrl}`);
  }
}

describe('MEETING_PROVIDER=google-meet: rooms are Calendar events', () => {
  it('the reply to events.insert is lost once: the retry finds the event (409 → get): one event, one link, two emails', async () => {
    const s = await accepted();
    google.failNext('lose-reply', 1, insertPath);
    expect(await attemptRooms()).toBe(0);
    expect(google.calendar.event(calendarEventId(s.sessionId))).toBeDefined(); // Google made it; we do not know its link
    expect((await row(s.sessionId)).meetingUrl).toBeNull();
    expect((await row(s.sessionId)).meetingLastError).toContain('events.insert failed: no answer');
    expect(await queuedConfirmations(s.sessionId)).toBe(0);

    expect(await attemptRooms()).toBe(1);
    expect(google.calendar.writes.filter((w) => w.method === 'insert' && w.eventId === calendarEventId(s.sessionId))).toHaveLength(2);
    await expectOneEventOneLinkTwoEmails(s);
  });

  it('500 x3 on events.insert, then success: the same', async () => {
    const s = await accepted();
    google.failNext('500', 3, insertPath);
    for (let i = 0; i < 3; i++) expect(await attemptRooms()).toBe(0);
    expect(await queuedConfirmations(s.sessionId)).toBe(0);
    expect(await attemptRooms()).toBe(1);
    await expectOneEventOneLinkTwoEmails(s);
  });

  it('a pending conference that turns success on the third poll: the link appears then, and only then the emails', async () => {
    const s = await accepted();
    const eventId = calendarEventId(s.sessionId);
    google.calendar.pendingPolls = 2;
    try {
      // Attempt 1: insert (pending), poll 1 (pending): no link, no email, retried later.
      expect(await attemptRooms()).toBe(0);
      expect((await row(s.sessionId)).meetingUrl).toBeNull();
      expect((await row(s.sessionId)).meetingLastError).toContain('pending');
      expect(await queuedConfirmations(s.sessionId)).toBe(0);
      // Attempt 2: insert (409), get = poll 2 (pending), poll 3 (success).
      expect(await attemptRooms()).toBe(1);
      expect(google.requestsTo(`${insertPath}/${eventId}`).filter((r) => r.method === 'GET')).toHaveLength(3);
      expect((await row(s.sessionId)).meetingLastError).toBeNull();
      expect(await queuedConfirmations(s.sessionId)).toBe(2);
      await expectOneEventOneLinkTwoEmails(s);
    } finally {
      google.calendar.pendingPolls = 0;
    }
  });

  it('cancelling a session deletes its event; cancelling again is refused and changes nothing; a room Google already lost is fine', async () => {
    const s = await accepted();
    expect(await attemptRooms()).toBe(1);
    const eventId = calendarEventId(s.sessionId);
    expect((await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, {}, `/sessions/${s.sessionId}`)).statusCode).toBe(303);
    expect(await cancelDueMeetings({ db: t.database.db, meetings })).toBe(1);
    expect(google.calendar.event(eventId)!.status).toBe('cancelled');
    expect(google.calendar.writes.filter((w) => w.method === 'delete')).toContainEqual(expect.objectContaining({ eventId, query: { sendUpdates: 'none' } }));

    expect((await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, {}, '/dashboard')).statusCode).toBe(409);
    expect(await cancelDueMeetings({ db: t.database.db, meetings })).toBe(0);

    const lost = await accepted();
    expect(await attemptRooms()).toBe(1);
    google.calendar.forget(calendarEventId(lost.sessionId));
    expect((await lost.mentor.submit(`/sessions/${lost.sessionId}/cancel`, {}, `/sessions/${lost.sessionId}`)).statusCode).toBe(303);
    expect(await cancelDueMeetings({ db: t.database.db, meetings })).toBe(1); // 404 counts as done
  });

  it('a declined or cancelled request that never had a room queues no room removal', async () => {
    const s = await pendingSessionOfNewPeople(t, 72);
    expect((await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, {}, `/sessions/${s.sessionId}`)).statusCode).toBe(303);
    expect(await cancelDueMeetings({ db: t.database.db, meetings })).toBe(0);
  });

  it('the admin session page shows the room pending with its last error and next attempt, retries it now, then shows the event', async () => {
    const admin = await t.loginAs('admin');
    const s = await accepted();
    google.failNext('500', 1, insertPath);
    expect(await createDueMeetings({ db: t.database.db, meetings })).toBe(0);
    const page = (await admin.get(`/admin/sessions/${s.sessionId}`)).body;
    expect(page).toContain('Meeting room');
    expect(page).toContain('>Pending<');
    expect(page).toContain('Google Calendar events.insert failed: 500 INTERNAL');
    expect(page).toContain('Next attempt');
    expect(page).toContain(`action="/admin/sessions/${s.sessionId}/retry-room"`);

    expect((await admin.submit(`/admin/sessions/${s.sessionId}/retry-room`, {}, `/admin/sessions/${s.sessionId}`)).statusCode).toBe(303);
    // Due now: a run without skipping time picks it up.
    expect(await createDueMeetings({ db: t.database.db, meetings })).toBe(1);
    const made = (await admin.get(`/admin/sessions/${s.sessionId}`)).body;
    expect(made).toContain('>Created<');
    expect(made).toContain(`<code>${calendarEventId(s.sessionId)}</code>`);
    expect(made).toContain(`<code>${(await row(s.sessionId)).meetingCode}</code>`);
    expect(made).not.toContain('/retry-room"');
  });

  it('a room job that gave up shows Failed, and Retry now runs it again', async () => {
    const admin = await t.loginAs('admin');
    const s = await accepted();
    // As if its retries were used up: the next failure is final.
    await executorOf(t.database.db).executeSql(`update ${BOSS_SCHEMA}.job set retry_limit = 0 where name = 'sessions.create-room' and singleton_key = $1`, [s.sessionId]);
    google.failNext('500', 1, insertPath);
    expect(await attemptRooms()).toBe(0);
    const page = (await admin.get(`/admin/sessions/${s.sessionId}`)).body;
    expect(page).toContain('>Failed<');
    expect(page).toContain('events.insert failed: 500');
    expect((await admin.submit(`/admin/sessions/${s.sessionId}/retry-room`, {}, `/admin/sessions/${s.sessionId}`)).statusCode).toBe(303);
    expect(await createDueMeetings({ db: t.database.db, meetings })).toBe(1);
    await expectOneEventOneLinkTwoEmails(s);
  });
});
