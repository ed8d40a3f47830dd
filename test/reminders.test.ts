import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recordPayment } from '../src/payments/record';
import { auditLog, emailOutbox, refunds, sessions } from '../src/db/schema';
import { jobs } from '../src/jobs/registry';
import { expireUnansweredRequests, sendDueReminders } from '../src/sessions/reminders';
import { confirmSession } from '../src/sessions/transitions';
import { onPostgres } from './helpers/db';
import { HOUR, MINUTE as MIN, mailsTo, pendingSession as paidSessionOf, type Agent, useMailScenario } from './helpers/scenario';
import type { ReceivedMail } from './fakes/smtp';

const scenario = useMailScenario();
const deliver = () => scenario.deliver();
const pendingSession = (hoursAhead: number) => scenario.pendingSession(hoursAhead);
const confirmedSession = (hoursAhead: number, zones: { mentor?: string; mentee?: string } = {}) =>
  scenario.confirmedSession(hoursAhead, { mentor: { timezone: zones.mentor }, mentee: { timezone: zones.mentee } });

const row = async (id: string) => (await scenario.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const outboxKeys = async (sessionId: string) =>
  (await scenario.t.database.db.select({ key: emailOutbox.dedupeKey }).from(emailOutbox).where(like(emailOutbox.dedupeKey, `%${sessionId}%`))).map((r) => r.key).sort();
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const sweep = (now: Date) => sendDueReminders({ db: scenario.t.database.db, now });
const mails = (who: Agent, subject: RegExp | string) => mailsTo(scenario.smtp, who, subject);
const reminders = (who: Agent) => mails(who, /^Reminder: your session starts in /);

describe('reminders 24 hours and 1 hour before a confirmed session', () => {
  it('sends each to both participants exactly once, however often the sweep runs, with the link, the join line and the session links', async () => {
    const { mentor, mentee, sessionId, start } = await confirmedSession(72);
    const s = await row(sessionId);

    // Nothing before the 24-hour mark.
    for (const now of [at(start, -30 * HOUR), at(start, -25 * HOUR), at(start, -24 * HOUR - MIN)]) await sweep(now);
    expect((await outboxKeys(sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([]);

    // From the 24-hour mark until an hour before: the 24-hour one, once.
    for (const now of [at(start, -24 * HOUR), at(start, -24 * HOUR + 30_000), at(start, -23 * HOUR), at(start, -12 * HOUR), at(start, -2 * HOUR), at(start, -HOUR - MIN)]) {
      await sweep(now);
      await sweep(now);
    }
    await deliver();
    for (const who of [mentee, mentor]) {
      const got = reminders(who);
      expect(got).toHaveLength(1);
      expect(got[0]!.parsed.subject).toBe('Reminder: your session starts in 24 hours - CodeMentorHub');
    }

    // From an hour before until the start: the 1-hour one, once; nothing once it has started.
    for (const now of [at(start, -HOUR), at(start, -59 * MIN), at(start, -30 * MIN), at(start, -MIN), at(start, 0), at(start, MIN), at(start, 2 * HOUR)]) {
      await sweep(now);
      await sweep(now);
    }
    await deliver();
    for (const [who, other] of [[mentee, 'Test mentor'], [mentor, 'Test mentee']] as const) {
      const got = reminders(who);
      expect(got.map((m) => m.parsed.subject)).toEqual([
        'Reminder: your session starts in 24 hours - CodeMentorHub',
        'Reminder: your session starts in 1 hour - CodeMentorHub',
      ]);
      for (const m of got) {
        const text = m.parsed.text!;
        expect(text).toContain(`Reminder: your session with ${other}`);
        expect(text).toContain(`Meeting Link: ${s.meetingUrl}`);
        expect(text).toContain('Please join the meeting 5 minutes before the scheduled time.');
        expect(text).toContain('Duration: 60 minutes');
        expect(text).toContain(`View the session: ${scenario.t.config.appUrl}/sessions/${sessionId}\n`);
        expect(text).toContain(`Cancel the session: ${scenario.t.config.appUrl}/sessions/${sessionId}#cancel`);
        expect(m.parsed.html).toContain(`href="${scenario.t.config.appUrl}/sessions/${sessionId}"`);
      }
    }
    expect((await outboxKeys(sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([
      `reminder-1h:${sessionId}:mentee`, `reminder-1h:${sessionId}:mentor`, `reminder-24h:${sessionId}:mentee`, `reminder-24h:${sessionId}:mentor`,
    ]);
  });

  it('sends none for a session that is cancelled, and none for one that was never accepted', async () => {
    const cancelled = await confirmedSession(72);
    expect((await cancelled.mentee.submit(`/sessions/${cancelled.sessionId}/cancel`, {}, `/sessions/${cancelled.sessionId}`)).statusCode).toBe(303);
    const unanswered = await pendingSession(120);
    for (const s of [cancelled, unanswered]) {
      for (const now of [at(s.start, -24 * HOUR), at(s.start, -3 * HOUR), at(s.start, -HOUR), at(s.start, -10 * MIN)]) await sweep(now);
    }
    // Cancelled between the two reminders: the 24-hour one went, the 1-hour one never does.
    const between = await confirmedSession(168);
    await sweep(at(between.start, -24 * HOUR));
    expect((await between.mentor.submit(`/sessions/${between.sessionId}/cancel`, {}, `/sessions/${between.sessionId}`)).statusCode).toBe(303);
    for (const now of [at(between.start, -HOUR), at(between.start, -30 * MIN)]) await sweep(now);
    await deliver();

    for (const s of [cancelled, unanswered]) {
      expect((await outboxKeys(s.sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([]);
      expect(reminders(s.mentee)).toHaveLength(0);
      expect(reminders(s.mentor)).toHaveLength(0);
    }
    expect((await outboxKeys(between.sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([`reminder-24h:${between.sessionId}:mentee`, `reminder-24h:${between.sessionId}:mentor`]);
    for (const who of [between.mentee, between.mentor]) expect(reminders(who).map((m) => m.parsed.subject)).toEqual(['Reminder: your session starts in 24 hours - CodeMentorHub']);
  });

  it('sends a reminder that fell due while nothing ran at the next sweep, if the session has not started', async () => {
    // Down across the 24-hour mark: it goes out late, saying how far off the session really is.
    const late24 = await confirmedSession(72);
    await sweep(at(late24.start, -25 * HOUR));
    await sweep(at(late24.start, -3 * HOUR));
    await deliver();
    for (const who of [late24.mentee, late24.mentor]) expect(reminders(who).map((m) => m.parsed.subject)).toEqual(['Reminder: your session starts in 3 hours - CodeMentorHub']);
    await sweep(at(late24.start, -40 * MIN));
    await deliver();
    for (const who of [late24.mentee, late24.mentor]) expect(reminders(who).map((m) => m.parsed.subject)).toEqual(['Reminder: your session starts in 3 hours - CodeMentorHub', 'Reminder: your session starts in 40 minutes - CodeMentorHub']);

    // Down across both marks, back 20 minutes before the start: only the 1-hour one.
    const both = await confirmedSession(120);
    await sweep(at(both.start, -26 * HOUR));
    await sweep(at(both.start, -20 * MIN));
    await deliver();
    expect((await outboxKeys(both.sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([`reminder-1h:${both.sessionId}:mentee`, `reminder-1h:${both.sessionId}:mentor`]);
    for (const who of [both.mentee, both.mentor]) expect(reminders(who).map((m) => m.parsed.subject)).toEqual(['Reminder: your session starts in 20 minutes - CodeMentorHub']);

    // Down across the 1-hour mark and the start: too late, nothing more.
    const missed = await confirmedSession(168);
    await sweep(at(missed.start, -2 * HOUR));
    await sweep(at(missed.start, 5 * MIN));
    await deliver();
    expect((await outboxKeys(missed.sessionId)).filter((k) => k.startsWith('reminder-'))).toEqual([`reminder-24h:${missed.sessionId}:mentee`, `reminder-24h:${missed.sessionId}:mentor`]);
  });
});

/** "Date: Mar 5, 2026" + "Time: 19:45 (Asia/Kathmandu, GMT+5:45)" read back as a UTC instant, given the zone's offset in minutes. */
function instantOf(text: string, offsetMinutes: number): number {
  const date = /^Date: (\w{3}) (\d{1,2}), (\d{4})$/m.exec(text);
  const time = /^Time: (\d{2}):(\d{2}) \(/m.exec(text);
  if (!date || !time) throw new Error(`no Date:/Time: lines in\n${text}`);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(date[1]!);
  return Date.UTC(Number(date[3]), month, Number(date[2]), Number(time[1]), Number(time[2])) - offsetMinutes * MIN;
}

/** A zone's UTC offset at an instant, from Intl's "GMT-07:00" (not the code under test). */
function offsetAt(zone: string, instant: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(instant).find((p) => p.type === 'timeZoneName')!.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

describe('no reminder right after the confirmation', () => {
  /** A confirmed session whose confirmation is dated `before` its start; the sweep runs at each of `sweeps` (before the start). */
  async function remindersAfter(before: number, sweeps: number[]) {
    const s = await confirmedSession(200);
    await scenario.t.database.db.update(sessions).set({ confirmedAt: at(s.start, -before) }).where(eq(sessions.id, s.sessionId));
    for (const ms of sweeps) await sweep(at(s.start, -ms));
    await deliver();
    // Sorted: emails delivered in one batch may arrive in any order.
    return { mentee: reminders(s.mentee).map((m) => m.parsed.subject).sort(), mentor: reminders(s.mentor).map((m) => m.parsed.subject).sort() };
  }
  const H24 = 'Reminder: your session starts in 24 hours - CodeMentorHub';
  const H1 = 'Reminder: your session starts in 1 hour - CodeMentorHub';

  it('skips a reminder that would arrive within an hour of the confirmation; the other one still comes', async () => {
    // Confirmed 23 hours before: no "starts in 23 hours" in the same minute, nor an hour later; the 1-hour one comes.
    expect(await remindersAfter(23 * HOUR, [23 * HOUR, 22 * HOUR, 2 * HOUR, HOUR])).toEqual({ mentee: [H1], mentor: [H1] });
    // Confirmed 30 minutes before the 24-hour mark: that one is skipped too.
    expect(await remindersAfter(24 * HOUR + 30 * MIN, [24 * HOUR, 12 * HOUR, HOUR])).toEqual({ mentee: [H1], mentor: [H1] });
    // Confirmed 90 minutes before the start: neither.
    expect(await remindersAfter(90 * MIN, [90 * MIN, HOUR, 30 * MIN, MIN])).toEqual({ mentee: [], mentor: [] });
  });

  it('sends a reminder due more than an hour after the confirmation', async () => {
    expect(await remindersAfter(25 * HOUR + 30 * MIN, [24 * HOUR, HOUR])).toEqual({ mentee: [H1, H24], mentor: [H1, H24] });
    expect(await remindersAfter(2 * HOUR + MIN, [2 * HOUR, HOUR])).toEqual({ mentee: [H1], mentor: [H1] });
  });
});

describe('time zones in every email', () => {
  it('shows a mentee in Asia/Kathmandu and a mentor in America/Los_Angeles the same instant, each in their own zone', async () => {
    const { mentor, mentee, sessionId, start } = await confirmedSession(72, { mentee: 'Asia/Kathmandu', mentor: 'America/Los_Angeles' });
    await sweep(at(start, -24 * HOUR));
    await sweep(at(start, -HOUR));
    await deliver();
    expect((await mentor.submit(`/sessions/${sessionId}/cancel`, {}, `/sessions/${sessionId}`)).statusCode).toBe(303);
    await deliver();

    const expected = [
      ['Session Confirmed - CodeMentorHub', 1],
      ['Reminder: your session starts in 24 hours - CodeMentorHub', 1],
      ['Reminder: your session starts in 1 hour - CodeMentorHub', 1],
      ['Session Cancelled - CodeMentorHub', 1],
    ] as const;
    for (const [who, zone] of [[mentee, 'Asia/Kathmandu'], [mentor, 'America/Los_Angeles']] as const) {
      const offset = zone === 'Asia/Kathmandu' ? 345 : offsetAt(zone, start);
      if (zone === 'America/Los_Angeles') expect([-420, -480]).toContain(offset);
      const got: ReceivedMail[] = [];
      for (const [subject, count] of expected) {
        const m = mails(who, subject);
        expect(m, subject).toHaveLength(count);
        got.push(...m);
      }
      const times = new Set<string>();
      for (const m of got) {
        const text = m.parsed.text!;
        expect(text, m.parsed.subject).toContain(`(${zone}`);
        expect(instantOf(text, offset), m.parsed.subject).toBe(start.getTime());
        times.add(/^Time: .*$/m.exec(text)![0]);
      }
      expect(times.size, 'the same time line in every email').toBe(1);
    }
    // Kathmandu is 5:45 ahead of UTC all year: the minutes of an on-the-hour start show as :45.
    expect(mails(mentee, 'Session Confirmed - CodeMentorHub')[0]!.parsed.text).toMatch(/^Time: \d{2}:45 \(Asia\/Kathmandu/m);
    expect(mails(mentor, 'Session Confirmed - CodeMentorHub')[0]!.parsed.text).toMatch(/^Time: \d{2}:00 \(America\/Los_Angeles, P[SD]T\)/m);
  });
});

describe('unanswered requests', () => {
  const expire = (now: Date) => expireUnansweredRequests({ db: scenario.t.database.db, now });
  const requestReminders = (who: Agent) => mails(who, 'Reminder: a session request is waiting for your answer - CodeMentorHub');

  it('reminds the mentor once 24 h after payment, and at 48 h expires the request with a full refund and tells both', async () => {
    const { mentor, mentee, sessionId, paidAt } = await pendingSession(120);
    await expire(at(paidAt, 24 * HOUR - MIN));
    expect(await outboxKeys(sessionId)).not.toContain(`request-reminder:${sessionId}`);
    for (const now of [at(paidAt, 24 * HOUR), at(paidAt, 24 * HOUR), at(paidAt, 24 * HOUR + MIN), at(paidAt, 30 * HOUR), at(paidAt, 48 * HOUR - MIN)]) await expire(now);
    expect((await outboxKeys(sessionId)).filter((k) => k.startsWith('request-reminder'))).toEqual([`request-reminder:${sessionId}`]);
    expect((await row(sessionId)).status).toBe('pending');
    await deliver();
    expect(requestReminders(mentor)).toHaveLength(1);
    expect(requestReminders(mentee)).toHaveLength(0);
    const text = requestReminders(mentor)[0]!.parsed.text!;
    expect(text).toContain('Test mentee');
    expect(text).toContain('the request expires');
    expect(text).toContain(`${scenario.t.config.appUrl}/sessions/${sessionId}`);

    await expire(at(paidAt, 48 * HOUR));
    await expire(at(paidAt, 49 * HOUR));
    const s = await row(sessionId);
    expect(s.status).toBe('expired');
    const owed = await scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId));
    expect(owed).toHaveLength(1);
    expect(owed[0]!.amountCents).toBe(s.priceCents);
    expect(await scenario.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, sessionId), eq(auditLog.action, 'session.expired')))).toHaveLength(1);
    await deliver();
    for (const [who, says] of [[mentee, 'did not answer your session request in time'], [mentor, 'You did not accept or decline the session request']] as const) {
      const got = mails(who, 'Session Request Expired - CodeMentorHub');
      expect(got).toHaveLength(1);
      expect(got[0]!.parsed.text).toContain(says);
      expect(got[0]!.parsed.text).toContain('Refund: full refund ($60.00)');
      expect(got[0]!.parsed.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(false);
    }
    expect(requestReminders(mentor)).toHaveLength(1);
    // A payment arriving again for the expired, refunded request does not reopen it.
    expect(await recordPayment({ db: scenario.t.database.db, sessionId, paymentRef: 'second_payment', now: at(paidAt, 50 * HOUR) })).toBe('refund-requested');
    expect((await row(sessionId)).status).toBe('expired');
  });

  it('expires at the start time when that comes before 48 hours after payment', async () => {
    const { mentee, sessionId, start, paidAt } = await pendingSession(30);
    expect(start.getTime() - paidAt.getTime()).toBeLessThan(48 * HOUR);
    await expire(at(start, -MIN));
    expect((await row(sessionId)).status).toBe('pending');
    await expire(start);
    expect((await row(sessionId)).status).toBe('expired');
    expect(await scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId))).toHaveLength(1);
    await deliver();
    expect(mails(mentee, 'Session Request Expired - CodeMentorHub')).toHaveLength(1);
  });

  it('never expires (or reminds about) a request once it was accepted', async () => {
    const { mentor, mentee, sessionId, paidAt } = await pendingSession(120);
    expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    for (const h of [24, 25, 48, 49, 200]) await expire(at(paidAt, h * HOUR));
    expect((await row(sessionId)).status).toBe('confirmed');
    expect(await scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId))).toHaveLength(0);
    const keys = await outboxKeys(sessionId);
    expect(keys.filter((k) => k.startsWith('request-reminder') || k.startsWith('session-cancelled'))).toEqual([]);
    await deliver();
    expect(mails(mentee, /Expired/)).toHaveLength(0);
    expect(requestReminders(mentor)).toHaveLength(0);
  });

  // PGlite runs one transaction at a time: a race there proves nothing.
  it.runIf(onPostgres)('an acceptance racing the expiry: exactly one wins, and a refund exists only if it expired (x12)', async () => {
    const cases = [];
    for (let i = 0; i < 12; i++) cases.push(await pendingSession(120 + i * 3));
    const deadline = new Date(Math.max(...cases.map((c) => c.paidAt.getTime())) + 48 * HOUR);
    const [swept, ...accepts] = await Promise.all([
      expire(deadline),
      ...cases.map((c) => confirmSession({ db: scenario.t.database.db, sessionId: c.sessionId, actor: { id: c.mentor.user.id, role: 'mentor' }, meetingProvider: 'jitsi', now: new Date() })),
    ]);
    let expiredCount = 0;
    for (const [i, c] of cases.entries()) {
      const s = await row(c.sessionId);
      const owed = await scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, c.sessionId));
      const told = (await outboxKeys(c.sessionId)).filter((k) => k.startsWith('session-cancelled'));
      if (accepts[i]!.ok) {
        expect(s.status).toBe('confirmed');
        expect(owed).toHaveLength(0);
        expect(told).toEqual([]);
      } else {
        expiredCount++;
        expect(accepts[i]).toMatchObject({ ok: false, status: 409 });
        expect(s.status).toBe('expired');
        expect(owed).toHaveLength(1);
        expect(told).toHaveLength(2);
      }
    }
    // The sweep also expires other files' leftovers at that time, never fewer than these.
    expect(swept.expired).toBeGreaterThanOrEqual(expiredCount);
  });
});

describe('the scheduled jobs', () => {
  it('run both sweeps every minute through pg-boss (jobs/registry), at the current time', async () => {
    const run = { db: scenario.t.database.db, lastAttempt: false };
    const reminderJob = jobs.find((j) => j.name === 'sessions.send-due-reminders');
    const expiryJob = jobs.find((j) => j.name === 'sessions.expire-unanswered-requests');
    expect(reminderJob?.cron).toBe('* * * * *');
    expect(expiryJob?.cron).toBe('* * * * *');

    // A session confirmed hours ago, starting 40 minutes from now, gets its 1-hour reminder from the job's handler.
    const mentor = await scenario.t.loginAs('mentor');
    const mentee = await scenario.t.loginAs('mentee');
    const soon = await paidSessionOf({ db: scenario.t.database.db, mentor, mentee, start: new Date(Date.now() + 40 * MIN), duration: 30 });
    await mentor.submit(`/mentor/session/${soon}/accept/`, {}, '/mentor/dashboard');
    await scenario.t.database.db.update(sessions).set({ confirmedAt: new Date(Date.now() - 3 * HOUR) }).where(eq(sessions.id, soon));
    await reminderJob!.handler({}, run);
    expect((await outboxKeys(soon)).filter((k) => k.startsWith('reminder-'))).toEqual([`reminder-1h:${soon}:mentee`, `reminder-1h:${soon}:mentor`]);

    // A request paid 49 hours ago is expired by the other job's handler.
    const stale = await pendingSession(120);
    await scenario.t.database.db.update(sessions).set({ paidAt: new Date(Date.now() - 49 * HOUR) }).where(eq(sessions.id, stale.sessionId));
    await expiryJob!.handler({}, run);
    expect((await row(stale.sessionId)).status).toBe('expired');
  });
});
