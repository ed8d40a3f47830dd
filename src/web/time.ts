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

const DATE_TIME: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };

/** "Nov 20, 2025, 14:00 CET": an instant in the viewer's zone, with the zone named. */
export function formatDateTime(date: Date, timeZone: string): string {
  return formatter(timeZone, DATE_TIME).format(date);
}
