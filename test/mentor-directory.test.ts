import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, mentorTimeOff, reviews, sessions } from '../src/db/schema';
import { buildTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('the directory\'s rate filter', () => {
  it('takes a ceiling beyond any stored rate (past the database integer) as no ceiling, not an error', async () => {
    await t.createUser('mentor', { name: 'Ada Ceiling' });
    for (const max of ['2147483622', '9999999999', '1e300']) {
      const res = await t.agent().get(`/mentors?max=${max}`);
      expect(res.statusCode, max).toBe(200);
      expect(res.body, max).toContain('Ada Ceiling');
    }
    // Longer than any amount a person would type: refused with a reason, like any over-long parameter.
    expect((await t.agent().get('/mentors?max=99999999999999')).statusCode).toBe(400);
    // A real ceiling still filters: the test mentor's rate is 60.00.
    expect((await t.agent().get('/mentors?max=59')).body).not.toContain('Ada Ceiling');
    expect((await t.agent().get('/mentors?max=60')).body).toContain('Ada Ceiling');
  });
});

describe('the directory\'s skill tags, sorting and free-slot filter', () => {
  /** Mentors sharing one skill no other test uses, so each case sees only its own. */
  async function mentorsWithSkill(skill: string) {
    const make = async (name: string, rateCents: number, opts: { open?: boolean; ratings?: number[] } = {}) => {
      const m = await t.createUser('mentor', { name });
      await t.database.db.update(mentorProfiles).set({ skills: [skill, 'Shared'], hourlyRateCents: rateCents, minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, m.id));
      if (opts.open) await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: m.id })));
      for (const rating of opts.ratings ?? []) {
        const mentee = await t.createUser('mentee');
        const startsAt = new Date(Date.now() - 10 * 86_400_000 - Math.random() * 86_400_000);
        const [s] = await t.database.db.insert(sessions).values({
          mentorId: m.id, menteeId: mentee.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
          priceCents: rateCents, currency: 'USD', status: 'completed', paymentProvider: 'test',
        }).returning({ id: sessions.id });
        await t.database.db.insert(reviews).values({ sessionId: s!.id, mentorId: m.id, menteeId: mentee.id, rating });
      }
      return m;
    };
    // Cleo: cheapest, no ratings, no availability. Bo: best rated, free now. Ada: rated lower, free only after 3 days off.
    const cleo = await make('Cleo Cheap', 3000);
    const bo = await make('Bo Best', 9000, { open: true, ratings: [5, 5] });
    const ada = await make('Ada Away', 6000, { open: true, ratings: [3] });
    const today = new Date().toISOString().slice(0, 10);
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await t.database.db.insert(mentorTimeOff).values({ mentorId: ada.id, startDate: today, endDate: inTwoDays });
    return { cleo, bo, ada };
  }
  const order = (body: string, names: string[]) => names.map((n) => body.indexOf(n)).filter((i) => i >= 0);
  const isSorted = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! < x);

  it('links each skill tag to the directory filtered by that skill, matched whole and in any case', async () => {
    await mentorsWithSkill('Elixir');
    await mentorsWithSkill('Elixir Advanced');
    const page = await t.agent().get('/mentors?q=Elixir');
    expect(page.body).toContain('<a href="/mentors?skill=Elixir">Elixir</a>');
    expect(page.body).toContain('<a href="/mentors?skill=Elixir+Advanced">Elixir Advanced</a>');
    const filtered = await t.agent().get('/mentors?skill=elixir');
    expect(filtered.statusCode).toBe(200);
    expect(filtered.body.match(/class="card mentor-card"/g)).toHaveLength(3);
    expect(filtered.body).toContain('Mentors with the skill <strong>elixir</strong>');
    expect(filtered.body).toContain('aria-current="true">Elixir</a>');
    // The search form keeps the skill, so sorting or filtering further stays within it.
    expect(filtered.body).toContain('<input type="hidden" name="skill" value="elixir"/>');
  });

  it('sorts by rating, price and soonest free slot, and filters by a free slot this week', async () => {
    await mentorsWithSkill('Crystal');
    const names = ['Ada Away', 'Bo Best', 'Cleo Cheap'];
    const get = async (query: string) => (await t.agent().get(`/mentors?skill=Crystal&${query}`)).body;

    expect(isSorted(order(await get(''), names))).toBe(true);
    expect(isSorted(order(await get('sort=rating'), ['Bo Best', 'Ada Away', 'Cleo Cheap']))).toBe(true);
    expect(isSorted(order(await get('sort=price'), ['Cleo Cheap', 'Ada Away', 'Bo Best']))).toBe(true);
    const soonest = await get('sort=soonest');
    expect(order(soonest, ['Bo Best', 'Ada Away', 'Cleo Cheap'])).toHaveLength(3);
    expect(isSorted(order(soonest, ['Bo Best', 'Ada Away', 'Cleo Cheap']))).toBe(true);
    expect(soonest).toContain('<option value="soonest" selected');

    const free = await get('free=week');
    expect(free).toContain('Bo Best');
    expect(free).toContain('Ada Away');
    expect(free).not.toContain('Cleo Cheap');
    expect(free).toMatch(/name="free" value="week" checked/);
    // An unknown sort is the default order, not an error.
    expect(isSorted(order(await get('sort=bogus'), names))).toBe(true);
  });

  it('keeps the filters in the paging links', async () => {
    for (let i = 0; i < 21; i++) {
      const m = await t.createUser('mentor', { name: `Pager ${String(i).padStart(2, '0')}` });
      await t.database.db.update(mentorProfiles).set({ skills: ['Pascal'], minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, m.id));
      await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: m.id })));
    }
    const first = await t.agent().get('/mentors?skill=Pascal&sort=soonest&free=week');
    expect(first.body).toContain('href="/mentors?skill=Pascal&amp;sort=soonest&amp;free=week&amp;page=1"');
    const second = await t.agent().get('/mentors?skill=Pascal&sort=soonest&free=week&page=1');
    expect(second.body.match(/class="card mentor-card"/g)).toHaveLength(1);
    expect(second.body).toContain('href="/mentors?skill=Pascal&amp;sort=soonest&amp;free=week"');
  });
});

describe('the next free slot on each card', () => {
  it('keeps clear of booked sessions and their buffer, the same on the opening page, a search and the soonest sort', async () => {
    const m = await t.createUser('mentor', { name: 'Aaaa Nia Next' });
    await t.database.db.update(mentorProfiles).set({ skills: ['Fortran'], minNoticeMinutes: 0, bufferMinutes: 30, sessionLengths: [30] }).where(eq(mentorProfiles.userId, m.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: m.id })));
    // The next two and a half hours from the next half hour are booked; then the buffer.
    const half = 30 * 60_000;
    const first = Math.ceil((t.clock.now().getTime() + 1) / half) * half;
    const mentee = await t.createUser('mentee');
    await t.database.db.insert(sessions).values({
      mentorId: m.id, menteeId: mentee.id, startsAt: new Date(first), endsAt: new Date(first + 5 * half), durationMinutes: 150,
      priceCents: 15000, currency: 'USD', status: 'confirmed', paymentProvider: 'test',
    });
    const expected = new Date(first + 6 * half).toISOString().slice(11, 16);
    const nextFree = (body: string) => /Aaaa Nia Next[\s\S]*?Next free: <strong>([^<]+)<\/strong>/.exec(body)?.[1];
    const opening = nextFree((await t.agent().get('/mentors')).body);
    expect(opening).toContain(expected);
    expect(nextFree((await t.agent().get('/mentors?q=Nia+Next')).body)).toBe(opening);
    expect(nextFree((await t.agent().get('/mentors?skill=Fortran&sort=soonest')).body)).toBe(opening);

    // A session that ended ten minutes ago still keeps its buffer (an hour) free after it.
    const past = await t.createUser('mentor', { name: 'Aaaa Nia Past' });
    await t.database.db.update(mentorProfiles).set({ skills: ['Fortran'], minNoticeMinutes: 0, bufferMinutes: 60, sessionLengths: [30] }).where(eq(mentorProfiles.userId, past.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: past.id })));
    const ended = t.clock.now().getTime() - 10 * 60_000;
    await t.database.db.insert(sessions).values({
      mentorId: past.id, menteeId: mentee.id, startsAt: new Date(ended - half), endsAt: new Date(ended), durationMinutes: 30,
      priceCents: 3000, currency: 'USD', status: 'confirmed', paymentProvider: 'test',
    });
    const afterBuffer = new Date(Math.ceil((ended + 2 * half) / half) * half).toISOString().slice(11, 16);
    const nextFreePast = (body: string) => /Aaaa Nia Past[\s\S]*?Next free: <strong>([^<]+)<\/strong>/.exec(body)?.[1];
    const openingPast = nextFreePast((await t.agent().get('/mentors')).body);
    expect(openingPast).toContain(afterBuffer);
    expect(nextFreePast((await t.agent().get('/mentors?skill=Fortran&sort=soonest')).body)).toBe(openingPast);
  });
});

describe('the directory as it opens', () => {
  it('pages through every mentor once, by name, 20 a page, with ratings and next free slots', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `Zed Pager ${String(i).padStart(2, '0')}`);
    for (const name of names) await t.createUser('mentor', { name });
    const seen: string[] = [];
    let url: string | undefined = '/mentors';
    for (let guard = 0; url && guard < 20; guard++) {
      const res = await t.agent().get(url);
      expect(res.statusCode).toBe(200);
      seen.push(...[...res.body.matchAll(/Zed Pager \d\d/g)].map((m) => m[0]));
      url = /href="([^"]+)">More mentors/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    }
    expect([...new Set(seen)]).toEqual(names);
    // By price, the same statement shape in another order: the cheapest first.
    const cheap = await t.createUser('mentor', { name: 'Aaa Cheapest' });
    await t.database.db.update(mentorProfiles).set({ hourlyRateCents: 100 }).where(eq(mentorProfiles.userId, cheap.id));
    const byPrice = (await t.agent().get('/mentors?sort=price')).body;
    expect(/<h2 class="h3"><a href="\/mentors\/[^"]+">([^<]+)<\/a>/.exec(byPrice)?.[1]).toBe('Aaa Cheapest');
  });
});
