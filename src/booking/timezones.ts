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

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const l = localParts(instant, timeZone);
  return { year: l.year, month: l.month, day: l.day };
}
