import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarWeek, startOfLocalDay, weekLabel } from '../src/booking/weeks';
import { localParts } from '../src/booking/timezones';
import { users } from '../src/db/schema';
import { clockOfLanguage, formatDateTime, formatTime } from '../src/web/time';
import { viewerTimeZone } from '../src/web/zones';
import { buildTestApp, type TestApp } from './helpers/app';
import { createOpenMentor } from './helpers/mentors';
import { HOUR, mailsTo, onTheHour, pendingSession, type Person, useMailScenario } from './helpers/scenario';
import { expireUnansweredRequests } from '../src/sessions/reminders';

describe('the zone times are shown in', () => {
  it('is the account’s, else the picker’s (?tz=), else the browser’s cookie, else UTC', () => {
    expect(viewerTimeZone('Europe/Berlin', 'Asia/Tokyo', 'America/New_York')).toEqual({ zone: 'Europe/Berlin', fromAccount: true, source: 'account' });
    expect(viewerTimeZone(undefined, 'Asia/Tokyo', 'America/New_York')).toEqual({ zone: 'Asia/Tokyo', fromAccount: false, source: 'query' });
    expect(viewerTimeZone(undefined, undefined, 'America/New_York')).toEqual({ zone: 'America/New_York', fromAccount: false, source: 'cookie' });
    expect(viewerTimeZone(undefined, undefined, undefined)).toEqual({ zone: 'UTC', fromAccount: false, source: 'default' });
  });

  it('ignores names that are no zone, in the query or the cookie', () => {
    expect(viewerTimeZone(undefined, 'Mars/Olympus', 'America/New_York').source).toBe('cookie');
    expect(viewerTimeZone(undefined, '', 'Not/AZone')).toEqual({ zone: 'UTC', fromAccount: false, source: 'default' });
    expect(viewerTimeZone(undefined, ['Asia/Tokyo'], 'x'.repeat(200)).zone).toBe('UTC');
  });
});

describe('the clock of the reader’s language', () => {
  it('follows the locale data: en-US 12-hour; en-GB, de, ja 24-hour; nothing usable 24-hour', () => {
    expect(clockOfLanguage('en-US,en;q=0.9')).toBe('12h');
    expect(clockOfLanguage('en-GB,en;q=0.8')).toBe('24h');
    expect(clockOfLanguage('de-DE')).toBe('24h');
    expect(clockOfLanguage('ja')).toBe('24h');
    expect(clockOfLanguage(undefined)).toBe('24h');
    expect(clockOfLanguage('*')).toBe('24h');
    expect(clockOfLanguage('%%%, ###')).toBe('24h');
    // A language the runtime does not know is skipped, not read as its default locale.
    expect(clockOfLanguage('xx-YY, en-GB')).toBe('24h');
    expect(clockOfLanguage('xx, en-US')).toBe('12h');
  });

  it('formats on either clock; 24-hour stays the default for existing callers', () => {
    const at = new Date('2026-12-07T19:30:00Z');
    expect(formatDateTime(at, 'America/New_York')).toBe('Dec 7, 2026, 14:30 EST');
    expect(formatDateTime(at, 'America/New_York', '12h')).toBe('Dec 7, 2026, 2:30 PM EST');
    expect(formatTime(at, 'Europe/Berlin', '24h')).toBe('20:30');
    expect(formatTime(at, 'Europe/Berlin', '12h')).toBe('8:30 PM');
  });
});

describe('calendar weeks of the viewer’s zone', () => {
  it('runs Monday 00:00 to the next Monday 00:00 local, across the end of DST in New York', () => {
    // Wednesday Oct 28, 2026; clocks go back on Sunday Nov 1.
    const week = calendarWeek({ now: new Date('2026-10-28T12:00:00Z'), zone: 'America/New_York', horizonDays: 28, week: 0 });
    expect(week.from.toISOString()).toBe('2026-10-26T04:00:00.000Z'); // 00:00 EDT
    expect(week.to.toISOString()).toBe('2026-11-02T05:00:00.000Z'); // 00:00 EST: the week is 7 days and an hour
    expect(week.label).toBe('Oct 26 – Nov 1');
    expect(week.count).toBe(5);
    const next = calendarWeek({ now: new Date('2026-10-28T12:00:00Z'), zone: 'America/New_York', horizonDays: 28, week: 1 });
    expect(next.from.getTime()).toBe(week.to.getTime());
    expect(next.label).toBe('Nov 2 – 8');
  });

  it('and across the start of DST, a week an hour short', () => {
    const week = calendarWeek({ now: new Date('2027-03-10T12:00:00Z'), zone: 'America/New_York', horizonDays: 7, week: 0 });
    expect(week.from.toISOString()).toBe('2027-03-08T05:00:00.000Z');
    expect(week.to.toISOString()).toBe('2027-03-15T04:00:00.000Z');
    expect(week.label).toBe('Mar 8 – 14');
  });

  it('takes the week of the viewer’s date, not UTC’s: late Sunday in New York is already Monday in UTC', () => {
    const now = new Date('2026-12-07T02:00:00Z'); // Sunday Dec 6, 21:00 in New York
    expect(calendarWeek({ now, zone: 'America/New_York', horizonDays: 14, week: 0 }).label).toBe('Nov 30 – Dec 6');
    expect(calendarWeek({ now, zone: 'UTC', horizonDays: 14, week: 0 }).label).toBe('Dec 7 – 13');
  });

  it('clamps the asked week to the horizon, and starts a day whose midnight is skipped when the clocks jump', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    expect(calendarWeek({ now, zone: 'UTC', horizonDays: 28, week: 99 })).toMatchObject({ index: 4, count: 5, label: 'Dec 28, 2026 – Jan 3, 2027' });
    expect(calendarWeek({ now, zone: 'UTC', horizonDays: 28, week: -3 }).index).toBe(0);
    expect(calendarWeek({ now, zone: 'UTC', horizonDays: 28, week: Number.NaN }).index).toBe(0);
    // Santiago springs forward at midnight: Sunday Sep 6, 2026 begins at 01:00 -03.
    expect(startOfLocalDay({ year: 2026, month: 9, day: 6 }, 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
    expect(weekLabel({ year: 2026, month: 12, day: 7 })).toBe('Dec 7 – 13');
  });
});

/** The app the page tests share, with a mentor free at every hour. */
let t: TestApp;
let mentor: { id: string; email: string };
beforeAll(async () => {
  t = await buildTestApp();
  mentor = await createOpenMentor(t);
});
afterAll(async () => { await t.close(); });

describe('a visitor’s profile and directory pages', () => {

  const legends = (body: string) => [...body.matchAll(/<legend>([^<]+)<\/legend>/g)].map((m) => m[1]!);
  const starts = (body: string) => [...body.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => new Date(m[1]!));

  it('shows times in the zone of the tz cookie, named, with no need to choose', async () => {
    const page = await t.agent().get(`/mentors/${mentor.id}`, { cookie: 'tz=America%2FNew_York' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/Times are shown in <strong>America\/New_York \(GMT-[45]\)<\/strong>, your browser’s time zone\./);
    expect(page.body).not.toContain('data-zone-detect');
    // The picker shows the zone chosen.
    expect(page.body).toContain('<option value="America/New_York" selected>');
    // The day groups are New York's days: a slot at 03:00 UTC is under the day before.
    const first = starts(page.body)[0]!;
    const ny = localParts(first, 'America/New_York');
    expect(legends(page.body)[0]).toContain(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' }).format(first));
    expect(page.body).toContain(`<span>${String(ny.hour).padStart(2, '0')}:${String(ny.minute).padStart(2, '0')}</span>`);

    const directory = await t.agent().get('/mentors', { cookie: 'tz=America%2FNew_York' });
    expect(directory.body).toMatch(/Times are shown in <strong>America\/New_York/);
    expect(directory.body).toMatch(/Next free: <strong>[A-Z][a-z]{2} \d+, \d{4}, \d\d:\d\d E[SD]T<\/strong>/);
  });

  it('lets the picker (?tz=) win over the cookie, and carries it in its links', async () => {
    const page = await t.agent().get(`/mentors/${mentor.id}?tz=Asia%2FTokyo`, { cookie: 'tz=America%2FNew_York' });
    expect(page.body).toMatch(/Times are shown in <strong>Asia\/Tokyo \(GMT\+9\)<\/strong>\./);
    expect(page.body).toMatch(/href="\/mentors\/[^"]+\?length=30&amp;week=1&amp;tz=Asia%2FTokyo#book">Later &#8594;/);
  });

  it('keeps UTC and the picker for a visitor without the cookie (no JavaScript), marked for app.js to redraw', async () => {
    const page = await t.agent().get(`/mentors/${mentor.id}`);
    expect(page.body).toContain('Times are shown in <strong>UTC');
    expect(page.body).toContain('data-zone-detect="UTC"');
    expect(page.body).toContain('<select id="tz" name="tz"');
    const bogus = await t.agent().get('/mentors', { cookie: 'tz=%3Cscript%3E' });
    expect(bogus.body).toContain('Times are shown in <strong>UTC');
    expect(bogus.body).not.toContain('<script>');
    // The directory's picker works without JavaScript: a GET form inside <details>.
    expect(bogus.body).toMatch(/<details class="zone-change"><summary>Change time zone<\/summary><form method="get" action="\/mentors"/);
  });

  it('uses the account’s zone for a logged-in user, whatever the cookie says', async () => {
    const mentee = await t.loginAs('mentee', { timezone: 'Europe/Berlin' });
    const page = await mentee.get(`/mentors/${mentor.id}`, { cookie: `${[...mentee.cookies].map(([k, v]) => `${k}=${v}`).join('; ')}; tz=America%2FNew_York` });
    expect(page.body).toMatch(/Times are shown in <strong>Europe\/Berlin \(GMT\+1\)<\/strong>, your account’s time zone\. <a href="\/account">Change<\/a>/);
    expect(page.body).not.toContain('name="tz"');
  });

  it('reads the clock from Accept-Language for visitors', async () => {
    const us = await t.agent().get(`/mentors/${mentor.id}`, { 'accept-language': 'en-US,en;q=0.9', cookie: 'tz=UTC' });
    expect(us.body).toMatch(/<span>\d{1,2}:\d\d [AP]M<\/span>/);
    const gb = await t.agent().get(`/mentors/${mentor.id}`, { 'accept-language': 'en-GB,en;q=0.9', cookie: 'tz=UTC' });
    expect(gb.body).not.toMatch(/[AP]M<\/span>/);
    expect(gb.body).toMatch(/<span>\d\d:\d\d<\/span>/);
  });

  it('pages by calendar weeks of the viewer’s zone: no day on two pages, each later page from Monday', async () => {
    for (const zone of ['America/New_York', 'Asia/Tokyo']) {
      const cookie = `tz=${encodeURIComponent(zone)}`;
      const pages = await Promise.all([0, 1, 2].map((week) => t.agent().get(`/mentors/${mentor.id}?week=${week}`, { cookie })));
      const days = pages.map((p) => legends(p.body));
      // The mentor is open all day, every day: later pages hold exactly Monday to Sunday.
      for (const d of days.slice(1)) {
        expect(d).toHaveLength(7);
        expect(d[0]).toMatch(/^Mon,/);
        expect(d[6]).toMatch(/^Sun,/);
      }
      const all = days.flat();
      expect(new Set(all).size).toBe(all.length);
      expect(pages[1]!.body).toMatch(/<strong>[A-Z][a-z]{2} \d+ – ([A-Z][a-z]{2} )?\d+<\/strong><span class="sr-only">, week 2 of \d<\/span>/);
    }
  });
});

describe('the clock setting on the Account page', () => {

  it('defaults to the language’s clock, is saved, and then wins over the language everywhere', async () => {
    const mentee = await t.loginAs('mentee');
    const us = { 'accept-language': 'en-US' };
    const account = await mentee.get('/account', us);
    expect(account.body).toMatch(/<label for="f-clock">Clock<\/label>/);
    expect(account.body).toContain('<option value="12h" selected>12-hour (2:30 PM)</option>');
    expect((await mentee.get(`/mentors/${mentor.id}`, us)).body).toMatch(/[AP]M<\/span>/);

    const saved = await mentee.submit('/account', { name: 'Clock Person', timezone: 'UTC', clock: '24h' }, '/account');
    expect(saved.statusCode).toBe(303);
    const [row] = await t.database.db.select({ clock: users.clock }).from(users).where(eq(users.id, mentee.user.id));
    expect(row!.clock).toBe('24h');
    const profile = await mentee.get(`/mentors/${mentor.id}`, us);
    expect(profile.body).not.toMatch(/[AP]M<\/span>/);
    expect((await mentee.get('/account', us)).body).toContain('<option value="24h" selected>24-hour (14:30)</option>');
  });

  it('refuses an unknown clock and changes nothing; a form without the field leaves it', async () => {
    const mentee = await t.loginAs('mentee');
    const bad = await mentee.submit('/account', { name: 'N', timezone: 'UTC', clock: '13h' }, '/account');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Choose 12-hour or 24-hour');
    await mentee.submit('/account', { name: 'N', timezone: 'UTC', clock: '12h' }, '/account');
    await mentee.submit('/account', { name: 'M', timezone: 'UTC' }, '/account');
    const [row] = await t.database.db.select({ clock: users.clock, name: users.name }).from(users).where(eq(users.id, mentee.user.id));
    expect(row).toEqual({ clock: '12h', name: 'M' });
  });
});

describe('emails on the recipient’s clock', () => {
  const scenario = useMailScenario();

  it('"Session Confirmed" says Time: on the 12-hour clock to whoever chose it, 24-hour to the other, zone named', async () => {
    const { mentor, mentee, sessionId, start } = await scenario.pendingSession(72, { mentor: { timezone: 'America/New_York' }, mentee: { timezone: 'Europe/Berlin' } });
    await scenario.t.database.db.update(users).set({ clock: '12h' }).where(eq(users.id, mentor.user.id));
    expect((await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    await scenario.deliver();
    const confirmed = (who: Person) => mailsTo(scenario.smtp, who, 'Session Confirmed - CodeMentorHub');
    const ny = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(start);
    const berlin = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(start);
    expect(confirmed(mentor)[0]!.parsed.text).toMatch(new RegExp(`^Time: ${ny} \\(America/New_York, E[SD]T\\)$`, 'm'));
    expect(confirmed(mentee)[0]!.parsed.text).toMatch(new RegExp(`^Time: ${berlin} \\(Europe/Berlin, `, 'm'));
  });

  it('the request, its reminder and the receipt too, not only the emails about a confirmed session', async () => {
    const mentor = await scenario.t.loginAs('mentor', { timezone: 'America/New_York' });
    const mentee = await scenario.t.loginAs('mentee', { timezone: 'America/Chicago' });
    for (const who of [mentor, mentee]) await scenario.t.database.db.update(users).set({ clock: '12h' }).where(eq(users.id, who.user.id));
    const start = onTheHour(96);
    const paidAt = new Date();
    await pendingSession({ db: scenario.t.database.db, mentor, mentee, start, now: paidAt });
    // A day later the mentor has not answered: the reminder says when the request lapses.
    await expireUnansweredRequests({ db: scenario.t.database.db, now: new Date(paidAt.getTime() + 25 * HOUR) });
    await scenario.deliver();
    const twelve = (zone: string, at: Date) => new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(at);
    const ny = twelve('America/New_York', start);
    expect(mailsTo(scenario.smtp, mentor, 'New session request - CodeMentorHub')[0]!.parsed.text).toMatch(new RegExp(`^Time: ${ny} \\(America/New_York, E[SD]T\\)$`, 'm'));
    const reminder = mailsTo(scenario.smtp, mentor, /a session request is waiting/)[0]!.parsed.text;
    expect(reminder).toMatch(new RegExp(`^Time: ${ny} \\(America/New_York, `, 'm'));
    expect(reminder).toContain(`, ${twelve('America/New_York', new Date(paidAt.getTime() + 48 * HOUR))} (America/New_York`);
    expect(mailsTo(scenario.smtp, mentee, /receipt/i)[0]!.parsed.text).toMatch(new RegExp(`^Session time: ${twelve('America/Chicago', start)} \\(America/Chicago, `, 'm'));
  });
});
