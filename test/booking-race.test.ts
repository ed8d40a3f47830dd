import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, sessions } from '../src/db/schema';
import { buildTestApp, type TestApp } from './helpers/app';
import { onPostgres } from './helpers/db';

// PGlite runs one transaction at a time, so a race there proves nothing: these run on PostgreSQL.
describe.runIf(onPostgres)('concurrent bookings (PostgreSQL)', () => {
  let t: TestApp;
  let mentorId: string;
  let mentees: Awaited<ReturnType<TestApp['loginAs']>>[];
  const base = new Date(Date.now() + 3 * 86_400_000);
  base.setUTCHours(10, 0, 0, 0);
  const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000).toISOString();

  beforeAll(async () => {
    t = await buildTestApp({ logger: (await import('pino')).default({ level: 'error' }) });
    const mentor = await t.createUser('mentor');
    mentorId = mentor.id;
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [30, 60, 90] }).where(eq(mentorProfiles.userId, mentorId));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId, weekday, startMinute: 9 * 60, endMinute: 18 * 60 })));
    mentees = [];
    for (let i = 0; i < 50; i++) mentees.push(await t.loginAs('mentee'));
    // Each browser has loaded the profile page (CSRF token in hand) before the race starts.
    for (const m of mentees) (m as unknown as { token: string }).token = await m.csrfToken(`/mentors/${mentorId}`);
  }, 120_000);
  afterAll(async () => { await t.close(); });

  const race = (requests: { who: number; startsAt: string; length: number }[]) =>
    Promise.all(requests.map(({ who, startsAt, length }) => {
      const m = mentees[who]!;
      return m.post(`/mentors/${mentorId}/book`, { _csrf: (m as unknown as { token: string }).token, startsAt, durationMinutes: String(length) });
    }));

  it('50 bookings of one slot: exactly one session, 49 clear "taken" answers, no 5xx', async () => {
    const results = await race(mentees.map((_, who) => ({ who, startsAt: at(0), length: 60 })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c >= 500)).toEqual([]);
    expect(codes.filter((c) => c === 303)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.statusCode === 409)) expect(r.body).toContain('that slot was just taken');
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentorId));
    expect(rows).toHaveLength(1);
  });

  it('50 bookings of overlapping slots: one winner among all that overlap', async () => {
    // 30, 60 and 90 minutes starting at 13:00, 13:30, 14:00: every pair overlaps 14:00-14:30 or more.
    const shapes = [{ start: 180, length: 90 }, { start: 210, length: 60 }, { start: 240, length: 30 }, { start: 180, length: 60 }, { start: 210, length: 30 }];
    const results = await race(mentees.map((_, who) => ({ who, startsAt: at(shapes[who % shapes.length]!.start), length: shapes[who % shapes.length]!.length })));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c >= 500)).toEqual([]);
    const winners = codes.filter((c) => c === 303).length;
    const rows = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentorId));
    const inWindow = rows.filter((r) => r.startsAt.getTime() >= base.getTime() + 180 * 60_000);
    expect(inWindow).toHaveLength(winners);
    // Overlap everywhere except 13:00-14:00 + 14:00-14:30 style back-to-back pairs; verify no two overlap.
    for (const a of inWindow) for (const b of inWindow) {
      if (a.id !== b.id) expect(a.endsAt <= b.startsAt || b.endsAt <= a.startsAt).toBe(true);
    }
    expect(winners).toBeGreaterThanOrEqual(1);
    expect(winners).toBeLessThanOrEqual(2);
  });

  it('one mentee racing for many unpaid holds: one per mentor, three in all', async () => {
    // More mentors with the same hours; a mentee's holds must not overlap each other, so one hour apart.
    const others: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await t.createUser('mentor');
      await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [60] }).where(eq(mentorProfiles.userId, m.id));
      await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: m.id, weekday, startMinute: 9 * 60, endMinute: 18 * 60 })));
      others.push(m.id);
    }
    const day = 24 * 60;
    // New mentees: the earlier races left some of the others holding a slot with this mentor.
    const fresh = async () => { const m = await t.loginAs('mentee'); return Object.assign(m, { token: await m.csrfToken(`/mentors/${mentorId}`) }); };
    const one = await fresh();
    const token = one.token;
    const post = (mentor: string, minutes: number) => one.post(`/mentors/${mentor}/book`, { _csrf: token, startsAt: at(minutes), durationMinutes: '60' });
    // Eight different free slots of one mentor at once.
    const same = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((h) => post(mentorId, day + h * 60)));
    expect(same.map((r) => r.statusCode).sort()).toEqual([303, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of same.filter((x) => x.statusCode === 409)) expect(r.body).toContain('You already have an unpaid booking with');
    // Then five other mentors at once, at other hours of another day: two more holds, not five.
    const two = await fresh();
    const twoToken = two.token;
    const spread = await Promise.all(others.map((m, i) => two.post(`/mentors/${m}/book`, { _csrf: twoToken, startsAt: at(2 * day + i * 60), durationMinutes: '60' })));
    expect(spread.map((r) => r.statusCode).sort()).toEqual([303, 303, 303, 409, 409]);
    for (const r of spread.filter((x) => x.statusCode === 409)) expect(r.body).toContain('You already have 3 unpaid bookings.');
    const held = async (who: string) => (await t.database.db.select().from(sessions).where(and(eq(sessions.menteeId, who), eq(sessions.status, 'awaiting_payment')))).length;
    expect(await held(one.user.id)).toBe(1);
    expect(await held(two.user.id)).toBe(3);
  });

  it('back-to-back slots both succeed', async () => {
    // Two mentees who hold nothing with this mentor yet (one unpaid hold per mentor each).
    const free: number[] = [];
    for (let who = 0; free.length < 2; who++) {
      const held = await t.database.db.select().from(sessions).where(and(eq(sessions.menteeId, mentees[who]!.user.id), eq(sessions.mentorId, mentorId)));
      if (held.length === 0) free.push(who);
    }
    const results = await race([{ who: free[0]!, startsAt: at(300), length: 60 }, { who: free[1]!, startsAt: at(360), length: 60 }]);
    expect(results.map((r) => r.statusCode), results.map((r) => /role="alert">([^<]*)/.exec(r.body)?.[1]).join(' / ')).toEqual([303, 303]);
    const rows = await t.database.db.select().from(sessions).where(inArray(sessions.menteeId, [mentees[free[0]!]!.user.id, mentees[free[1]!]!.user.id]));
    expect(rows).toHaveLength(2);
  });
});
