import { describe, expect, it } from 'vitest';
import { candidateStarts, firstFreeStarts, isOfferedStart, withoutBusy, type MentorSchedule } from '../src/booking/slots';
import { timeOffInstants } from '../src/mentors/time-off';

/** A London mentor open all day, every day, 30-minute sessions, no notice, no buffer: the rules under test are added per case. */
const mentor = (overrides: Partial<MentorSchedule> = {}): MentorSchedule => ({
  mentorId: 'm', name: 'M', timezone: 'Europe/London', hourlyRateCents: 6000, currency: 'USD',
  sessionLengths: [30], minNoticeMinutes: 0, horizonDays: 14, bufferMinutes: 0, timeOff: [],
  windows: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 })),
  ...overrides,
});
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('time off', () => {
  it('takes the whole local day out on the 23-hour day clocks go forward (London, 29 March 2026)', () => {
    const schedule = mentor({ timeOff: [{ startDate: '2026-03-29', endDate: '2026-03-29' }] });
    const now = new Date('2026-03-27T00:00:00Z');
    const starts = iso(candidateStarts(schedule, 30, now));
    // The day before ends at 23:30 GMT; the day after starts at 00:00 BST, which is 23:00 UTC on the 29th.
    expect(starts).toContain('2026-03-28T23:30:00.000Z');
    expect(starts).not.toContain('2026-03-29T00:00:00.000Z');
    expect(starts).not.toContain('2026-03-29T22:30:00.000Z');
    expect(starts).toContain('2026-03-29T23:00:00.000Z');
    const idx = starts.indexOf('2026-03-28T23:30:00.000Z');
    expect(starts[idx + 1]).toBe('2026-03-29T23:00:00.000Z');
    // The booking check agrees, at both edges and in the middle.
    expect(isOfferedStart(schedule, new Date('2026-03-29T10:00:00Z'), 30, now)).toBe(false);
    expect(isOfferedStart(schedule, new Date('2026-03-29T22:30:00Z'), 30, now)).toBe(false);
    expect(isOfferedStart(schedule, new Date('2026-03-29T23:00:00Z'), 30, now)).toBe(true);
    expect(isOfferedStart(schedule, new Date('2026-03-28T23:30:00Z'), 30, now)).toBe(true);
    // The instants it covers: 23 hours.
    const span = timeOffInstants(schedule.timeOff[0]!, 'Europe/London');
    expect(span).toEqual({ from: new Date('2026-03-29T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') });
  });

  it('ends at local midnight on the 25-hour day clocks go back, in the mentor\'s zone, not the server\'s', () => {
    const schedule = mentor({ timeOff: [{ startDate: '2026-10-20', endDate: '2026-10-25' }] });
    const now = new Date('2026-10-19T00:00:00Z');
    const starts = iso(candidateStarts(schedule, 30, now));
    // 19 October is a working day up to 23:30 BST (22:30 UTC).
    expect(starts).toContain('2026-10-19T22:30:00.000Z');
    expect(starts.filter((s) => s > '2026-10-19T22:30:00.000Z' && s < '2026-10-26T00:00:00.000Z')).toEqual([]);
    // 26 October starts at 00:00 GMT.
    expect(starts).toContain('2026-10-26T00:00:00.000Z');
    expect(timeOffInstants(schedule.timeOff[0]!, 'Europe/London')).toEqual({ from: new Date('2026-10-19T23:00:00Z'), to: new Date('2026-10-26T00:00:00Z') });
    // In New York the same dates are other instants: 20 October starts at 04:00 UTC.
    const ny = { ...schedule, timezone: 'America/New_York' };
    const nyStarts = iso(candidateStarts(ny, 30, now));
    expect(nyStarts).toContain('2026-10-20T03:30:00.000Z');
    expect(nyStarts).not.toContain('2026-10-20T04:00:00.000Z');
  });

  it('offers nothing in a range wholly off, and several ranges each count', () => {
    const schedule = mentor({ horizonDays: 7, timeOff: [{ startDate: '2026-06-01', endDate: '2026-06-03' }, { startDate: '2026-06-04', endDate: '2026-06-30' }] });
    expect(candidateStarts(schedule, 30, new Date('2026-06-01T00:00:00Z'))).toEqual([]);
  });
});

describe('the buffer between sessions', () => {
  const busy = [{ startsAt: Date.parse('2026-06-01T10:00:00Z'), endsAt: Date.parse('2026-06-01T11:00:00Z') }];
  const around = ['08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00'].map((t) => new Date(`2026-06-01T${t}:00Z`));

  it('keeps no slot that would start or end within the buffer of another session', () => {
    expect(iso(withoutBusy(around, 30, busy, 15)).map((s) => s.slice(11, 16))).toEqual(['08:30', '09:00', '11:30', '12:00']);
    expect(iso(withoutBusy(around, 30, busy, 30)).map((s) => s.slice(11, 16))).toEqual(['08:30', '09:00', '11:30', '12:00']);
    expect(iso(withoutBusy(around, 60, busy, 30)).map((s) => s.slice(11, 16))).toEqual(['08:30', '11:30', '12:00']);
  });

  it('allows back to back without a buffer', () => {
    expect(iso(withoutBusy(around, 30, busy, 0)).map((s) => s.slice(11, 16))).toEqual(['08:30', '09:00', '09:30', '11:00', '11:30', '12:00']);
  });
});

describe('minimum notice', () => {
  it('offers nothing that starts sooner than the notice', () => {
    const now = new Date('2026-06-01T08:10:00Z');
    for (const hours of [0, 2, 12, 24, 48]) {
      const starts = candidateStarts(mentor({ minNoticeMinutes: hours * 60 }), 30, now);
      const earliest = now.getTime() + hours * 3_600_000;
      expect(starts[0]!.getTime(), `${hours} h`).toBeGreaterThanOrEqual(earliest);
      expect(starts[0]!.getTime() - earliest, `${hours} h`).toBeLessThan(30 * 60_000);
      expect(isOfferedStart(mentor({ minNoticeMinutes: hours * 60 }), new Date(starts[0]!.getTime() - 30 * 60_000), 30, now), `${hours} h`).toBe(false);
    }
  });
});

describe('the first free start of each mentor (the directory)', () => {
  const now = new Date('2026-06-01T08:00:00Z');
  const until = new Date('2026-06-08T08:00:00Z');

  it('skips days off, busy times and their buffer, and stops at none within the range', () => {
    const open = mentor({ mentorId: 'open' });
    const away = mentor({ mentorId: 'away', timeOff: [{ startDate: '2026-06-01', endDate: '2026-06-02' }] });
    const gone = mentor({ mentorId: 'gone', timeOff: [{ startDate: '2026-06-01', endDate: '2026-07-01' }] });
    const buffered = mentor({ mentorId: 'buffered', bufferMinutes: 30 });
    const noticed = mentor({ mentorId: 'noticed', minNoticeMinutes: 48 * 60 });
    const busy = [{ mentorId: 'buffered', startsAt: Date.parse('2026-06-01T08:30:00Z'), endsAt: Date.parse('2026-06-01T09:00:00Z') }];
    const first = firstFreeStarts({ schedules: [open, away, gone, buffered, noticed], busy, now, until });
    expect(first.get('open')?.toISOString()).toBe('2026-06-01T08:00:00.000Z');
    // Midnight in London on 3 June is 23:00 UTC on the 2nd.
    expect(first.get('away')?.toISOString()).toBe('2026-06-02T23:00:00.000Z');
    expect(first.has('gone')).toBe(false);
    expect(first.get('buffered')?.toISOString()).toBe('2026-06-01T09:30:00.000Z');
    expect(first.get('noticed')?.toISOString()).toBe('2026-06-03T08:00:00.000Z');
  });
});
