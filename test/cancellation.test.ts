import { eq, like } from 'drizzle-orm';
import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { emailOutbox, refunds, sessions } from '../src/db/schema';
import { formatDateTime } from '../src/web/time';
import { HOUR, mailsTo, type Agent, useMailScenario } from './helpers/scenario';
import type { ReceivedMail } from './fakes/smtp';

const scenario = useMailScenario();
const deliver = () => scenario.deliver();
const people = { mentor: { name: 'Grace Mentor' }, mentee: { name: 'Ada Mentee' } };
const pendingSession = (hoursAhead: number) => scenario.pendingSession(hoursAhead, people);
const confirmedSession = (hoursAhead: number) => scenario.confirmedSession(hoursAhead, people);

const row = async (id: string) => (await scenario.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const owed = async (id: string) => scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, id));
const mails = (who: Agent, subject: string) => mailsTo(scenario.smtp, who, subject);
const calendarOf = (m: ReceivedMail) => m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8');
const eventOf = (source: string) => Object.values(ical.sync.parseICS(source)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
/** The cancel form's refund sentence on the session page. */
const outcomeOn = (body: string) => /<p id="cancel-outcome"[^>]*>([^<]*)<\/p>/.exec(body)?.[1];

describe('cancellation and decline emails', () => {
  it('a mentee cancelling a confirmed session 3 days ahead: both told who cancelled and "full refund"; the calendar entry is cancelled (same UID, METHOD:CANCEL, higher SEQUENCE)', async () => {
    const { mentor, mentee, sessionId } = await confirmedSession(72);
    // Cancelled from the session page's button, then the confirmation step's form, as a browser without JavaScript would.
    const page = await mentee.get(`/sessions/${sessionId}`);
    expect(page.body).toContain(`<form method="get" action="/sessions/${sessionId}/cancel"`);
    const step = await mentee.get(`/sessions/${sessionId}/cancel?back=/sessions/${sessionId}`);
    expect(step.body).toContain(`<form method="post" action="/sessions/${sessionId}/cancel"`);
    const res = await mentee.submit(`/sessions/${sessionId}/cancel`, {}, `/sessions/${sessionId}/cancel`);
    expect(res.statusCode).toBe(303);
    expect((await row(sessionId)).status).toBe('cancelled');
    // A second cancel changes nothing and sends nothing.
    expect((await mentee.submit(`/sessions/${sessionId}/cancel`, {}, '/dashboard')).statusCode).toBe(409);
    await deliver();

    const says = { mentee: 'You cancelled your session with Grace Mentor.', mentor: 'Ada Mentee (the mentee) cancelled your session.' };
    for (const [who, role] of [[mentee, 'mentee'], [mentor, 'mentor']] as const) {
      const got = mails(who, 'Session Cancelled - CodeMentorHub');
      expect(got).toHaveLength(1);
      const text = got[0]!.parsed.text!;
      expect(text).toContain(says[role]);
      expect(text).toContain('Refund: full refund ($60.00)');
      expect(text).toContain(role === 'mentee' ? 'You get a full refund of $60.00' : 'Ada Mentee gets a full refund of $60.00');
      expect(text).toContain(`View the session: ${scenario.t.config.appUrl}/sessions/${sessionId}`);
      expect(text).not.toContain('#cancel');

      const confirmation = mails(who, 'Session Confirmed - CodeMentorHub');
      expect(confirmation).toHaveLength(1);
      const request = calendarOf(confirmation[0]!)!;
      const cancel = calendarOf(got[0]!);
      expect(cancel, 'text/calendar part in the cancellation').toBeDefined();
      expect(request).toMatch(/^METHOD:REQUEST\r?$/m);
      expect(cancel).toMatch(/^METHOD:CANCEL\r?$/m);
      const before = eventOf(request);
      const after = eventOf(cancel!);
      expect(after.uid).toBe(before.uid);
      expect(after.uid).toBe(`session-${sessionId}@localhost`);
      expect(Number(after.sequence)).toBeGreaterThan(Number(before.sequence));
      expect(Number(after.sequence)).toBe(1);
      expect(String(after.status)).toBe('CANCELLED');
      expect(new Date(after.start as Date).toISOString()).toBe(new Date(before.start as Date).toISOString());
    }
    expect(await owed(sessionId)).toHaveLength(1);
    const keys = (await scenario.t.database.db.select({ key: emailOutbox.dedupeKey }).from(emailOutbox).where(like(emailOutbox.dedupeKey, `session-cancelled:${sessionId}:%`))).map((r) => r.key).sort();
    expect(keys).toEqual([`session-cancelled:${sessionId}:mentee`, `session-cancelled:${sessionId}:mentor`]);
  });

  it('a mentee cancelling within 24 hours: "no refund" in both emails, and none owed', async () => {
    const { mentor, mentee, sessionId } = await confirmedSession(12);
    expect((await mentee.submit(`/sessions/${sessionId}/cancel`, {}, `/sessions/${sessionId}`)).statusCode).toBe(303);
    await deliver();
    for (const who of [mentee, mentor]) {
      const got = mails(who, 'Session Cancelled - CodeMentorHub');
      expect(got).toHaveLength(1);
      expect(got[0]!.parsed.text).toContain('Refund: no refund');
      expect(got[0]!.parsed.text).toContain('less than 24 hours before the start');
    }
    expect(await owed(sessionId)).toHaveLength(0);
  });

  it('the mentor cancelling, and an admin cancelling: the other side is told who, with a full refund', async () => {
    const byMentor = await confirmedSession(12);
    expect((await byMentor.mentor.submit(`/sessions/${byMentor.sessionId}/cancel`, {}, `/sessions/${byMentor.sessionId}`)).statusCode).toBe(303);
    const byAdmin = await confirmedSession(72);
    const admin = await scenario.t.loginAs('admin');
    expect((await admin.submit(`/admin/sessions/${byAdmin.sessionId}/set-status/`, { status: 'cancelled' }, '/admin/sessions')).statusCode).toBe(303);
    await deliver();
    const menteeMail = mails(byMentor.mentee, 'Session Cancelled - CodeMentorHub');
    expect(menteeMail).toHaveLength(1);
    expect(menteeMail[0]!.parsed.text).toContain('Grace Mentor (the mentor) cancelled your session.');
    expect(menteeMail[0]!.parsed.text).toContain('Refund: full refund ($60.00)');
    expect(mails(byMentor.mentor, 'Session Cancelled - CodeMentorHub')[0]!.parsed.text).toContain('You cancelled your session with Ada Mentee.');
    for (const who of [byAdmin.mentee, byAdmin.mentor]) {
      const got = mails(who, 'Session Cancelled - CodeMentorHub');
      expect(got).toHaveLength(1);
      expect(got[0]!.parsed.text).toContain('A CodeMentorHub administrator cancelled your session');
      expect(got[0]!.parsed.text).toContain('Refund: full refund ($60.00)');
    }
  });

  it('the mentor declining a request: both told, full refund, and no calendar part (no invite was ever sent)', async () => {
    const { mentor, mentee, sessionId } = await pendingSession(72);
    expect((await mentor.submit(`/mentor/session/${sessionId}/decline`, {}, `/sessions/${sessionId}`)).statusCode).toBe(303);
    await deliver();
    const says = { mentee: 'Grace Mentor (the mentor) declined your session request.', mentor: 'You declined the session request from Ada Mentee.' };
    for (const [who, role] of [[mentee, 'mentee'], [mentor, 'mentor']] as const) {
      const got = mails(who, 'Session Declined - CodeMentorHub');
      expect(got).toHaveLength(1);
      expect(got[0]!.parsed.text).toContain(says[role]);
      expect(got[0]!.parsed.text).toContain('Refund: full refund ($60.00)');
      expect(calendarOf(got[0]!)).toBeUndefined();
    }
    expect(await owed(sessionId)).toHaveLength(1);
  });

  it('a confirmed session cancelled before its room existed gets no calendar CANCEL (there was no invite to cancel)', async () => {
    const { mentor, mentee, sessionId } = await pendingSession(72);
    expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    expect((await mentee.submit(`/sessions/${sessionId}/cancel`, {}, '/dashboard')).statusCode).toBe(303);
    await deliver();
    for (const who of [mentee, mentor]) {
      expect(mails(who, 'Session Confirmed - CodeMentorHub')).toHaveLength(0);
      const got = mails(who, 'Session Cancelled - CodeMentorHub');
      expect(got).toHaveLength(1);
      expect(calendarOf(got[0]!)).toBeUndefined();
    }
  });
});

describe('links in emails', () => {
  it('the request and the confirmation carry absolute links to the session page and, while it can be, to cancelling it', async () => {
    const { mentor, mentee, sessionId } = await pendingSession(72);
    await deliver();
    const view = `${scenario.t.config.appUrl}/sessions/${sessionId}`;
    expect(scenario.t.config.appUrl).toMatch(/^https?:\/\//);
    const request = mails(mentor, 'New session request - CodeMentorHub');
    expect(request).toHaveLength(1);
    expect(request[0]!.parsed.text).toContain(`View the session: ${view}\n`);
    expect(request[0]!.parsed.text).toContain(`${view}#cancel`);
    expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    await deliver();
    for (const who of [mentee, mentor]) {
      const m = mails(who, 'Session Confirmed - CodeMentorHub')[0]!.parsed;
      expect(m.text).toContain(`View the session: ${view}\n`);
      expect(m.text).toContain(`Cancel the session: ${view}#cancel`);
      expect(m.html).toContain(`href="${view}"`);
      expect(m.html).toContain(`href="${view}#cancel"`);
    }
  });
});

describe('the session page', () => {
  it('is for its mentor, its mentee and admins; 404 for everyone else; guests log in first', async () => {
    const { sessionId } = await pendingSession(72);
    const admin = await scenario.t.loginAs('admin');
    expect((await admin.get(`/sessions/${sessionId}`)).statusCode).toBe(200);
    for (const stranger of [await scenario.t.loginAs('mentee'), await scenario.t.loginAs('mentor')]) {
      const res = await stranger.get(`/sessions/${sessionId}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Ada Mentee');
    }
    expect((await admin.get('/sessions/not-a-uuid')).statusCode).toBe(404);
    expect((await admin.get('/sessions/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const guest = await scenario.t.agent().get(`/sessions/${sessionId}`);
    expect(guest.statusCode).toBe(302);
    expect(guest.headers.location).toContain('/login');
  });

  it('states the refund outcome for each viewer before the "Cancel session" button, in their own zone', async () => {
    const early = await confirmedSession(72);
    const late = await confirmedSession(12);
    const admin = await scenario.t.loginAs('admin');
    const page = async (who: Agent, id: string) => {
      const res = await who.get(`/sessions/${id}`);
      expect(res.statusCode).toBe(200);
      return res.body;
    };

    const menteeEarly = await page(early.mentee, early.sessionId);
    expect(outcomeOn(menteeEarly)).toMatch(/^If you cancel now, you get a full refund of \$60\.00\./);
    expect(outcomeOn(await page(early.mentor, early.sessionId))).toBe('If you cancel, Ada Mentee gets a full refund of $60.00.');
    expect(outcomeOn(await page(admin, early.sessionId))).toBe('If you cancel, Ada Mentee (the mentee) gets a full refund of $60.00.');
    expect(outcomeOn(await page(late.mentee, late.sessionId))).toMatch(/^If you cancel now, you get no refund/);
    expect(outcomeOn(await page(late.mentor, late.sessionId))).toBe('If you cancel, Ada Mentee gets a full refund of $60.00.');

    // The outcome comes first, the button is described by it and opens the cancel step, whose form posts with a CSRF token.
    const outcomeAt = menteeEarly.indexOf('id="cancel-outcome"');
    const buttonAt = menteeEarly.indexOf('>Cancel session</button>');
    expect(outcomeAt).toBeGreaterThan(-1);
    expect(buttonAt).toBeGreaterThan(outcomeAt);
    expect(menteeEarly).toContain('<section id="cancel"');
    expect(menteeEarly).toContain('aria-describedby="cancel-outcome"');
    expect(menteeEarly).toContain(`<form method="get" action="/sessions/${early.sessionId}/cancel"`);
    const step = (await early.mentee.get(`/sessions/${early.sessionId}/cancel`)).body;
    expect(step).toMatch(new RegExp(`<form method="post" action="/sessions/${early.sessionId}/cancel"[^>]*>.*<input type="hidden" name="_csrf"`));

    // Times in the viewer's zone; the join box once confirmed.
    const s = await row(early.sessionId);
    expect(menteeEarly).toContain(formatDateTime(early.start, 'Asia/Kathmandu'));
    expect(menteeEarly).toContain('Times in Asia/Kathmandu.');
    const mentorEarly = await page(early.mentor, early.sessionId);
    expect(mentorEarly).toContain(formatDateTime(early.start, 'America/Los_Angeles'));
    expect(mentorEarly).not.toContain(formatDateTime(early.start, 'Asia/Kathmandu'));
    for (const body of [menteeEarly, mentorEarly]) {
      expect(body).toContain(`>${s.meetingUrl}</code>`);
      expect(body).toContain(`href="/sessions/${early.sessionId}/join"`);
      expect(body).toContain('Confirmed');
    }

    // The same page later: as the start comes within 24 hours, the mentee's outcome changes.
    scenario.t.clock.advance(49 * HOUR);
    try {
      expect(outcomeOn(await page(early.mentee, early.sessionId))).toMatch(/^If you cancel now, you get no refund/);
    } finally {
      scenario.t.clock.advance(-49 * HOUR);
    }
  });

  it('offers the mentor Accept and Decline on a request, and no cancel form once the session has ended', async () => {
    const { mentor, mentee, sessionId } = await pendingSession(72);
    const mentorPage = (await mentor.get(`/sessions/${sessionId}`)).body;
    expect(mentorPage).toContain(`action="/mentor/session/${sessionId}/accept/"`);
    expect(mentorPage).toContain('>Accept session</button>');
    expect(mentorPage).toContain('If you decline, Ada Mentee gets a full refund of $60.00.');
    expect(mentorPage).not.toContain('>Cancel session</button>');
    expect(mentorPage).not.toContain('/join"');
    const menteePage = (await mentee.get(`/sessions/${sessionId}`)).body;
    expect(menteePage).toContain('Paid, waiting for the mentor to accept.');
    expect(menteePage).toContain('>Cancel session</button>');

    expect((await mentee.submit(`/sessions/${sessionId}/cancel`, {}, `/sessions/${sessionId}`)).statusCode).toBe(303);
    const after = (await mentee.get(`/sessions/${sessionId}`)).body;
    expect(after).toContain('Cancelled by you');
    expect(after).toMatch(/Refund: \$60\.00, (being refunded|refunded)\./);
    expect(after).not.toContain('>Cancel session</button>');
    expect((await mentor.get(`/sessions/${sessionId}`)).body).toContain('Cancelled by Ada Mentee (the mentee)');
  });

  it('is linked from each session card on both dashboards', async () => {
    const { mentor, mentee, sessionId } = await pendingSession(72);
    expect((await mentee.get('/dashboard')).body).toContain(`href="/sessions/${sessionId}"`);
    expect((await mentor.get('/mentor/dashboard')).body).toContain(`href="/sessions/${sessionId}"`);
  });
});

describe('calendar download', () => {
  it('gives each participant the session as .ics with the invite UID; 404 for others and before confirmation', async () => {
    const { sessionId, mentor, mentee } = await pendingSession(96);
    const stranger = await scenario.t.loginAs('mentee');
    expect((await mentee.get(`/sessions/${sessionId}/calendar.ics`)).statusCode).toBe(404);
    expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    for (const who of [mentee, mentor]) {
      const res = await who.get(`/sessions/${sessionId}/calendar.ics`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/calendar');
      expect(res.body).toContain('METHOD:PUBLISH');
      const event = Object.values(ical.sync.parseICS(res.body)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
      expect(event.uid).toBe(`session-${sessionId}@localhost`);
    }
    expect((await stranger.get(`/sessions/${sessionId}/calendar.ics`)).statusCode).toBe(404);
  });
});

describe('after the start', () => {
  it('a participant can no longer cancel (no form, and the post is refused with nothing changed); an admin still can', async () => {
    const { mentor, mentee, sessionId } = await confirmedSession(72);
    await scenario.t.database.db.update(sessions)
      .set({ startsAt: new Date(Date.now() - 10 * 60_000), endsAt: new Date(Date.now() + 50 * 60_000) })
      .where(eq(sessions.id, sessionId));
    for (const who of [mentee, mentor]) {
      expect((await who.get(`/sessions/${sessionId}`)).body).not.toContain('>Cancel session</button>');
      expect((await who.get(who === mentee ? '/dashboard' : '/mentor/dashboard')).body).not.toContain(`action="/sessions/${sessionId}/cancel"`);
      const refused = await who.submit(`/sessions/${sessionId}/cancel`, {}, `/sessions/${sessionId}`);
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('This session has already started, so it can no longer be cancelled.');
    }
    expect((await row(sessionId)).status).toBe('confirmed');
    expect(await owed(sessionId)).toHaveLength(0);
    const admin = await scenario.t.loginAs('admin');
    expect((await admin.submit(`/sessions/${sessionId}/cancel`, {}, `/admin/sessions/${sessionId}`)).statusCode).toBe(303);
    expect((await row(sessionId)).status).toBe('cancelled');
  });
});
