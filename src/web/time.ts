// Building an Intl.DateTimeFormat costs far more than using one (~0.1 ms against ~µs): a page of
// 300 slots built two per slot spent most of its time here. Formatters are kept per zone and style.
const cache = new Map<string, Intl.DateTimeFormat>();

export function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    if (cache.size > 5000) cache.clear();
    cache.set(key, f);
  }
  return f;
}

/** How a viewer reads the time of day: "2:00 PM" or "14:00". */
export type Clock = '12h' | '24h';
export const CLOCKS: readonly Clock[] = ['12h', '24h'];
export const isClock = (v: unknown): v is Clock => v === '12h' || v === '24h';

/** The hour and minute fields for a clock: "2:00 PM" reads better without the leading zero, "09:00" needs it. */
export function clockOptions(clock: Clock): Intl.DateTimeFormatOptions {
  return clock === '12h' ? { hour: 'numeric', minute: '2-digit', hourCycle: 'h12' } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
}

/** "Nov 20, 2025, 14:00 CET" (or "2:00 PM CET" on a 12-hour clock): an instant in the viewer's zone, with the zone named. */
// formatDateTime runs for every row of every list, and ICU formatting is slow: the same instants
// come back on every view of a page, so each formatted string is kept, per zone and clock by the
// instant's number (a string key built per call cost more than the lookup: bench/RESULTS.md).
const formattedDateTimes = new Map<string, Map<number, string>>();
let formattedCount = 0;

export function formatDateTime(date: Date, timeZone: string, clock: Clock = '24h'): string {
  const zoneKey = clock === '24h' ? timeZone : `${timeZone}|${clock}`;
  let byInstant = formattedDateTimes.get(zoneKey);
  if (!byInstant) {
    byInstant = new Map();
    formattedDateTimes.set(zoneKey, byInstant);
  }
  const at = date.getTime();
  let text = byInstant.get(at);
  if (text === undefined) {
    text = formatter(timeZone, { year: 'numeric', month: 'short', day: 'numeric', ...clockOptions(clock), timeZoneName: 'short' }).format(date);
    // Bounded: cleared whole when full, as before.
    if (++formattedCount > 20_000) {
      formattedDateTimes.clear();
      formattedCount = 1;
      byInstant = new Map<number, string>();
      formattedDateTimes.set(zoneKey, byInstant);
    }
    byInstant.set(at, text);
  }
  return text;
}

/** "14:00" or "2:00 PM": the time of day alone, in the zone. */
export function formatTime(date: Date, timeZone: string, clock: Clock = '24h'): string {
  return formatter(timeZone, clockOptions(clock)).format(date);
}

// null: a tag ICU does not know, remembered too so it is not resolved again on every request.
const localeClocks = new Map<string, Clock | null>();

/** One language tag's clock, or null when the runtime does not know the language. */
function resolveClock(tag: string): Clock | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    const resolved = new Intl.DateTimeFormat(canonical, { hour: 'numeric' }).resolvedOptions();
    // A language ICU does not know resolves to the runtime's default locale: not the reader's.
    if (resolved.locale.split('-')[0] !== canonical!.split('-')[0]) return null;
    const cycle = resolved.hourCycle;
    return cycle === 'h11' || cycle === 'h12' ? '12h' : '24h';
  } catch {
    return null;
  }
}

/**
 * The clock the reader's language uses, from an Accept-Language header: the first tag the runtime
 * knows decides (en-US 12-hour, en-GB and de 24-hour), as ICU's locale data says rather than a list
 * of ours. No header, or nothing usable in it: 24-hour.
 */
export function clockOfLanguage(acceptLanguage: string | undefined): Clock {
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 8)) {
    const tag = part.split(';')[0]!.trim();
    if (!tag || tag === '*' || tag.length > 35) continue;
    let clock = localeClocks.get(tag);
    if (clock === undefined) {
      clock = resolveClock(tag);
      if (localeClocks.size > 500) localeClocks.clear();
      localeClocks.set(tag, clock);
    }
    if (clock) return clock;
  }
  return '24h';
}
