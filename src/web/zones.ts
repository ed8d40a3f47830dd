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

/** The cookie app.js sets once to the browser's zone, so a visitor's first page after it is in their own time. */
export const TZ_COOKIE = 'tz';

/** Where the zone came from: a logged-in user's account, the picker (?tz=), the browser's cookie, or nothing (UTC). */
export type ZoneSource = 'account' | 'query' | 'cookie' | 'default';

const validZone = (v: unknown): string | null => (typeof v === 'string' && v.length <= 64 && v !== '' && isTimeZone(v) ? v : null);

/**
 * The zone to show times in: the account's, else one chosen with the picker (?tz=), else the
 * browser's as remembered in the `tz` cookie, else UTC. Unknown names are ignored, never shown.
 */
export function viewerTimeZone(accountZone: string | undefined, requested: unknown, remembered?: unknown): { zone: string; fromAccount: boolean; source: ZoneSource } {
  if (accountZone) return { zone: accountZone, fromAccount: true, source: 'account' };
  const asked = validZone(requested);
  if (asked) return { zone: asked, fromAccount: false, source: 'query' };
  const cookie = validZone(remembered);
  if (cookie) return { zone: cookie, fromAccount: false, source: 'cookie' };
  return { zone: 'UTC', fromAccount: false, source: 'default' };
}

/** "Asia/Kathmandu (GMT+5:45)" */
export function describeZone(zone: string, at = new Date()): string {
  const offset = formatter(zone, { timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  return offset ? `${zone} (${offset})` : zone;
}
