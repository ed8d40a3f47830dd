import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../src/db/schema';
import { HISTORY_PAGE, MENTEE_UPCOMING_PAGE, UPCOMING_PAGE } from '../src/sessions/queries';
import { DIRECTORY_PAGE } from '../src/mentors/directory';
import { mentorEarnings } from '../src/dashboards/earnings';
import { buildTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

it('pages a long history by keyset, newest first, each past session once; upcoming ones all on the first page', async () => {
  const mentor = await t.createUser('mentor', { name: 'History Mentor' });
  const mentee = await t.loginAs('mentee');
  const past = Array.from({ length: 45 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i, 10)));
  await t.database.db.insert(sessions).values(past.map((startsAt) => ({
    mentorId: mentor.id, menteeId: mentee.user.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
    priceCents: 6000, currency: 'USD', status: 'completed' as const, paymentProvider: 'test', paidAt: startsAt,
  })));
  const future = new Date(Date.now() + 5 * 86_400_000);
  await t.database.db.insert(sessions).values({
    mentorId: mentor.id, menteeId: mentee.user.id, startsAt: future, endsAt: new Date(future.getTime() + 3_600_000), durationMinutes: 60,
    priceCents: 6000, currency: 'USD', status: 'pending', paymentProvider: 'test', paidAt: new Date(),
  });
  const seen: string[] = [];
  let url = '/dashboard';
  for (let page = 0; page < 5; page++) {
    const res = await mentee.get(url);
    expect(res.statusCode).toBe(200);
    const historyHtml = res.body.slice(res.body.indexOf('id="history"'));
    const dates = [...historyHtml.matchAll(/class="session-when">([^·<]+)/g)].map((m) => m[1]!.trim());
    expect(dates.length).toBeLessThanOrEqual(HISTORY_PAGE);
    if (page === 0) expect(res.body.slice(0, res.body.indexOf('id="history"'))).toContain('Waiting for the mentor to confirm.');
    seen.push(...dates);
    const next = /href="(\/dashboard\?before=[^"#]+)#history">Older sessions/.exec(res.body)?.[1];
    if (!next) break;
    url = next.replace(/&amp;/g, '&');
  }
  expect(seen).toHaveLength(45);
  expect(new Set(seen).size).toBe(45);
  expect(seen[0]).toContain('Feb 14, 2025');
  expect(seen.at(-1)).toContain('Jan 1, 2025');
});

it('pages upcoming sessions too: soonest first, each once', async () => {
  const mentor = await t.createUser('mentor');
  const mentee = await t.loginAs('mentee');
  const base = Date.now() + 2 * 86_400_000;
  await t.database.db.insert(sessions).values(Array.from({ length: MENTEE_UPCOMING_PAGE + 5 }, (_, i) => {
    const startsAt = new Date(base + i * 2 * 3_600_000);
    return {
      mentorId: mentor.id, menteeId: mentee.user.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
      priceCents: 6000, currency: 'USD', status: 'pending' as const, paymentProvider: 'test', paidAt: new Date(),
    };
  }));
  const first = await mentee.get('/dashboard');
  const count = (body: string) => body.slice(body.indexOf('id="upcoming"'), body.indexOf('id="history"')).match(/class="session-when"/g)?.length ?? 0;
  expect(count(first.body)).toBe(MENTEE_UPCOMING_PAGE);
  const next = /href="(\/dashboard\?after=[^"#]+)#upcoming">Later sessions/.exec(first.body)![1]!;
  const second = await mentee.get(next.replace(/&amp;/g, '&'));
  expect(count(second.body)).toBe(5);
  expect(second.body).not.toContain('Later sessions');
});

it('shows a mentor a longer upcoming page than a mentee: requests share it with confirmed sessions', async () => {
  const mentor = await t.loginAs('mentor');
  const mentee = await t.createUser('mentee');
  const base = Date.now() + 2 * 86_400_000;
  await t.database.db.insert(sessions).values(Array.from({ length: UPCOMING_PAGE }, (_, i) => {
    const startsAt = new Date(base + i * 2 * 3_600_000);
    return {
      mentorId: mentor.user.id, menteeId: mentee.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
      priceCents: 6000, currency: 'USD', status: i === UPCOMING_PAGE - 1 ? 'pending' as const : 'confirmed' as const, paymentProvider: 'test', paidAt: new Date(),
    };
  }));
  const page = await mentor.get('/mentor/dashboard');
  expect(page.body.match(/class="session-when"/g)).toHaveLength(UPCOMING_PAGE);
  expect(page.body).toContain('>Accept session</button>');
  expect(page.body).not.toContain('Later sessions');
});

it('lists every waiting request on a mentor\'s first page, even behind more confirmed sessions than a page holds', async () => {
  const mentor = await t.loginAs('mentor');
  const mentee = await t.createUser('mentee');
  const base = Date.now() + 2 * 86_400_000;
  // A page of confirmed sessions and more, then two requests after all of them.
  const n = UPCOMING_PAGE + 5;
  await t.database.db.insert(sessions).values(Array.from({ length: n + 2 }, (_, i) => {
    const startsAt = new Date(base + i * 2 * 3_600_000);
    return {
      mentorId: mentor.user.id, menteeId: mentee.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
      priceCents: 6000, currency: 'USD', status: i >= n ? 'pending' as const : 'confirmed' as const, paymentProvider: 'test', paidAt: new Date(),
    };
  }));
  const page = (await mentor.get('/mentor/dashboard')).body;
  const requests = page.slice(page.indexOf('id="requests"'), page.indexOf('id="upcoming"'));
  expect(requests.match(/>Accept session<\/button>/g)).toHaveLength(2);
  expect(page).toContain('Later sessions');
});

it('lists in History, latest first, both finished sessions and live ones whose end has passed', async () => {
  const mentor = await t.createUser('mentor', { name: 'Merge Mentor' });
  const mentee = await t.loginAs('mentee');
  const day = (n: number) => new Date(Date.UTC(2025, 5, n, 10));
  const rows = [[1, 'completed'], [2, 'confirmed'], [3, 'cancelled'], [4, 'pending'], [5, 'completed']] as const;
  await t.database.db.insert(sessions).values(rows.map(([n, status]) => ({
    mentorId: mentor.id, menteeId: mentee.user.id, startsAt: day(n), endsAt: new Date(day(n).getTime() + 3_600_000), durationMinutes: 60,
    priceCents: 6000, currency: 'USD', status, paymentProvider: 'test', paidAt: day(n),
  })));
  const res = await mentee.get('/dashboard');
  const history = res.body.slice(res.body.indexOf('id="history"'));
  expect([...history.matchAll(/class="session-when">([^,]+),/g)].map((m) => m[1])).toEqual(['Jun 5', 'Jun 4', 'Jun 3', 'Jun 2', 'Jun 1']);
});

it('pages the mentor directory, 20 at a time, keeping the search', async () => {
  for (let i = 0; i < DIRECTORY_PAGE + 3; i++) await t.createUser('mentor', { name: `Pager ${String(i).padStart(2, '0')}` });
  const first = await t.agent().get('/mentors?q=pager');
  const names = (body: string) => [...body.matchAll(/>(Pager \d\d)<\/a>/g)].map((m) => m[1]);
  expect(names(first.body)).toHaveLength(DIRECTORY_PAGE);
  const next = /href="(\/mentors\?[^"]*page=1[^"]*)">More mentors/.exec(first.body)![1]!.replace(/&amp;/g, '&');
  expect(next).toContain('q=pager');
  const second = await t.agent().get(next);
  expect(names(second.body)).toEqual(['Pager 20', 'Pager 21', 'Pager 22']);
});

it('sums a mentor\'s earnings: completed this month and all time, and what is booked to come', async () => {
  const mentor = await t.loginAs('mentor');
  const mentee = await t.createUser('mentee');
  const now = new Date();
  const lastYear = new Date(Date.UTC(now.getUTCFullYear() - 1, 5, 1, 10));
  const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1, 0, 30));
  const future = new Date(now.getTime() + 5 * 86_400_000);
  const row = (startsAt: Date, status: 'completed' | 'confirmed' | 'cancelled', priceCents: number) => ({
    mentorId: mentor.user.id, menteeId: mentee.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
    priceCents, currency: 'USD', status, paymentProvider: 'test', paidAt: startsAt,
  });
  await t.database.db.insert(sessions).values([row(lastYear, 'completed', 5000), row(thisMonth, 'completed', 7000), row(future, 'confirmed', 9000), row(new Date(future.getTime() + 7_200_000), 'cancelled', 100_000)]);
  const body = (await mentor.get('/mentor/dashboard')).body;
  const earnings = body.slice(body.indexOf('id="earnings"'));
  expect(earnings).toContain('$70.00</span><span class="stat-label">Completed this month');
  expect(earnings).toContain('$120.00</span><span class="stat-label">All time (2 sessions)');
  expect(earnings).toContain('$90.00</span><span class="stat-label">Booked, to come (1)');

  // The sums are kept between requests (dashboards/earnings.ts), yet a change made behind the app's
  // back shows at once, and so does the turn of the month.
  await t.database.db.update(sessions).set({ status: 'completed' }).where(eq(sessions.priceCents, 9000));
  const after = (await mentor.get('/mentor/dashboard')).body;
  expect(after.slice(after.indexOf('id="earnings"'))).toContain('$210.00</span><span class="stat-label">All time (3 sessions)');
  // (A month on, the login session would have lapsed: the month's turn is asked of the kept sums directly.)
  const kept = { db: t.database.db, mentorId: mentor.user.id, version: null };
  const lastInstant = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - 1);
  expect((await mentorEarnings({ ...kept, now: lastInstant }))[0]?.monthCents).toBe(7000 + (future <= lastInstant ? 9000 : 0));
  expect((await mentorEarnings({ ...kept, now: new Date(lastInstant.getTime() + 1) }))[0]?.monthCents).toBe(0);
});

it("keeps My Sessions' lists between requests, yet shows every change and every turn of the clock at once", async () => {
  // The first page is kept until the data version moves or a card's clock rule flips
  // (src/dashboards/mentee-lists.ts); here the data changes behind the app's back, and the clock moves.
  const mentor = await t.createUser('mentor', { name: 'Kept Mentor' });
  const mentee = await t.loginAs('mentee', { timezone: 'UTC' });
  const start = new Date(t.clock.now().getTime() + 25 * 3_600_000);
  const [row] = await t.database.db.insert(sessions).values({
    mentorId: mentor.id, menteeId: mentee.user.id, startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), durationMinutes: 60,
    priceCents: 6000, currency: 'USD', status: 'confirmed', paymentProvider: 'test', paidAt: new Date(), meetingUrl: 'https://meet.jit.si/kept-room', meetingProvider: 'jitsi',
  }).returning({ id: sessions.id });
  const upcoming = (body: string) => body.slice(body.indexOf('id="upcoming"'), body.indexOf('id="history"'));
  const history = (body: string) => body.slice(body.indexOf('id="history"'));
  let page = (await mentee.get('/dashboard')).body;
  expect(upcoming(page)).toContain('Mentor: Kept Mentor');
  expect(upcoming(page)).toContain('full refund');
  expect(upcoming(page)).toContain('Reschedule');
  expect((await mentee.get('/dashboard')).body).toContain('full refund');

  await t.database.db.update(users).set({ name: 'Kept Renamed' }).where(eq(users.id, mentor.id));
  expect(upcoming((await mentee.get('/dashboard')).body)).toContain('Mentor: Kept Renamed');

  t.clock.advance(2 * 3_600_000); // now 23 hours before the start: no refund, no moving it
  page = (await mentee.get('/dashboard')).body;
  expect(upcoming(page)).toContain('no refund within 24 hours of the start');
  expect(upcoming(page)).not.toContain('Reschedule');

  t.clock.advance(23.5 * 3_600_000); // started: nothing to cancel
  page = (await mentee.get('/dashboard')).body;
  expect(upcoming(page)).toContain('Mentor: Kept Renamed');
  expect(upcoming(page)).not.toContain('Cancel session');

  t.clock.advance(3_600_000); // ended: in History now
  page = (await mentee.get('/dashboard')).body;
  expect(upcoming(page)).not.toContain('Kept Renamed');
  expect(history(page)).toContain('Mentor: Kept Renamed');

  await t.database.db.update(sessions).set({ status: 'completed' }).where(eq(sessions.id, row!.id));
  expect(history((await mentee.get('/dashboard')).body)).toContain('Rate this session');
  t.clock.advance(-27.5 * 3_600_000);
});
