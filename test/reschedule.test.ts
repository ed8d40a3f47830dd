import { and, eq } from 'drizzle-orm';
import ical from 'node-ical';
import { calendarWeek } from '../src/booking/weeks';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, auditLog, emailOutbox, mentorProfiles, refunds, sessions } from '../src/db/schema';
import { createMeetingProvider } from '../src/meetings';
import { expireUnansweredRequests, sendDueReminders } from '../src/sessions/reminders';
import { declineSession } from '../src/sessions/transitions';
import { rescheduleSession, TIME_TAKEN } from '../src/sessions/reschedule';
import { updateDueMeetings } from '../src/sessions/rooms';
import type { TestApp } from './helpers/app';
import { onPostgres } from './helpers/db';
import { acceptAsMentor, HOUR, mailsTo, makeDueRooms, onTheHour, pendingSession, useMailScenario, type Person } from './helpers/scenario';

const scenario = useMailScenario();

/** The mentor offers every half hour of every day, with no notice: any future time is one of their slots. */
async function openUp(t: TestApp, mentorId: string) {
  await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentorId));
  await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId })));
}

const row = async (id: string) => (await scenario.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const moves = async (id: string) => (await scenario.t.database.db.select().from(auditLog)
  .where(and(eq(auditLog.subjectId, id), eq(auditLog.action, 'session.rescheduled'))));
const eventOf = (source: string) => Object.values(ical.sync.parseICS(source)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
const inviteOf = (mail: { parsed: { attachments: { contentType: string; content: Buffer }[] } }) => {
  const part = mail.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(part, 'the email carries a calendar invite').toBeTruthy();
  return { source: part!.content.toString(), event: eventOf(part!.content.toString()) };
};
const as = (agent: { user: { id: string } }, role: 'mentee' | 'mentor') => ({ id: agent.user.id, role });

describe('a mentee moves a confirmed session; the mentor accepts the new time', () => {
  it('confirmed → pending → confirmed, same id, payment and link; both invites keep the UID with a higher SEQUENCE and the new time', async () => {
    const { t } = scenario;
    const s = await scenario.confirmedSession(72);
    await openUp(t, s.mentor.user.id);
    const before = await row(s.sessionId);
    const to = onTheHour(100);

    const moved = await rescheduleSession({ db: t.database.db, sessionId: s.sessionId, actor: as(s.mentee, 'mentee'), input: { startsAt: to.toISOString() }, now: new Date() });
    expect(moved.ok, JSON.stringify(moved)).toBe(true);
    const pending = await row(s.sessionId);
    expect(pending.status).toBe('pending');
    expect(pending.startsAt.toISOString()).toBe(to.toISOString());
    expect(pending.endsAt.getTime() - pending.startsAt.getTime()).toBe(HOUR);
    expect(pending.priceCents).toBe(before.priceCents);
    expect(pending.paymentRef).toBe(before.paymentRef);
    expect(pending.meetingUrl).toBe(before.meetingUrl);
    expect(pending.menteeReschedules).toBe(1);
    const [audit] = await moves(s.sessionId);
    expect(audit!.actorId).toBe(s.mentee.user.id);
    expect(audit!.data).toMatchObject({ from: 'confirmed', to: 'pending', fromStartsAt: before.startsAt.toISOString(), toStartsAt: to.toISOString() });

    // Jitsi: the same room, nothing to patch at the provider, but the job ran and recorded it.
    expect(await updateDueMeetings({ db: t.database.db, meetings: createMeetingProvider(t.config) })).toBe(1);

    await scenario.deliver();
    const originals = new Map<Person, ReturnType<typeof inviteOf>>();
    for (const who of [s.mentee, s.mentor]) {
      const first = mailsTo(scenario.smtp, who, 'Session Confirmed - CodeMentorHub');
      expect(first).toHaveLength(1);
      originals.set(who, inviteOf(first[0]!));
      const [mail] = mailsTo(scenario.smtp, who, 'Session Rescheduled - CodeMentorHub');
      expect(mail, 'each participant is told').toBeTruthy();
      expect(mail!.parsed.text).toContain('Old time:');
      expect(mail!.parsed.text).toContain('New time:');
      const { source, event } = inviteOf(mail!);
      expect(source).toContain('METHOD:REQUEST');
      expect(event.uid).toBe(originals.get(who)!.event.uid);
      expect(Number(event.sequence)).toBeGreaterThan(Number(originals.get(who)!.event.sequence));
      expect(new Date(event.start).toISOString()).toBe(to.toISOString());
    }
    // The mentor is asked to accept the new time; the mentee waits for it.
    expect(mailsTo(scenario.smtp, s.mentor, 'Session Rescheduled - CodeMentorHub')[0]!.parsed.text).toContain('accept the new time');

    await acceptAsMentor(s.mentor, s.sessionId);
    await scenario.deliver();
    const confirmed = await row(s.sessionId);
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.meetingUrl).toBe(before.meetingUrl);
    expect(confirmed.meetingProvider).toBe(before.meetingProvider);
    for (const who of [s.mentee, s.mentor]) {
      const mails = mailsTo(scenario.smtp, who, 'Session Confirmed - CodeMentorHub');
      expect(mails, 'one more confirmation: an update').toHaveLength(2);
      expect(mails[1]!.parsed.text).toContain('at its new time');
      expect(mails[1]!.parsed.text).toContain(`Meeting Link: ${before.meetingUrl}`);
      const { event } = inviteOf(mails[1]!);
      expect(event.uid).toBe(originals.get(who)!.event.uid);
      expect(Number(event.sequence)).toBeGreaterThan(Number(originals.get(who)!.event.sequence));
      expect(new Date(event.start).toISOString()).toBe(to.toISOString());
    }
  });

  it('a later cancellation cancels the moved invite: same UID, a SEQUENCE above the move', async () => {
    const { t } = scenario;
    const s = await scenario.confirmedSession(72);
    await openUp(t, s.mentor.user.id);
    const moved = await rescheduleSession({ db: t.database.db, sessionId: s.sessionId, actor: as(s.mentor, 'mentor'), input: { startsAt: onTheHour(80).toISOString() }, now: new Date() });
    expect(moved.ok, JSON.stringify(moved)).toBe(true);
    expect((await row(s.sessionId)).status, "a mentor's move keeps it confirmed").toBe('confirmed');
    await scenario.deliver();
    const res = await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, {}, `/sessions/${s.sessionId}`);
    expect(res.statusCode).toBeLessThan(400);
    await scenario.deliver();
    const [moveMail] = mailsTo(scenario.smtp, s.mentee, 'Session Rescheduled - CodeMentorHub');
    const [cancelMail] = mailsTo(scenario.smtp, s.mentee, 'Session Cancelled - CodeMentorHub');
    const a = inviteOf(moveMail!).event;
    const b = inviteOf(cancelMail!);
    expect(b.source).toContain('METHOD:CANCEL');
    expect(b.event.uid).toBe(a.uid);
    expect(Number(b.event.sequence)).toBeGreaterThan(Number(a.sequence));
  });
});

describe('the reschedule rule', () => {
  const attempt = (s: { sessionId: string; mentee: { user: { id: string } } }, startsAt: Date, now = new Date()) =>
    rescheduleSession({ db: scenario.t.database.db, sessionId: s.sessionId, actor: as(s.mentee, 'mentee'), input: { startsAt: startsAt.toISOString() }, now });

  async function expectRefused(s: { sessionId: string; mentee: { user: { id: string } } }, startsAt: Date, message: RegExp, now?: Date) {
    const before = await row(s.sessionId);
    const audits = (await moves(s.sessionId)).length;
    const result = await attempt(s, startsAt, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
    const after = await row(s.sessionId);
    expect(after.startsAt.toISOString(), 'nothing changed').toBe(before.startsAt.toISOString());
    expect(after.status).toBe(before.status);
    expect(await moves(s.sessionId)).toHaveLength(audits);
  }

  it('the mentee moves a pending request twice (it stays pending), and the third move is refused', async () => {
    const s = await scenario.pendingSession(96);
    await openUp(scenario.t, s.mentor.user.id);
    for (const h of [100, 104]) {
      const r = await attempt(s, onTheHour(h));
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect((await row(s.sessionId)).status).toBe('pending');
    }
    await expectRefused(s, onTheHour(110), /already moved this session 2 times/);
  });

  it('refuses a move within 24 hours of the start, into the past and outside the availability', async () => {
    const s = await scenario.pendingSession(20);
    await openUp(scenario.t, s.mentor.user.id);
    await expectRefused(s, onTheHour(40), /up to 24 hours before the start/);
    // The session page still offers it; the reschedule page says why not, with no form.
    expect((await s.mentee.get(`/sessions/${s.sessionId}`)).body).toContain(`href="/sessions/${s.sessionId}/reschedule"`);
    const page = await s.mentee.get(`/sessions/${s.sessionId}/reschedule`);
    expect(page.body).toContain('up to 24 hours before the start');
    expect(page.body).not.toContain('name="startsAt"');
    expect((await s.mentee.get('/dashboard')).body, 'My Sessions offers it only where it applies').not.toContain(`href="/sessions/${s.sessionId}/reschedule"`);
    const later = await scenario.pendingSession(96);
    await expectRefused(later, new Date(Date.now() - HOUR), /already passed/);
    // This mentor offers no time at all.
    await expectRefused(later, onTheHour(100), /outside the mentor's availability/);
    await openUp(scenario.t, later.mentor.user.id);
    const odd = onTheHour(100);
    odd.setUTCMinutes(10);
    await expectRefused(later, odd, /outside the mentor's availability/);
  });

  it('a move into a time the mentor already gives someone else: "that time was just taken", nothing changed', async () => {
    const a = await scenario.pendingSession(96);
    await openUp(scenario.t, a.mentor.user.id);
    const other = await scenario.t.loginAs('mentee');
    const taken = onTheHour(110);
    await pendingSession({ db: scenario.t.database.db, mentor: a.mentor, mentee: other, start: taken });
    const before = await row(a.sessionId);
    const r = await attempt(a, taken);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(TIME_TAKEN);
    expect((await row(a.sessionId)).startsAt.toISOString()).toBe(before.startsAt.toISOString());
  });
});

describe('reminders follow the new time', () => {
  /** A confirmed session `hoursAhead`, its mentor open all week, confirmed a day ago (so no reminder is skipped for the confirmation's sake). */
  async function confirmedADayAgo(hoursAhead: number) {
    const s = await scenario.confirmedSession(hoursAhead);
    await openUp(scenario.t, s.mentor.user.id);
    const db = scenario.t.database.db;
    await db.update(sessions).set({ confirmedAt: new Date(Date.now() - 24 * HOUR) }).where(eq(sessions.id, s.sessionId));
    return { s, db };
  }

  it('a 24-hour reminder sent for the old time does not block the one for the new time', async () => {
    const { s, db } = await confirmedADayAgo(20);
    expect(await sendDueReminders({ db, now: new Date() })).toBe(2);
    const to = onTheHour(30);
    const r = await rescheduleSession({ db, sessionId: s.sessionId, actor: as(s.mentor, 'mentor'), input: { startsAt: to.toISOString() }, now: new Date() });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(await sendDueReminders({ db, now: new Date() })).toBe(0);
    const due = new Date(to.getTime() - 24 * HOUR);
    expect(await sendDueReminders({ db, now: due })).toBe(2);
    expect(await sendDueReminders({ db, now: due })).toBe(0);
    const keys = (await db.select({ key: emailOutbox.dedupeKey }).from(emailOutbox).where(eq(emailOutbox.sessionId, s.sessionId))).map((k) => k.key);
    expect(keys.filter((k) => k.startsWith('reminder-24h:'))).toHaveLength(4);
  });

  it('skips a reminder that falls due within an hour of the move: the "Session rescheduled" email has just said it', async () => {
    const { s, db } = await confirmedADayAgo(72);
    // Moved to 22 hours ahead: its 24-hour reminder fell due before the move, so none comes now; the 1-hour one does.
    const to = onTheHour(22);
    const r = await rescheduleSession({ db, sessionId: s.sessionId, actor: as(s.mentor, 'mentor'), input: { startsAt: to.toISOString() }, now: new Date() });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(await sendDueReminders({ db, now: new Date() })).toBe(0);
    expect(await sendDueReminders({ db, now: new Date(to.getTime() - 2 * HOUR) })).toBe(0);
    expect(await sendDueReminders({ db, now: new Date(to.getTime() - HOUR) })).toBe(2);
    const keys = (await db.select({ key: emailOutbox.dedupeKey }).from(emailOutbox).where(eq(emailOutbox.sessionId, s.sessionId))).map((k) => k.key);
    expect(keys.filter((k) => k.startsWith('reminder-'))).toHaveLength(2);
    expect(keys.filter((k) => k.startsWith('reminder-1h:'))).toHaveLength(2);
  });
});

describe('the reschedule page (GET/POST /sessions/:id/reschedule)', () => {
  it('an admin moves a session from the admin session page; it stays confirmed', async () => {
    const { t } = scenario;
    const s = await scenario.confirmedSession(72);
    await openUp(t, s.mentor.user.id);
    const admin = await t.loginAs('admin');
    expect((await admin.get(`/admin/sessions/${s.sessionId}`)).body).toContain(`href="/sessions/${s.sessionId}/reschedule"`);
    const page = await admin.get(`/sessions/${s.sessionId}/reschedule`);
    expect(page.body).toContain('Move to this time');
    const to = onTheHour(84);
    const res = await admin.submit(`/sessions/${s.sessionId}/reschedule`, { startsAt: to.toISOString() }, `/sessions/${s.sessionId}/reschedule`);
    expect(res.statusCode).toBe(303);
    const after = await row(s.sessionId);
    expect(after.status).toBe('confirmed');
    expect(after.startsAt.toISOString()).toBe(to.toISOString());
    expect(after.menteeReschedules, "an admin's move does not count against the mentee").toBe(0);
  });

  it("lists the mentor's free slots in the viewer's zone, moves with the form, and says why when it cannot", async () => {
    const { t } = scenario;
    const s = await scenario.confirmedSession(72);
    await openUp(t, s.mentor.user.id);
    const stranger = await t.loginAs('mentee');
    expect((await stranger.get(`/sessions/${s.sessionId}/reschedule`)).statusCode).toBe(404);

    expect((await s.mentee.get('/dashboard')).body).toContain(`href="/sessions/${s.sessionId}/reschedule"`);
    expect((await s.mentee.get(`/sessions/${s.sessionId}`)).body).toContain(`href="/sessions/${s.sessionId}/reschedule"`);
    const page = await s.mentee.get(`/sessions/${s.sessionId}/reschedule`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="_csrf"');
    expect(page.body).toContain('Asia/Kathmandu');
    expect(page.body).toContain('Request this time');
    const to = onTheHour(90);
    expect(page.body).toContain(`value="${to.toISOString()}"`);
    expect(page.body, 'its own time is not offered').not.toContain(`value="${s.start.toISOString()}"`);

    // Outside the availability: the page again, with the reason, and nothing changed.
    const odd = new Date(to.getTime() + 10 * 60_000);
    const refused = await s.mentee.submit(`/sessions/${s.sessionId}/reschedule`, { startsAt: odd.toISOString() }, `/sessions/${s.sessionId}/reschedule`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("outside the mentor's availability");
    expect((await row(s.sessionId)).startsAt.toISOString()).toBe(s.start.toISOString());

    const res = await s.mentee.submit(`/sessions/${s.sessionId}/reschedule`, { startsAt: to.toISOString() }, `/sessions/${s.sessionId}/reschedule`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${s.sessionId}`);
    expect((await row(s.sessionId)).status).toBe('pending');

    const dash = (await s.mentor.get('/mentor/dashboard')).body;
    expect(dash).toContain('Accept new time');
    expect((await s.mentor.get(`/sessions/${s.sessionId}`)).body).toContain('Accept new time');
  });
});

// PGlite runs one transaction at a time, so a race there proves nothing: these run on PostgreSQL.
describe.runIf(onPostgres)('reschedule races (PostgreSQL)', () => {
  it('two mentees moving into the same free slot at once, ×20: one wins, the other is told and keeps the old time', async () => {
    const { t } = scenario;
    const db = t.database.db;
    const mentor = await t.loginAs('mentor');
    await openUp(t, mentor.user.id);
    const [a, b] = [await t.loginAs('mentee'), await t.loginAs('mentee')];
    for (let i = 0; i < 20; i++) {
      const base = 200 + i * 12;
      const ids = [
        await pendingSession({ db, mentor, mentee: a, start: onTheHour(base) }),
        await pendingSession({ db, mentor, mentee: b, start: onTheHour(base + 2) }),
      ];
      const target = onTheHour(base + 6);
      const results = await Promise.all(ids.map((sessionId, k) =>
        rescheduleSession({ db, sessionId, actor: as([a, b][k]!, 'mentee'), input: { startsAt: target.toISOString() }, now: new Date() })));
      expect(results.filter((r) => r.ok), `round ${i}`).toHaveLength(1);
      const loser = results.findIndex((r) => !r.ok);
      const lost = results[loser]!;
      if (!lost.ok) expect(lost.error).toBe(TIME_TAKEN);
      expect((await row(ids[loser]!)).startsAt.toISOString()).toBe(onTheHour(base + loser * 2).toISOString());
      expect(await moves(ids[loser]!)).toHaveLength(0);
      const held = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.mentorId, mentor.user.id), eq(sessions.startsAt, target)));
      expect(held).toHaveLength(1);
    }
  }, 120_000);

  it('a reschedule racing a new booking of the same slot: one wins', async () => {
    const { t } = scenario;
    const db = t.database.db;
    const mentor = await t.loginAs('mentor');
    await openUp(t, mentor.user.id);
    const mover = await t.loginAs('mentee');
    const booker = await t.loginAs('mentee');
    const token = await booker.csrfToken(`/mentors/${mentor.user.id}`);
    for (let i = 0; i < 5; i++) {
      const sessionId = await pendingSession({ db, mentor, mentee: mover, start: onTheHour(500 + i * 12) });
      const target = onTheHour(506 + i * 12);
      const [moved, booked] = await Promise.all([
        rescheduleSession({ db, sessionId, actor: as(mover, 'mentee'), input: { startsAt: target.toISOString() }, now: new Date() }),
        booker.post(`/mentors/${mentor.user.id}/book`, { _csrf: token, startsAt: target.toISOString(), durationMinutes: '60' }),
      ]);
      expect([moved.ok, booked.statusCode === 303].filter(Boolean), `round ${i}`).toHaveLength(1);
      if (!moved.ok) expect(moved.error).toBe(TIME_TAKEN);
      else expect(booked.statusCode).toBe(409);
      const held = await db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.mentorId, mentor.user.id), eq(sessions.startsAt, target)));
      expect(held).toHaveLength(1);
    }
  }, 60_000);

  it('a reschedule racing a confirm: the outcome of one serial order, and no confirmation names another time', async () => {
    const { t } = scenario;
    const db = t.database.db;
    for (let i = 0; i < 5; i++) {
      const s = await scenario.pendingSession(400 + i * 12);
      await openUp(t, s.mentor.user.id);
      const target = onTheHour(406 + i * 12);
      const [moved, accepted] = await Promise.all([
        rescheduleSession({ db, sessionId: s.sessionId, actor: as(s.mentee, 'mentee'), input: { startsAt: target.toISOString() }, now: new Date() }),
        s.mentor.submit(`/mentor/session/${s.sessionId}/accept/`, {}, '/mentor/dashboard'),
      ]);
      expect(moved.ok, JSON.stringify(moved)).toBe(true);
      expect(accepted.statusCode).toBe(303);
      await makeDueRooms(t);
      const final = await row(s.sessionId);
      expect(final.startsAt.toISOString()).toBe(target.toISOString());
      const order = (await db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.subjectId, s.sessionId)).orderBy(auditLog.id))
        .map((a) => a.action).filter((a) => a === 'session.rescheduled' || a === 'session.confirmed');
      // Accepted first, then moved by the mentee: a request again. Moved first, then accepted: confirmed at the new time.
      expect(final.status).toBe(order[0] === 'session.confirmed' ? 'pending' : 'confirmed');
      const confirmations = await db.select({ payload: emailOutbox.payload }).from(emailOutbox)
        .where(and(eq(emailOutbox.sessionId, s.sessionId), eq(emailOutbox.template, 'session-confirmed')));
      if (final.status === 'pending') expect(confirmations).toHaveLength(0);
      else for (const c of confirmations) expect((c.payload as { startsAt: string }).startsAt).toBe(target.toISOString());
    }
  }, 60_000);

  it('a reschedule racing a cancel: the outcome of one serial order, and no email contradicts it', async () => {
    const { t } = scenario;
    const db = t.database.db;
    for (let i = 0; i < 5; i++) {
      const s = await scenario.pendingSession(300 + i * 12);
      await openUp(t, s.mentor.user.id);
      const target = onTheHour(306 + i * 12);
      const [moved] = await Promise.all([
        rescheduleSession({ db, sessionId: s.sessionId, actor: as(s.mentee, 'mentee'), input: { startsAt: target.toISOString() }, now: new Date() }),
        s.mentor.submit(`/sessions/${s.sessionId}/cancel`, {}, `/sessions/${s.sessionId}`),
      ]);
      const final = await row(s.sessionId);
      expect(final.status).toBe('cancelled');
      const keys = (await db.select({ key: emailOutbox.dedupeKey, payload: emailOutbox.payload }).from(emailOutbox).where(eq(emailOutbox.sessionId, s.sessionId)));
      const cancelled = keys.filter((k) => k.key.startsWith('session-cancelled:'));
      expect(cancelled).toHaveLength(2);
      // Each cancellation email names the session's final time.
      for (const c of cancelled) expect((c.payload as { startsAt: string }).startsAt).toBe(final.startsAt.toISOString());
      if (moved.ok) expect(final.startsAt.toISOString(), 'moved, then cancelled').toBe(target.toISOString());
      else {
        expect(final.startsAt.toISOString(), 'cancelled first: never moved').toBe(s.start.toISOString());
        expect(keys.filter((k) => k.key.startsWith('session-rescheduled:'))).toHaveLength(0);
      }
    }
  }, 60_000);
});

describe('time zones', () => {
  it('a mentee in Asia/Kathmandu moves a session across the next US DST change (2027-03-14 at the time of writing) with a mentor in America/Los_Angeles: emails and pages show the same instant', async () => {
    const { t } = scenario;
    const db = t.database.db;
    const mentor = await t.loginAs('mentor', { timezone: 'America/Los_Angeles' });
    const mentee = await t.loginAs('mentee', { timezone: 'Asia/Kathmandu' });
    await openUp(t, mentor.user.id);
    await db.update(mentorProfiles).set({ horizonDays: 365 }).where(eq(mentorProfiles.userId, mentor.user.id));
    // The next US clock change at least a week ahead (2027-03-14 when this was written): 09:00 local
    // four days before it and 09:00 local two days after, on either side of it.
    const change = nextUsClockChange(new Date(Date.now() + 7 * 86_400_000));
    const [before, after] = change.toDaylight ? (['PST', 'PDT'] as const) : (['PDT', 'PST'] as const);
    const utcHourOf9 = (zone: 'PST' | 'PDT') => (zone === 'PST' ? 17 : 16);
    const from = new Date(change.at.getTime() - 4 * 86_400_000 + utcHourOf9(before) * HOUR);
    const to = new Date(change.at.getTime() + 2 * 86_400_000 + utcHourOf9(after) * HOUR);
    const day = (d: Date) => new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' }).format(d);
    const kathmandu = (d: Date) => `${String(d.getUTCHours() + 5).padStart(2, '0')}:45`;
    const sessionId = await pendingSession({ db, mentor, mentee, start: from });
    await acceptAsMentor(mentor, sessionId);
    await scenario.deliver();
    // Pages are calendar weeks of the mentee's zone.
    const week = Array.from({ length: 60 }, (_, w) => calendarWeek({ now: new Date(), zone: 'Asia/Kathmandu', horizonDays: 420, week: w })).find((w) => w.from <= to && to < w.to)!;
    const page = await mentee.get(`/sessions/${sessionId}/reschedule?week=${week.index}`);
    expect(page.body).toContain(`value="${to.toISOString()}"`);
    expect(page.body).toContain(`<strong>${week.label}</strong>`);
    const res = await mentee.submit(`/sessions/${sessionId}/reschedule`, { startsAt: to.toISOString() }, `/sessions/${sessionId}/reschedule`);
    expect(res.statusCode).toBe(303);
    await scenario.deliver();

    const [toMentor] = mailsTo(scenario.smtp, mentor, 'Session Rescheduled - CodeMentorHub');
    expect(toMentor!.parsed.text).toContain(`Old time: ${day(from)} 09:00 (America/Los_Angeles, ${before})`);
    expect(toMentor!.parsed.text).toContain(`New time: ${day(to)} 09:00 (America/Los_Angeles, ${after})`);
    const [toMentee] = mailsTo(scenario.smtp, mentee, 'Session Rescheduled - CodeMentorHub');
    expect(toMentee!.parsed.text).toContain(`Old time: ${day(from)} ${kathmandu(from)} (Asia/Kathmandu`);
    expect(toMentee!.parsed.text).toContain(`New time: ${day(to)} ${kathmandu(to)} (Asia/Kathmandu`);
    for (const mail of [toMentor!, toMentee!]) expect(new Date(inviteOf(mail).event.start).toISOString()).toBe(to.toISOString());
    const { formatDateTime } = await import('../src/web/time');
    expect((await mentee.get(`/sessions/${sessionId}`)).body).toContain(formatDateTime(to, 'Asia/Kathmandu'));
    expect((await mentor.get(`/sessions/${sessionId}`)).body).toContain(formatDateTime(to, 'America/Los_Angeles'));
    // The dashboards and the admin's pages (an admin in UTC) name the same instant.
    expect((await mentee.get('/dashboard')).body).toContain(formatDateTime(to, 'Asia/Kathmandu'));
    expect((await mentor.get('/mentor/dashboard')).body).toContain(formatDateTime(to, 'America/Los_Angeles'));
    const admin = await t.loginAs('admin', { timezone: 'UTC' });
    expect((await admin.get(`/admin/sessions/${sessionId}`)).body).toContain(formatDateTime(to, 'UTC'));
  });
});

describe("the mentor's answer to a new time", () => {
  it("a mentee's request for a new time gets the unanswered-request timer from the move: reminded after 24 h, expired and refunded after 48 h", async () => {
    const { t } = scenario;
    const db = t.database.db;
    const mentor = await t.loginAs('mentor');
    const mentee = await t.loginAs('mentee');
    await openUp(t, mentor.user.id);
    const now = new Date();
    // Paid 40 hours ago: by the payment alone it would expire in 8 hours.
    const sessionId = await pendingSession({ db, mentor, mentee, start: onTheHour(200), now: new Date(now.getTime() - 40 * HOUR) });
    const r = await rescheduleSession({ db, sessionId, actor: as(mentee, 'mentee'), input: { startsAt: onTheHour(150).toISOString() }, now });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const requestReminders = async () => (await db.select().from(emailOutbox).where(and(eq(emailOutbox.sessionId, sessionId), eq(emailOutbox.template, 'session-request-reminder')))).length;
    await expireUnansweredRequests({ db, now: new Date(now.getTime() + 10 * HOUR) });
    expect((await row(sessionId)).status).toBe('pending');
    expect(await requestReminders()).toBe(0);
    await expireUnansweredRequests({ db, now: new Date(now.getTime() + 25 * HOUR) });
    expect((await row(sessionId)).status).toBe('pending');
    expect(await requestReminders()).toBe(1);
    await expireUnansweredRequests({ db, now: new Date(now.getTime() + 49 * HOUR) });
    expect((await row(sessionId)).status).toBe('expired');
    expect(await db.select().from(refunds).where(eq(refunds.sessionId, sessionId))).toHaveLength(1);
  });

  it('declining the new time is a decline: the mentee is refunded in full', async () => {
    const { t } = scenario;
    const s = await scenario.confirmedSession(72);
    await openUp(t, s.mentor.user.id);
    const r = await rescheduleSession({ db: t.database.db, sessionId: s.sessionId, actor: as(s.mentee, 'mentee'), input: { startsAt: onTheHour(90).toISOString() }, now: new Date() });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const declined = await declineSession({ db: t.database.db, sessionId: s.sessionId, actor: as(s.mentor, 'mentor'), now: new Date() });
    expect(declined.ok && declined.refund).toBe('full');
    expect((await row(s.sessionId)).status).toBe('declined');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, s.sessionId))).toHaveLength(1);
  });
});

/**
 * Midnight UTC of the next US clock change whose day minus four is after `after`: the second Sunday of
 * March (to daylight time) or the first Sunday of November (back to standard time).
 */
function nextUsClockChange(after: Date): { at: Date; toDaylight: boolean } {
  const sunday = (year: number, month: number, nth: number) => {
    const first = new Date(Date.UTC(year, month, 1));
    return new Date(Date.UTC(year, month, 1 + ((7 - first.getUTCDay()) % 7) + 7 * (nth - 1)));
  };
  for (let year = after.getUTCFullYear(); ; year++) {
    for (const c of [{ at: sunday(year, 2, 2), toDaylight: true }, { at: sunday(year, 10, 1), toDaylight: false }]) {
      if (c.at.getTime() - 4 * 86_400_000 > after.getTime()) return c;
    }
  }
}
