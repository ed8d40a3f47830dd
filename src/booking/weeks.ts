import { addDays, localDateOf, localToUtc, weekdayOf, type LocalDate } from './timezones';

/** One page of a slot list: a calendar week, Monday to Sunday, of the viewer's zone. */
export interface CalendarWeek {
  /** 0 is the week holding `now`. */
  index: number;
  /** How many weeks the booking horizon reaches into (at least 1). */
  count: number;
  /** The first instant of Monday and of the next Monday, in the zone: a day is never split between pages. */
  from: Date;
  to: Date;
  /** "Dec 7 – 13", "Nov 30 – Dec 6", "Dec 28, 2026 – Jan 3, 2027". */
  label: string;
}

const DAY_MS = 86_400_000;
const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
const mondayOf = (d: LocalDate) => addDays(d, -((weekdayOf(d) + 6) % 7));

/**
 * The first instant of a local day. Usually midnight; where a DST change skips midnight (Santiago,
 * Havana) the day starts when the clocks jump, which the first existing quarter hour finds.
 */
export function startOfLocalDay(date: LocalDate, zone: string): Date {
  for (let minute = 0; minute <= 180; minute += 15) {
    const at = localToUtc(date, minute, zone);
    if (at) return at;
  }
  return new Date(dayNumber(date) * DAY_MS);
}

const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });
const monthOf = (d: LocalDate) => MONTH.format(Date.UTC(d.year, d.month - 1, d.day));

/** "Dec 7 – 13": the month once when the week stays in it, the years only when it crosses into another. */
export function weekLabel(monday: LocalDate): string {
  const sunday = addDays(monday, 6);
  if (monday.year !== sunday.year) return `${monthOf(monday)} ${monday.day}, ${monday.year} – ${monthOf(sunday)} ${sunday.day}, ${sunday.year}`;
  if (monday.month !== sunday.month) return `${monthOf(monday)} ${monday.day} – ${monthOf(sunday)} ${sunday.day}`;
  return `${monthOf(monday)} ${monday.day} – ${sunday.day}`;
}

/** The `week`-th calendar week from now (clamped to the ones the horizon reaches), in `zone`. */
export function calendarWeek(options: { now: Date; zone: string; horizonDays: number; week: number }): CalendarWeek {
  const first = mondayOf(localDateOf(options.now, options.zone));
  const last = mondayOf(localDateOf(new Date(options.now.getTime() + options.horizonDays * DAY_MS), options.zone));
  const count = Math.max(1, (dayNumber(last) - dayNumber(first)) / 7 + 1);
  const index = Math.min(Math.max(0, Math.trunc(options.week) || 0), count - 1);
  const monday = addDays(first, index * 7);
  return {
    index, count,
    from: startOfLocalDay(monday, options.zone),
    to: startOfLocalDay(addDays(monday, 7), options.zone),
    label: weekLabel(monday),
  };
}

/** Which calendar week from now (0 = this one) holds `at`, in `zone`: the page a chosen slot is on. */
export function weekIndexOf(options: { now: Date; zone: string; at: Date }): number {
  const first = mondayOf(localDateOf(options.now, options.zone));
  return Math.max(0, (dayNumber(mondayOf(localDateOf(options.at, options.zone))) - dayNumber(first)) / 7);
}
