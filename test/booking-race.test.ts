import { eq, inArray } from 'drizzle-orm';
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

  it('back-to-back slots both succeed', async () => {
    const results = await race([{ who: 10, startsAt: at(300), length: 60 }, { who: 11, startsAt: at(360), length: 60 }]);
    expect(results.map((r) => r.statusCode), results.map((r) => /role="alert">([^<]*)/.exec(r.body)?.[1]).join(' / ')).toEqual([303, 303]);
    const rows = await t.database.db.select().from(sessions).where(inArray(sessions.menteeId, [mentees[10]!.user.id, mentees[11]!.user.id]));
    expect(rows).toHaveLength(2);
  });
});
