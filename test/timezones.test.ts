import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateStarts, isOfferedStart, type MentorSchedule } from '../src/booking/slots';
import { localDateOf, localParts, localToUtc, offsetMinutes } from '../src/booking/timezones';
import { availabilityWindows, mentorProfiles } from '../src/db/schema';
import { buildTestApp, type TestApp } from './helpers/app';

const london = (windows: MentorSchedule['windows']): MentorSchedule => ({
  mentorId: 'm', name: 'M', timezone: 'Europe/London', hourlyRateCents: 6000, currency: 'USD',
  sessionLengths: [30], minNoticeMinutes: 0, horizonDays: 14, bufferMinutes: 0, windows, timeOff: [],
});

describe('slots across the London DST changes', () => {
  it('never offers the 01:00-02:00 hour that 2026-03-29 skips', () => {
    // Sunday 00:00-04:00 London time.
    const starts = candidateStarts(london([{ weekday: 0, startMinute: 0, endMinute: 240 }]), 30, new Date('2026-03-23T00:00:00Z'));
    const onTheDay = starts.filter((s) => s.toISOString().startsWith('2026-03-29'));
    expect(onTheDay.map((s) => s.toISOString())).toEqual([
      '2026-03-29T00:00:00.000Z', // 00:00 GMT
      '2026-03-29T00:30:00.000Z', // 00:30 GMT
      // 01:00 and 01:30 local do not exist; 02:00 BST is 01:00 UTC.
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T01:30:00.000Z', // 02:30 BST
      '2026-03-29T02:00:00.000Z', // 03:00 BST
      '2026-03-29T02:30:00.000Z', // 03:30 BST
    ]);
    expect(localToUtc({ year: 2026, month: 3, day: 29 }, 90, 'Europe/London')).toBeNull();
  });

  it('offers the repeated hour of 2026-10-25 once, at its first occurrence, and keeps the rest right', () => {
    const starts = candidateStarts(london([{ weekday: 0, startMinute: 0, endMinute: 180 }]), 30, new Date('2026-10-19T00:00:00Z'));
    const onTheDay = starts.filter((s) => s.toISOString() >= '2026-10-24T23:00:00.000Z' && s.toISOString() < '2026-10-25T04:00:00.000Z');
    expect(onTheDay.map((s) => s.toISOString())).toEqual([
      '2026-10-24T23:00:00.000Z', // 00:00 BST
      '2026-10-24T23:30:00.000Z', // 00:30 BST
      '2026-10-25T00:00:00.000Z', // 01:00 BST (first of two)
      '2026-10-25T00:30:00.000Z', // 01:30 BST (first of two)
      '2026-10-25T02:00:00.000Z', // 02:00 GMT
      '2026-10-25T02:30:00.000Z', // 02:30 GMT
    ]);
  });

  it('keeps wall-clock windows across the change: 09:00 London is 08:00 UTC in summer, 09:00 in winter', () => {
    const starts = candidateStarts(london([{ weekday: 1, startMinute: 540, endMinute: 570 }]), 30, new Date('2026-10-19T00:00:00Z'));
    expect(starts.map((s) => s.toISOString()).slice(0, 2)).toEqual(['2026-10-19T08:00:00.000Z', '2026-10-26T09:00:00.000Z']);
  });
});

describe('a mentor in London and a mentee in Kathmandu see the same instant', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t.close(); });

  it('on the profile, the checkout and both dashboards', async () => {
    const mentor = await t.createUser('mentor', { timezone: 'Europe/London' });
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [60] }).where(eq(mentorProfiles.userId, mentor.id));
    // Every day 14:00-15:00 London time.
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 840, endMinute: 900 })));
    const mentee = await t.loginAs('mentee', { timezone: 'Asia/Kathmandu' });
    const page = await mentee.get(`/mentors/${mentor.id}`);
    const iso = /name="startsAt" value="([^"]+)"/.exec(page.body)![1]!;
    const instant = new Date(iso);
    // London 14:00 is 13:00 or 14:00 UTC; Kathmandu is UTC+5:45.
    const kathmandu = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Kathmandu', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
    expect(['19:45', '18:45']).toContain(kathmandu);
    expect(page.body).toContain(`<span>${kathmandu}</span>`);
    expect(page.body).toContain('Asia/Kathmandu (GMT+5:45)');

    const booked = await mentee.submit(`/mentors/${mentor.id}/book`, { startsAt: iso, durationMinutes: '60' }, `/mentors/${mentor.id}`);
    const sessionId = booked.headers.location!.split('/').pop()!;
    await mentee.submit(`/checkout/test/${sessionId}/pay`, { amount_cents: '6000', currency: 'usd' }, `/checkout/test/${sessionId}`);
    const menteeDash = await mentee.get('/dashboard');
    expect(menteeDash.body).toContain(`${kathmandu} GMT+5:45`);

    const mentorAgent = t.agent();
    await mentorAgent.submit('/login', { email: mentor.email, password: 'correct horse battery' });
    const mentorDash = await mentorAgent.get('/mentor/dashboard');
    expect(mentorDash.body).toMatch(/14:00 (GMT|BST|GMT\+1)/);
  });
});

describe('the booking check agrees with the offered list', () => {
  it('accepts exactly the offered starts, across both DST changes and in a +5:45 zone', () => {
    for (const [zone, now] of [['Europe/London', '2026-03-23T00:00:00Z'], ['Europe/London', '2026-10-19T00:00:00Z'], ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], ['America/Los_Angeles', '2026-03-05T00:00:00Z']] as const) {
      const schedule = { ...london([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }))), timezone: zone };
      const at = new Date(now);
      const offered = new Set(candidateStarts(schedule, 30, at).map((d) => d.getTime()));
      expect(offered.size).toBeGreaterThan(600);
      // Every 15 minutes over the horizon: accepted if and only if offered.
      for (let t = at.getTime(); t < at.getTime() + 15 * 86_400_000; t += 15 * 60_000) {
        expect(isOfferedStart(schedule, new Date(t), 30, at), `${zone} ${new Date(t).toISOString()}`).toBe(offered.has(t));
      }
    }
  });
});

describe('the local date of an instant', () => {
  // Zones with DST in either hemisphere, a 30-minute DST (Lord Howe), +5:45, a skipped day (Apia, 2011),
  // a 2-hour DST (Troll) and changes at midnight (Santiago, Havana).
  const zones = ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Apia',
    'Antarctica/Troll', 'America/Santiago', 'America/Havana', 'Pacific/Chatham', 'Asia/Tehran', 'America/St_Johns', 'UTC'];
  const exact = (t: number, zone: string) => {
    const l = localParts(new Date(t), zone);
    return { year: l.year, month: l.month, day: l.day };
  };

  it('is the date Intl gives, at random instants from 1970 to 2060 in zones with every kind of clock change', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.UTC(2060, 0, 1) }), fc.constantFrom(...zones), (t, zone) => {
      expect(localDateOf(new Date(t), zone)).toEqual(exact(t, zone));
    }), { numRuns: 20_000 });
  });

  it('is the date Intl gives in the minutes around every clock change of 2026 and 2027', () => {
    for (const zone of zones) {
      for (let t = Date.UTC(2026, 0, 1); t < Date.UTC(2028, 0, 1); t += 3_600_000) {
        // A change between this hour and the next: check each minute from an hour before to an hour after.
        if (offsetMinutes(new Date(t), zone) === offsetMinutes(new Date(t + 3_600_000), zone)) continue;
        for (let m = -60; m <= 120; m++) expect(localDateOf(new Date(t + m * 60_000), zone), `${zone} ${new Date(t + m * 60_000).toISOString()}`).toEqual(exact(t + m * 60_000, zone));
      }
    }
  });
});
