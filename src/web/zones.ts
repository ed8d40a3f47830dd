import { isTimeZone } from '../config';
import { formatter } from './time';

// Current names that Node 20's ICU lists only under their old spelling (Asia/Katmandu, Asia/Calcutta,
// Europe/Kiev …). Browsers send the current ones, so pickers must offer them.
const CURRENT_NAMES = ['Asia/Kathmandu', 'Asia/Kolkata', 'Europe/Kyiv', 'Asia/Ho_Chi_Minh', 'Asia/Yangon', 'America/Nuuk', 'Pacific/Kanton', 'Atlantic/Faroe', 'Pacific/Chuuk', 'Pacific/Pohnpei'];

/** All IANA zones the runtime knows, plus current spellings, for zone pickers. */
export const TIME_ZONES: string[] = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone'), ...CURRENT_NAMES.filter(isTimeZone)])]
  .sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));

/** The picker's options, with `current` in them even if the runtime spells it differently. */
export function zoneOptions(current: string): string[] {
  return TIME_ZONES.includes(current) ? TIME_ZONES : [current, ...TIME_ZONES];
}

/** The zone to show times in: the account's, else the one the browser sent (?tz=), else UTC. */
export function viewerTimeZone(accountZone: string | undefined, requested: unknown): { zone: string; fromAccount: boolean } {
  if (accountZone) return { zone: accountZone, fromAccount: true };
  const tz = typeof requested === 'string' ? requested : '';
  return { zone: tz && isTimeZone(tz) ? tz : 'UTC', fromAccount: false };
}

/** "Asia/Kathmandu (GMT+5:45)" */
export function describeZone(zone: string, at = new Date()): string {
  const offset = formatter(zone, { timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}
