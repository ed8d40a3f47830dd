/**
 * Wall-clock time in an IANA zone <-> UTC instants, with the DST edge cases decided explicitly:
 * a local time that does not exist (spring forward) has no instant; one that exists twice (fall
 * back) maps to its first occurrence.
 */

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const partsFormatter = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatter.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short',
    });
    partsFormatter.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: Date, timeZone: string) {
  const p: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) p[part.type] = part.value;
  return {
    year: Number(p.year), month: Number(p.month), day: Number(p.day),
    hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second),
    weekday: WEEKDAYS[p.weekday!]!,
  };
}

/** Offset of the zone from UTC at an instant, in minutes (Kathmandu: +345). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const l = localParts(instant, timeZone);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant at which a zone's clocks read `date` + `minuteOfDay`, or null if they never do. */
export function localToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): Date | null {
  const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // Try the offsets in force a day either side; the earlier valid candidate is the first occurrence.
  const candidates = new Set([
    offsetMinutes(new Date(naive - 86_400_000), timeZone),
    offsetMinutes(new Date(naive), timeZone),
    offsetMinutes(new Date(naive + 86_400_000), timeZone),
  ]);
  const valid = [...candidates]
    .map((off) => new Date(naive - off * 60_000))
    .filter((instant) => {
      const l = localParts(instant, timeZone);
      return l.year === date.year && l.month === date.month && l.day === date.day && l.hour * 60 + l.minute === minuteOfDay;
    })
    .sort((a, b) => a.getTime() - b.getTime());
  return valid[0] ?? null;
}

/** The calendar date `days` after `date` (pure calendar arithmetic, no zone). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

const DAY_MS = 86_400_000;

/**
 * A zone's offset at an instant, remembered: callers ask it for the same few UTC midnights of the same
 * few zones over and over (the directory, for every mentor on every page), and each answer costs an
 * Intl call. Zone rules do not change while the process runs; the map is emptied when it grows large.
 */
const offsets = new Map<string, number>();
export function rememberedOffset(instant: number, timeZone: string): number {
  const key = `${timeZone}|${instant}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size > 50_000) offsets.clear();
    offset = offsetMinutes(new Date(instant), timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

/** Whole-minute offsets from 1980 on: before that some zones' offsets had seconds (Monrovia's -0:44:30). */
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1980, 0, 1);

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const t = instant.getTime();
  // Where the zone keeps one offset from a day before the instant's UTC day to a day after, that offset
  // gives the date without asking Intl (the directory calls this for every mentor it lists). The rare
  // day near a clock change, or a date before 1980, takes the exact path.
  const midnight = Math.floor(t / DAY_MS) * DAY_MS;
  if (t >= WHOLE_MINUTE_OFFSETS_FROM) {
    const offset = rememberedOffset(midnight - DAY_MS, timeZone);
    if (offset === rememberedOffset(midnight + 2 * DAY_MS, timeZone)) {
      const local = new Date(t + offset * 60_000);
      return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
    }
  }
  const l = localParts(instant, timeZone);
  return { year: l.year, month: l.month, day: l.day };
}
