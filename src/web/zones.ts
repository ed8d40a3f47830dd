import { isTimeZone } from '../config';

/** All IANA zones the runtime knows, for zone pickers. */
export const TIME_ZONES: string[] = Intl.supportedValuesOf('timeZone').includes('UTC')
  ? Intl.supportedValuesOf('timeZone')
  : ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** The zone to show times in: the account's, else the one the browser sent (?tz=), else UTC. */
export function viewerTimeZone(accountZone: string | undefined, requested: unknown): { zone: string; fromAccount: boolean } {
  if (accountZone) return { zone: accountZone, fromAccount: true };
  const tz = typeof requested === 'string' ? requested : '';
  return { zone: tz && isTimeZone(tz) ? tz : 'UTC', fromAccount: false };
}

/** "Asia/Kathmandu (GMT+5:45)" */
export function describeZone(zone: string, at = new Date()): string {
  const offset = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}
