import { and, eq } from 'drizzle-orm';
import ical from 'node-ical';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, emailOutbox, meetingAccesses, refunds, sessions } from '../src/db/schema';
import type { Worker } from '../src/jobs/worker';
import { buildTestApp, type TestApp } from './helpers/app';
import { FakeSmtp } from './fakes/smtp';
import { FakeGoogle } from './fakes/google';
import { eventually, silentLogger } from './helpers/worker';
import { mailsTo, onTheHour, pendingSession, pendingSessionOfNewPeople, runWorker, type Person } from './helpers/scenario';
import { onPostgres } from './helpers/db';
import { openPostgres } from '../src/db/client';
import { calendarEventId } from '../src/meetings/google-meet';

let smtp: FakeSmtp;
let t: TestApp;
let worker: Worker | undefined;
beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '5000' } });
});
afterEach(async () => { await worker?.stop(); worker = undefined; });
afterAll(async () => { await t.close(); await smtp.stop(); });

const newPendingSession = (hoursAhead = 72) => pendingSessionOfNewPeople(t, hoursAhead, { mentor: { timezone: 'Europe/London' } });
const confirmations = (who: Person) => mailsTo(smtp, who, 'Session Confirmed - CodeMentorHub');

const confirmedTo = (who: Person) => confirmations(who).length;
const row = async (id: string) => (await t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const owedFor = async (id: string) => (await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).length;

describe('mentor "Accept session" (the seed\'s Test Scenario 2)', () => {
  it('confirms, creates a real room, and each participant gets exactly one "Session Confirmed" email with the link the dashboards show', async () => {
    const { mentor, mentee, sessionId } = await newPendingSession();
    const dash = await mentor.get('/mentor/dashboard');
    expect(dash.body).toContain(`<button type="submit" form="card-post" formaction="/mentor/session/${sessionId}/accept/" class="btn btn-small">Accept session</button>`);
    expect(dash.body).toMatch(/<form id="card-post" method="post" action="\/mentor\/dashboard"><input type="hidden" name="_csrf" value="[^"]+"\/><\/form>/);
    expect(dash.body).not.toContain('/join');

    const res = await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard');
    expect(res.statusCode).toBe(303);
    expect((await row(sessionId)).status).toBe('confirmed');
    // Committed at once; until the worker has made the room, the dashboards say so and show no link.
    expect((await mentee.get('/dashboard')).body).toContain('Meeting link being prepared');

    worker = await runWorker(t);
    await smtp.waitFor(() => confirmedTo(mentee) > 0 && confirmedTo(mentor) > 0);
    await new Promise((r) => setTimeout(r, 500));
    const s = await row(sessionId);
    expect(s.meetingProvider).toBe('jitsi');
    expect(s.meetingUrl).toMatch(/^https:\/\/meet\.jit\.si\/[a-z0-9-]+$/);

    for (const [who, other] of [[mentee, 'Test mentor'], [mentor, 'Test mentee']] as const) {
      const mails = confirmations(who);
      expect(mails).toHaveLength(1);
      const text = mails[0]!.parsed.text!;
      expect(text).toContain(`Your session with ${other}`);
      expect(text).toMatch(/^Date: \w{3} \d{1,2}, \d{4}$/m);
      expect(text).toMatch(/^Time: \d{2}:\d{2} \(/m);
      expect(text).toContain('Duration: 60 minutes');
      expect(text).toContain(`Meeting Link: ${s.meetingUrl}`);
      expect(text).toContain('Please join the meeting 5 minutes before the scheduled time.');
    }
    // The calendar invite: METHOD:REQUEST, one stable UID per session, the right times and both attendees.
    for (const who of [mentee, mentor]) {
      const mail = confirmations(who)[0]!.parsed;
      const cal = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
      expect(cal, 'text/calendar part').toBeDefined();
      const source = cal!.content.toString('utf8');
      expect(source).toContain('METHOD:REQUEST');
      const parsed = Object.values(ical.sync.parseICS(source)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
      expect(parsed.uid).toBe(`session-${sessionId}@localhost`);
      expect(new Date(parsed.start as Date).toISOString()).toBe(s.startsAt.toISOString());
      expect(new Date(parsed.end as Date).toISOString()).toBe(s.endsAt.toISOString());
      const attendees = ([] as ical.Attendee[]).concat(parsed.attendee ?? []).map((a) => (typeof a === 'string' ? a : a.val).replace(/^mailto:/i, '').toLowerCase());
      expect(attendees.sort()).toEqual([mentee.user.email, mentor.user.email].sort());
      expect(String(parsed.location)).toBe(s.meetingUrl);
    }
    // Each in the recipient's own zone.
    const menteeText = mailsTo(smtp, mentee, /^Session Confirmed/)[0]!.parsed.text!;
    const mentorText = mailsTo(smtp, mentor, /^Session Confirmed/)[0]!.parsed.text!;
    expect(menteeText).toContain('(Asia/Kathmandu');
    expect(mentorText).toContain('(Europe/London');

    // The same link on both dashboards, in the join box.
    for (const [agent, page] of [[mentee, '/dashboard'], [mentor, '/mentor/dashboard']] as const) {
      const body = (await agent.get(page)).body;
      expect(body).toContain(`>${s.meetingUrl}</code>`);
      expect(body).toContain('Join meeting</a>');
      expect(body).toContain(`href="/sessions/${sessionId}/join"`);
    }
    expect(await t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, sessionId), eq(auditLog.action, 'session.confirmed')))).toHaveLength(1);
  });
});

describe('admin "Confirm" (the seed\'s Test Scenario 1) and the status machine', () => {
  it('confirms from the Sessions page, shows "Join Meeting" in the Meeting Link column, then marks completed and keeps the link', async () => {
    const { sessionId } = await newPendingSession();
    const admin = await t.loginAs('admin');
    const page = await admin.get('/admin/sessions');
    expect(page.body).toContain('<th scope="col">Meeting Link</th>');
    expect(page.body).toContain('>Confirm</button>');
    const res = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/admin/sessions');
    expect(res.statusCode).toBe(303);
    worker = await runWorker(t);
    await eventually(async () => Boolean((await row(sessionId)).meetingUrl));
    const after = (await admin.get('/admin/sessions')).body;
    expect(after).toContain(`href="/sessions/${sessionId}/join"`);
    expect(after).toContain('Join Meeting</a>');
    expect(after).toContain('>Mark completed</button>');
    // Once the session is over (the app's clock moves past its end).
    t.clock.advance(74 * 3_600_000);
    const done = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed' }, '/admin/sessions');
    t.clock.advance(-74 * 3_600_000);
    expect(done.statusCode).toBe(303);
    expect((await row(sessionId)).status).toBe('completed');
    expect((await admin.get('/admin/sessions')).body).toContain(`href="/sessions/${sessionId}/join"`);
  });

  it('answers 409 with a reason and changes nothing for invalid transitions', async () => {
    const admin = await t.loginAs('admin');
    const { sessionId } = await newPendingSession();
    const complete = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed' }, '/admin/sessions');
    expect(complete.statusCode).toBe(409);
    expect(complete.body).toContain('This session is pending, so it cannot be completed now.');
    await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/admin/sessions');
    const twice = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/admin/sessions');
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('This session is already confirmed.');
    await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'cancelled' }, '/admin/sessions');
    const revive = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/admin/sessions');
    expect(revive.statusCode).toBe(409);
    expect((await row(sessionId)).status).toBe('cancelled');
    const bogus = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'paid' }, '/admin/sessions');
    expect(bogus.statusCode).toBe(400);
    const audits = await t.database.db.select().from(auditLog).where(eq(auditLog.subjectId, sessionId));
    expect(audits.map((a) => a.action).filter((a) => a.startsWith('session.') && a !== 'session.paid' && a !== 'session.created_by_operator')).toEqual(['session.confirmed', 'session.cancelled']);
  });

  it('lets only the session\'s own mentor accept; others get 404 or 403 and nothing changes', async () => {
    const { sessionId, mentee } = await newPendingSession();
    const otherMentor = await t.loginAs('mentor');
    expect((await otherMentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(404);
    expect((await mentee.submit(`/mentor/session/${sessionId}/accept/`, {}, '/dashboard')).statusCode).toBe(403);
    expect((await mentee.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/dashboard')).statusCode).toBe(403);
    expect((await otherMentor.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'confirmed' }, '/mentor/dashboard')).statusCode).toBe(403);
    // Another mentee cannot cancel it either: it is not theirs to see.
    const otherMentee = await t.loginAs('mentee');
    expect((await otherMentee.submit(`/sessions/${sessionId}/cancel`, {}, '/dashboard')).statusCode).toBe(404);
    expect((await row(sessionId)).status).toBe('pending');
  });
});

describe('the join link', () => {
  it('redirects the two participants and admins, records each access, and is 404 for everyone else and before confirmation', async () => {
    const { sessionId, mentor, mentee } = await newPendingSession();
    expect((await mentee.get(`/sessions/${sessionId}/join`)).statusCode).toBe(404);
    await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard');
    worker = await runWorker(t);
    await eventually(async () => Boolean((await row(sessionId)).meetingUrl));
    const url = (await row(sessionId)).meetingUrl!;
    const admin = await t.loginAs('admin');
    for (const who of [mentee, mentor, admin]) {
      const res = await who.get(`/sessions/${sessionId}/join`);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(url);
    }
    const stranger = await t.loginAs('mentee');
    expect((await stranger.get(`/sessions/${sessionId}/join`)).statusCode).toBe(404);
    expect((await t.agent().get(`/sessions/${sessionId}/join`)).statusCode).toBe(302); // to the log-in page
    const accesses = await t.database.db.select().from(meetingAccesses).where(eq(meetingAccesses.sessionId, sessionId));
    expect(accesses.map((a) => a.userId).sort()).toEqual([mentee.user.id, mentor.user.id, admin.user.id].sort());
    // Never shown to other users: not on a stranger's dashboard, not on the public profile.
    expect((await stranger.get('/dashboard')).body).not.toContain(url);
    expect((await t.agent().get(`/mentors/${mentor.user.id}`)).body).not.toContain(url);
  });
});

describe('cancellation and decline refunds (one rule)', () => {
  it('refunds in full when the mentor declines or cancels, the mentee cancels an unaccepted request, or a confirmed one more than 24 h ahead; not within 24 h', async () => {
    const declined = await newPendingSession(72);
    await declined.mentor.submit(`/mentor/session/${declined.sessionId}/decline`, {}, '/mentor/dashboard');
    expect((await row(declined.sessionId)).status).toBe('declined');
    const early = await newPendingSession(72);
    await early.mentee.submit(`/sessions/${early.sessionId}/cancel`, {}, '/dashboard');
    const late = await newPendingSession(12);
    await late.mentor.submit(`/mentor/session/${late.sessionId}/accept/`, {}, '/mentor/dashboard');
    expect((await row(late.sessionId)).status).toBe('confirmed');
    const lateRes = await late.mentee.submit(`/sessions/${late.sessionId}/cancel`, {}, '/dashboard');
    expect(lateRes.statusCode).toBe(303);
    // Not accepted yet: the mentee walks away with a full refund, however close the start.
    const unanswered = await newPendingSession(12);
    const page = await unanswered.mentee.get(`/sessions/${unanswered.sessionId}`);
    expect(page.body).toMatch(/<p id="cancel-outcome" data-refund="full">If you cancel now, you get a full refund of \$60\.00: the mentor has not accepted/);
    const unansweredRes = await unanswered.mentee.submit(`/sessions/${unanswered.sessionId}/cancel`, {}, '/dashboard');
    expect(unansweredRes.statusCode).toBe(303);
    expect((await unanswered.mentee.get('/dashboard')).body).toContain('The payment will be refunded in full.');
    expect(await owedFor(unanswered.sessionId)).toBe(1);
    const told = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-cancelled:${unanswered.sessionId}:mentee`));
    expect(told[0]!.payload).toMatchObject({ refund: 'full', paid: true });
    const byMentor = await newPendingSession(12);
    await byMentor.mentor.submit(`/sessions/${byMentor.sessionId}/cancel`, {}, '/mentor/dashboard');
    const owed = owedFor;
    expect(await owed(declined.sessionId)).toBe(1);
    expect(await owed(early.sessionId)).toBe(1);
    expect(await owed(late.sessionId)).toBe(0);
    expect(await owed(byMentor.sessionId)).toBe(1);
    for (const s of [early, late, byMentor]) expect((await row(s.sessionId)).status).toBe('cancelled');
    // Cancelling twice is a 409, and refunds nothing more.
    expect((await early.mentee.submit(`/sessions/${early.sessionId}/cancel`, {}, '/dashboard')).statusCode).toBe(409);
    expect(await owed(early.sessionId)).toBe(1);
  });
});

describe('MEETING_PROVIDER=none', () => {
  it('confirms and emails both at once, saying the mentor will share the details; no link anywhere', async () => {
    const off = await buildTestApp({ env: { SMTP_URL: smtp.url, MEETING_PROVIDER: 'none' }, database: undefined });
    try {
      const mentor = await off.loginAs('mentor');
      const mentee = await off.loginAs('mentee');
      const sessionId = await pendingSession({ db: off.database.db, mentor, mentee, start: onTheHour(72), duration: 30 });
      await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard');
      const mails = await off.database.db.select().from(emailOutbox).where(eq(emailOutbox.template, 'session-confirmed'));
      expect(mails).toHaveLength(2);
      expect(mails.every((m) => (m.payload as { meetingUrl: unknown }).meetingUrl === null)).toBe(true);
      const body = (await mentee.get('/dashboard')).body;
      expect(body).toContain('the mentor will share the meeting details');
      expect(body).not.toContain('/join"');
    } finally {
      await off.close();
    }
  });
});

// PGlite runs one transaction at a time: a race there proves nothing.
describe.runIf(onPostgres)('racing confirmations (PostgreSQL, two app instances)', () => {
  it('mentor "Accept session" and admin "Confirm" at once, x20: one confirmation, one Google Calendar event, one email per person', async () => {
    const google = await new FakeGoogle().start();
    const env = { SMTP_URL: smtp.url, ...google.appEnv };
    const a = await buildTestApp({ env });
    // The second instance: the same database through its own pool, as a second process would have.
    const pool = openPostgres(a.database.url!, silentLogger);
    const b = await buildTestApp({ env, database: { ...pool, close: () => pool.close() } });
    const workers: Worker[] = [];
    try {
      const admin = await b.loginAs('admin');
      const cases: { sessionId: string; mentor: Awaited<ReturnType<TestApp['loginAs']>>; mentee: { email: string } }[] = [];
      for (let i = 0; i < 20; i++) {
        const mentor = await a.loginAs('mentor');
        const mentee = await a.createUser('mentee');
        cases.push({ sessionId: await pendingSession({ db: a.database.db, mentor, mentee, start: onTheHour(72 + i * 2) }), mentor, mentee });
      }
      const adminToken = await admin.csrfToken();
      const tokens = await Promise.all(cases.map((c) => c.mentor.csrfToken()));
      const results = await Promise.all(cases.flatMap(({ mentor, sessionId }, i) => [
        mentor.post(`/mentor/session/${sessionId}/accept/`, { _csrf: tokens[i]! }),
        admin.post(`/admin/sessions/${sessionId}/set-status/`, { _csrf: adminToken, status: 'confirmed' }),
      ]));
      expect(results.filter((r) => r.statusCode === 303)).toHaveLength(20);
      const losers = results.filter((r) => r.statusCode === 409);
      expect(losers).toHaveLength(20);
      for (const l of losers) expect(l.body).toContain('This session is already confirmed.');

      workers.push(await runWorker(a), await runWorker(b));
      for (const { sessionId, mentor, mentee } of cases) {
        await eventually(async () => Boolean((await a.database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!.meetingUrl), 20_000);
        const confirmed = await a.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, sessionId), eq(auditLog.action, 'session.confirmed')));
        expect(confirmed).toHaveLength(1);
        await smtp.waitFor(() => confirmedTo(mentee) === 1 && confirmedTo(mentor) === 1);
      }
      // One event per session, each inserted once (the fake counts what it actually created, by id).
      expect(google.calendar.created.size).toBe(20);
      expect([...google.calendar.created.values()].every((n) => n === 1)).toBe(true);
      for (const { sessionId } of cases) {
        const s = (await a.database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!;
        expect(s.meetingExternalId).toBe(calendarEventId(sessionId));
        expect(s.meetingUrl).toBe(google.calendar.event(calendarEventId(sessionId))!.hangoutLink);
      }
      await new Promise((r) => setTimeout(r, 500));
      for (const { mentor, mentee } of cases) {
        expect(confirmedTo(mentee)).toBe(1);
        expect(confirmedTo(mentor)).toBe(1);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await b.close();
      await a.close();
      await google.stop();
    }
  });
});

describe('MEETING_PROVIDER=google-meet against a fake Google', () => {
  it('retries a failing Calendar API (500 x3 on events.insert) with backoff, shows "being prepared" meanwhile, then one event, one email each, "Join Google Meet"', async () => {
    const google = await new FakeGoogle().start();
    const g = await buildTestApp({ env: { SMTP_URL: smtp.url, ...google.appEnv } });
    let w: Worker | undefined;
    try {
      const mentor = await g.loginAs('mentor');
      const mentee = await g.loginAs('mentee');
      const sessionId = await pendingSession({ db: g.database.db, mentor, mentee, start: onTheHour(72) });
      google.failNext('500', 3, '/calendar/v3/calendars/primary/events');
      expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
      w = await runWorker(g);
      const get = async () => (await g.database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!;
      await eventually(async () => (await get()).meetingLastError !== null);
      expect((await mentee.get('/dashboard')).body).toContain('Meeting link being prepared');
      await eventually(async () => Boolean((await get()).meetingUrl), 20_000);
      const s = await get();
      const event = google.calendar.event(calendarEventId(sessionId))!;
      expect(s.meetingUrl).toBe(event.hangoutLink);
      expect(s.meetingExternalId).toBe(event.id);
      expect(s.meetingCode).toBe(event.conferenceData!.conferenceId);
      expect(google.requestsTo('/calendar/v3/calendars/primary/events').filter((r) => r.method === 'POST')).toHaveLength(4);
      expect([...google.calendar.created.values()]).toEqual([1]);
      // Waits for the confirmations themselves: another email to either (sent first, say under load) must not end the wait early.
      await smtp.waitFor(() => confirmations(mentee).length > 0 && confirmations(mentor).length > 0);
      await new Promise((r) => setTimeout(r, 500));
      for (const who of [mentee, mentor]) {
        const mails = confirmations(who);
        expect(mails).toHaveLength(1);
        expect(mails[0]!.parsed.text).toContain(`Meeting Link: ${s.meetingUrl}`);
      }
      const body = (await mentee.get('/dashboard')).body;
      expect(body).toContain('Join Google Meet</a>');
      expect(body).toContain(`>${s.meetingUrl}</code>`);
    } finally {
      await w?.stop();
      await g.close();
      await google.stop();
    }
  });
});
