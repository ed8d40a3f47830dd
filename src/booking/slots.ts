import { and, eq, gt, inArray, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { ACTIVE_STATUSES, availabilityWindows, mentorProfiles, sessions, users } from '../db/schema';
import { addDays, localDateOf, localParts, localToUtc, offsetMinutes, weekdayOf, type LocalDate } from './timezones';

/** Slots start on the half hour of the mentor's clock. */
export const SLOT_STEP_MINUTES = 30;

export interface MentorSchedule {
  mentorId: string;
  name: string;
  timezone: string;
  hourlyRateCents: number;
  currency: string;
  sessionLengths: number[];
  minNoticeMinutes: number;
  horizonDays: number;
  windows: { weekday: number; startMinute: number; endMinute: number }[];
}

export async function loadMentorSchedule(db: Db, mentorId: string): Promise<MentorSchedule | null> {
  return (await loadMentorSchedules(db, [mentorId])).get(mentorId) ?? null;
}

/** Several mentors' schedules in two queries (the directory shows 20 at a time). */
export async function loadMentorSchedules(db: Db, mentorIds: string[]): Promise<Map<string, MentorSchedule>> {
  if (mentorIds.length === 0) return new Map();
  const [rows, windows] = await Promise.all([
    db
      .select({
        mentorId: users.id, name: users.name, timezone: users.timezone,
        hourlyRateCents: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency,
        sessionLengths: mentorProfiles.sessionLengths, minNoticeMinutes: mentorProfiles.minNoticeMinutes, horizonDays: mentorProfiles.horizonDays,
      })
      .from(mentorProfiles)
      .innerJoin(users, eq(users.id, mentorProfiles.userId))
      .where(and(inArray(mentorProfiles.userId, mentorIds), eq(users.role, 'mentor'), isNull(users.deactivatedAt))),
    db
      .select({ mentorId: availabilityWindows.mentorId, weekday: availabilityWindows.weekday, startMinute: availabilityWindows.startMinute, endMinute: availabilityWindows.endMinute })
      .from(availabilityWindows)
      .where(inArray(availabilityWindows.mentorId, mentorIds)),
  ]);
  return new Map(rows.map((row) => [row.mentorId, {
    ...row,
    sessionLengths: [...row.sessionLengths].sort((a, b) => a - b),
    windows: windows.filter((w) => w.mentorId === row.mentorId).map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute })),
  }]));
}

/**
 * Every start the mentor's weekly availability offers for a session of `durationMinutes`, between
 * the minimum notice and the booking horizon, ignoring existing bookings. Local times that a DST
 * change skips are never offered.
 */
export function candidateStarts(schedule: MentorSchedule, durationMinutes: number, now: Date, range?: { from: Date; to: Date }): Date[] {
  // Only the asked range (a page shows one week): the work is per day shown, not per day of the horizon.
  const earliest = Math.max(now.getTime() + schedule.minNoticeMinutes * 60_000, range?.from.getTime() ?? -Infinity);
  const latest = Math.min(now.getTime() + schedule.horizonDays * 86_400_000, (range?.to.getTime() ?? Infinity) - 1);
  if (latest < earliest) return [];
  const first: LocalDate = localDateOf(new Date(earliest), schedule.timezone);
  const days = Math.ceil((latest - earliest) / 86_400_000) + 1;
  const out: Date[] = [];
  for (let d = 0; d <= days; d++) {
    const date = addDays(first, d);
    const weekday = weekdayOf(date);
    const windows = schedule.windows.filter((w) => w.weekday === weekday);
    if (windows.length === 0) continue;
    // Most days have one offset from a day before to a day after: convert with it directly. Only days
    // near a DST change take the slow, exact path.
    const midnight = Date.UTC(date.year, date.month - 1, date.day);
    const before = offsetMinutes(new Date(midnight - 86_400_000), schedule.timezone);
    const steady = before === offsetMinutes(new Date(midnight + 2 * 86_400_000), schedule.timezone);
    for (const w of windows) {
      for (let m = w.startMinute; m + durationMinutes <= w.endMinute; m += SLOT_STEP_MINUTES) {
        const start = steady ? new Date(midnight + (m - before) * 60_000) : localToUtc(date, m, schedule.timezone);
        if (!start) continue;
        const t = start.getTime();
        if (t >= earliest && t <= latest) out.push(start);
      }
    }
  }
  out.sort((a, b) => a.getTime() - b.getTime());
  return out.filter((s, i) => i === 0 || s.getTime() !== out[i - 1]!.getTime());
}

/** Whether `start` is one of candidateStarts(): the same rules, checked for one instant. */
export function isOfferedStart(schedule: MentorSchedule, start: Date, durationMinutes: number, now: Date): boolean {
  const t = start.getTime();
  if (t < now.getTime() + schedule.minNoticeMinutes * 60_000 || t > now.getTime() + schedule.horizonDays * 86_400_000) return false;
  const l = localParts(start, schedule.timezone);
  if (l.second !== 0) return false;
  const minute = l.hour * 60 + l.minute;
  const date = { year: l.year, month: l.month, day: l.day };
  const inWindow = schedule.windows.some((w) =>
    w.weekday === l.weekday && minute >= w.startMinute && minute + durationMinutes <= w.endMinute && (minute - w.startMinute) % SLOT_STEP_MINUTES === 0);
  // The first occurrence of a repeated local time is the one offered.
  return inWindow && localToUtc(date, minute, schedule.timezone)?.getTime() === t;
}

/** Free starts: candidates that overlap no slot-holding session of the mentor. */
export async function listFreeSlots(options: { db: Db; schedule: MentorSchedule; durationMinutes: number; now: Date; range?: { from: Date; to: Date } }): Promise<Date[]> {
  const { schedule, durationMinutes, now } = options;
  const candidates = candidateStarts(schedule, durationMinutes, now, options.range);
  if (candidates.length === 0) return [];
  const busy = await busyTimes(options.db, [schedule.mentorId], candidates[0]!, new Date(candidates.at(-1)!.getTime() + durationMinutes * 60_000));
  return withoutBusy(candidates, durationMinutes, busy);
}

/** Slot-holding sessions of these mentors that overlap [from, to): one indexed query for all of them. */
export async function busyTimes(db: Db, mentorIds: string[], from: Date, to: Date) {
  return db
    .select({ mentorId: sessions.mentorId, startsAt: sessions.startsAt, endsAt: sessions.endsAt })
    .from(sessions)
    .where(and(inArray(sessions.mentorId, mentorIds), inArray(sessions.status, [...ACTIVE_STATUSES]), lt(sessions.startsAt, to), gt(sessions.endsAt, from)));
}

export function withoutBusy(candidates: Date[], durationMinutes: number, busy: { startsAt: Date; endsAt: Date }[]): Date[] {
  const len = durationMinutes * 60_000;
  return candidates.filter((s) => busy.every((b) => s.getTime() + len <= b.startsAt.getTime() || s.getTime() >= b.endsAt.getTime()));
}
