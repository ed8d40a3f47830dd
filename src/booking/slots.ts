import { and, eq, gt, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { ACTIVE_STATUSES, availabilityWindows, mentorProfiles, mentorTimeOff, sessions, users } from '../db/schema';
import { addDays, localDateOf, localParts, localToUtc, rememberedOffset, weekdayOf, type LocalDate } from './timezones';
import { literalList, oncePerDatabase } from '../db/prepared';

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
  /** Kept free before and after each slot-holding session of the mentor. */
  bufferMinutes: number;
  windows: { weekday: number; startMinute: number; endMinute: number }[];
  /** Days off, "YYYY-MM-DD" in the mentor's zone, both ends included; only those not over yet. */
  timeOff: { startDate: string; endDate: string }[];
}

export async function loadMentorSchedule(db: Db, mentorId: string): Promise<MentorSchedule | null> {
  return (await loadMentorSchedules(db, [mentorId])).get(mentorId) ?? null;
}

/**
 * Above this many mentors a query reads every mentor's rows and keeps the asked ones in memory: a long
 * `in (…)` list joined to users is planned badly (2,000 ids took seconds on the embedded database),
 * and at that size the mentors asked for are most of them anyway.
 */
const MANY_MENTORS = 200;
const onlyMentors = (column: Parameters<typeof inArray>[0], ids: string[]) => (ids.length > MANY_MENTORS ? undefined : inArray(column, ids));
function keepAsked<T extends { mentorId: string }>(rows: T[], ids: string[]): T[] {
  if (ids.length <= MANY_MENTORS) return rows;
  const asked = new Set(ids);
  return rows.filter((r) => asked.has(r.mentorId));
}

/** Several mentors' schedules in three queries, whatever their number (the directory may ask for all). */
export async function loadMentorSchedules(db: Db, mentorIds: string[]): Promise<Map<string, MentorSchedule>> {
  if (mentorIds.length === 0) return new Map();
  // Time off that ended more than a day ago (UTC) cannot touch any future slot in any zone.
  const yesterday = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const [rows, windows, timeOff] = await Promise.all([
    db
      .select({
        mentorId: users.id, name: users.name, timezone: users.timezone,
        hourlyRateCents: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency,
        sessionLengths: mentorProfiles.sessionLengths, minNoticeMinutes: mentorProfiles.minNoticeMinutes, horizonDays: mentorProfiles.horizonDays,
        bufferMinutes: mentorProfiles.bufferMinutes,
      })
      .from(mentorProfiles)
      .innerJoin(users, eq(users.id, mentorProfiles.userId))
      .where(and(onlyMentors(mentorProfiles.userId, mentorIds), eq(users.role, 'mentor'), isNull(users.deactivatedAt))),
    db
      .select({ mentorId: availabilityWindows.mentorId, weekday: availabilityWindows.weekday, startMinute: availabilityWindows.startMinute, endMinute: availabilityWindows.endMinute })
      .from(availabilityWindows)
      .where(onlyMentors(availabilityWindows.mentorId, mentorIds)),
    db
      .select({ mentorId: mentorTimeOff.mentorId, startDate: mentorTimeOff.startDate, endDate: mentorTimeOff.endDate })
      .from(mentorTimeOff)
      .where(and(onlyMentors(mentorTimeOff.mentorId, mentorIds), gte(mentorTimeOff.endDate, yesterday))),
  ]).then(([r, w, t]) => [keepAsked(r, mentorIds), keepAsked(w, mentorIds), keepAsked(t, mentorIds)] as const);
  const byMentor = <T extends { mentorId: string }>(list: T[]) => {
    const out = new Map<string, T[]>();
    for (const item of list) out.set(item.mentorId, [...(out.get(item.mentorId) ?? []), item]);
    return out;
  };
  const windowsOf = byMentor(windows);
  const timeOffOf = byMentor(timeOff);
  return new Map(rows.map((row) => [row.mentorId, {
    ...row,
    sessionLengths: [...row.sessionLengths].sort((a, b) => a - b),
    windows: (windowsOf.get(row.mentorId) ?? []).map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute })),
    timeOff: (timeOffOf.get(row.mentorId) ?? []).map(({ startDate, endDate }) => ({ startDate, endDate })),
  }]));
}

/** "2026-03-29" for a local date: compares as a string, like the stored time off. */
export function isoDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Whether the mentor is away on this date of their own calendar. */
export function isDayOff(schedule: Pick<MentorSchedule, 'timeOff'>, date: LocalDate): boolean {
  const day = isoDate(date);
  return schedule.timeOff.some((t) => t.startDate <= day && day <= t.endDate);
}

/**
 * Every start the mentor's weekly availability offers for a session of `durationMinutes`, between
 * the minimum notice and the booking horizon, ignoring existing bookings. Local times that a DST
 * change skips are never offered, and nothing on the mentor's days off.
 */
export function candidateStarts(schedule: MentorSchedule, durationMinutes: number, now: Date, range?: { from: Date; to: Date }): Date[] {
  const out: Date[] = [];
  for (const day of candidateDays(schedule, durationMinutes, now, range)) {
    for (const start of day) if (out.length === 0 || start.getTime() > out.at(-1)!.getTime()) out.push(start);
  }
  return out;
}

/**
 * candidateStarts() a day of the mentor's calendar at a time, each day sorted: a caller that needs
 * only the first free start (the directory, for every mentor) stops after a day or two.
 */
export function* candidateDays(schedule: MentorSchedule, durationMinutes: number, now: Date, range?: { from: Date; to: Date }): Generator<Date[]> {
  // Only the asked range (a page shows one week): the work is per day shown, not per day of the horizon.
  const earliest = Math.max(now.getTime() + schedule.minNoticeMinutes * 60_000, range?.from.getTime() ?? -Infinity);
  const latest = Math.min(now.getTime() + schedule.horizonDays * 86_400_000, (range?.to.getTime() ?? Infinity) - 1);
  if (latest < earliest) return;
  const first: LocalDate = localDateOf(new Date(earliest), schedule.timezone);
  const days = Math.ceil((latest - earliest) / 86_400_000) + 1;
  for (let d = 0; d <= days; d++) {
    const date = addDays(first, d);
    const weekday = weekdayOf(date);
    const windows = schedule.windows.filter((w) => w.weekday === weekday);
    if (windows.length === 0 || isDayOff(schedule, date)) continue;
    // Most days have one offset from a day before to a day after: convert with it directly. Only days
    // near a DST change take the slow, exact path.
    const midnight = Date.UTC(date.year, date.month - 1, date.day);
    if (midnight - 2 * 86_400_000 > latest) return;
    const before = rememberedOffset(midnight - 86_400_000, schedule.timezone);
    const steady = before === rememberedOffset(midnight + 2 * 86_400_000, schedule.timezone);
    const out: Date[] = [];
    for (const w of windows) {
      for (let m = w.startMinute; m + durationMinutes <= w.endMinute; m += SLOT_STEP_MINUTES) {
        const start = steady ? new Date(midnight + (m - before) * 60_000) : localToUtc(date, m, schedule.timezone);
        if (!start) continue;
        const t = start.getTime();
        if (t >= earliest && t <= latest) out.push(start);
      }
    }
    out.sort((a, b) => a.getTime() - b.getTime());
    if (out.length) yield out.filter((s, i) => i === 0 || s.getTime() !== out[i - 1]!.getTime());
  }
}

/** Whether `start` is one of candidateStarts(): the same rules, checked for one instant. */
export function isOfferedStart(schedule: MentorSchedule, start: Date, durationMinutes: number, now: Date): boolean {
  const t = start.getTime();
  if (t < now.getTime() + schedule.minNoticeMinutes * 60_000 || t > now.getTime() + schedule.horizonDays * 86_400_000) return false;
  const l = localParts(start, schedule.timezone);
  if (l.second !== 0) return false;
  const minute = l.hour * 60 + l.minute;
  const date = { year: l.year, month: l.month, day: l.day };
  if (isDayOff(schedule, date)) return false;
  const inWindow = schedule.windows.some((w) =>
    w.weekday === l.weekday && minute >= w.startMinute && minute + durationMinutes <= w.endMinute && (minute - w.startMinute) % SLOT_STEP_MINUTES === 0);
  // The first occurrence of a repeated local time is the one offered.
  return inWindow && localToUtc(date, minute, schedule.timezone)?.getTime() === t;
}

/** The longest session (booking and the command line take at most 480 minutes). */
export const LONGEST_SESSION_MS = 480 * 60_000;

/**
 * Free starts: candidates that overlap no slot-holding session of the mentor. `known` holds the
 * mentor's sessions already read for a window (busyColumn's rule: overlapping [from, to) widened by
 * the mentor's buffer); when the candidates' sessions lie inside it, no query is made.
 */
export async function listFreeSlots(options: {
  db: Db; schedule: MentorSchedule; durationMinutes: number; now: Date; range?: { from: Date; to: Date };
  known?: { from: Date; to: Date; busy: BusyTime[] };
}): Promise<Date[]> {
  const { schedule, durationMinutes, now, known } = options;
  const candidates = candidateStarts(schedule, durationMinutes, now, options.range);
  if (candidates.length === 0) return [];
  const first = candidates[0]!.getTime();
  const last = candidates.at(-1)!.getTime() + durationMinutes * 60_000;
  const pad = schedule.bufferMinutes * 60_000;
  const busy = known && known.from.getTime() <= first && last <= known.to.getTime()
    ? known.busy
    : await busyTimes(options.db, [schedule.mentorId], new Date(first - pad), new Date(last + pad));
  return withoutBusy(candidates, durationMinutes, busy, schedule.bufferMinutes);
}

/**
 * The time a slot-holding session takes, in epoch milliseconds. A page reads hundreds of them (the
 * directory: every listed mentor's day), and as numbers from PostgreSQL they cost no Date to parse.
 */
export interface BusyTime { startsAt: number; endsAt: number }
export const busyTimeColumns = {
  startsAt: sql<number>`(extract(epoch from ${sessions.startsAt}) * 1000)::float8`,
  endsAt: sql<number>`(extract(epoch from ${sessions.endsAt}) * 1000)::float8`,
};

/** Slot-holding sessions of these mentors that overlap [from, to): one indexed query for all of them. */
export async function busyTimes(db: Db, mentorIds: string[], from: Date, to: Date): Promise<(BusyTime & { mentorId: string })[]> {
  // No session lasts longer than LONGEST_SESSION_MS, let alone a day: a lower bound on the start lets
  // an index on starts_at read only the range, not every past session.
  const after = new Date(from.getTime() - 86_400_000);
  if (mentorIds.length <= MANY_MENTORS) return busyStatement(db).execute({ ids: mentorIds, from, to, after });
  const rows = await db
    .select({ mentorId: sessions.mentorId, ...busyTimeColumns })
    .from(sessions)
    .where(and(inArray(sessions.status, [...ACTIVE_STATUSES]), lt(sessions.startsAt, to), gt(sessions.endsAt, from), gt(sessions.startsAt, after)));
  return keepAsked(rows, mentorIds);
}

/**
 * The busy times of up to MANY_MENTORS mentors (the directory's page, one profile) as a prepared
 * statement: the ids go as one array, the statuses are written out so a generic plan still reads the
 * partial index of live sessions, and PostgreSQL plans it once per connection, not on every page.
 */
function buildBusyStatement(db: Db) {
  return db
    .select({ mentorId: sessions.mentorId, ...busyTimeColumns })
    .from(sessions)
    .where(and(
      sql`${sessions.mentorId} = any(${sql.placeholder('ids')}::uuid[])`, sql`${sessions.status} in ${LIVE_STATUSES}`,
      sql`${sessions.startsAt} < ${sql.placeholder('to')}`, sql`${sessions.endsAt} > ${sql.placeholder('from')}`,
      sql`${sessions.startsAt} > ${sql.placeholder('after')}`,
    ))
    .prepare('busy_times');
}
/** The slot-holding statuses written into a statement (literalList says why). */
export const LIVE_STATUSES = literalList(ACTIVE_STATUSES);
const busyStatement = oncePerDatabase(buildBusyStatement);

/**
 * The candidates that keep clear of every busy time by `bufferMinutes`: a slot may neither start nor
 * end within the buffer of another session (back to back is allowed only with no buffer).
 */
export function withoutBusy(candidates: Date[], durationMinutes: number, busy: BusyTime[], bufferMinutes = 0): Date[] {
  const len = durationMinutes * 60_000;
  const pad = bufferMinutes * 60_000;
  return candidates.filter((s) => busy.every((b) => s.getTime() + len + pad <= b.startsAt || s.getTime() >= b.endsAt + pad));
}

/**
 * The first free start of each mentor between `now` and `until`, or none: the directory's "soonest
 * free slot" and "has a free slot this week". `busy` holds the mentors' slot-holding sessions from
 * `now` minus the longest buffer to `until` plus a day. Each mentor's days are walked in order and the
 * walk stops at the first free start, so most mentors cost a day or two of work, not the whole range.
 */
export function firstFreeStarts(options: {
  schedules: Iterable<MentorSchedule>; busy: (BusyTime & { mentorId: string })[]; now: Date; until: Date;
  /** Where to start looking (default: now). */
  from?: Date;
}): Map<string, Date> {
  const busyOf = new Map<string, BusyTime[]>();
  for (const b of options.busy) busyOf.set(b.mentorId, [...(busyOf.get(b.mentorId) ?? []), b]);
  const out = new Map<string, Date>();
  for (const schedule of options.schedules) {
    const length = schedule.sessionLengths[0];
    if (!length) continue;
    for (const day of candidateDays(schedule, length, options.now, { from: options.from ?? options.now, to: options.until })) {
      const free = withoutBusy(day, length, busyOf.get(schedule.mentorId) ?? [], schedule.bufferMinutes)[0];
      if (free) { out.set(schedule.mentorId, free); break; }
    }
  }
  return out;
}

/**
 * Another slot-holding session of the mentor within `bufferMinutes` of [startsAt, endsAt), if any: the
 * booking's own check, run under the mentor's lock (the exclusion constraints only forbid overlaps).
 */
export async function sessionWithinBuffer(tx: Tx, options: { mentorId: string; startsAt: Date; endsAt: Date; bufferMinutes: number; exceptSessionId?: string }) {
  if (options.bufferMinutes <= 0) return null;
  const pad = options.bufferMinutes * 60_000;
  const [row] = await tx
    .select({ id: sessions.id, startsAt: sessions.startsAt })
    .from(sessions)
    .where(and(
      eq(sessions.mentorId, options.mentorId), inArray(sessions.status, [...ACTIVE_STATUSES]),
      lt(sessions.startsAt, new Date(options.endsAt.getTime() + pad)), gt(sessions.endsAt, new Date(options.startsAt.getTime() - pad)),
      ...(options.exceptSessionId ? [ne(sessions.id, options.exceptSessionId)] : []),
    ))
    .limit(1);
  return row ?? null;
}
