import { formatMoney } from '../../web/money';
import { clockOptions, formatter, type Clock } from '../../web/time';

/** Session times as emails show them: in the recipient's zone, with the zone named, on their clock (24-hour unless they chose 12). */
export function emailDateTime(iso: string, timeZone: string, clock: Clock = '24h') {
  const d = new Date(iso);
  const date = formatter(timeZone, { month: 'short', day: 'numeric', year: 'numeric' }).format(d);
  const time = formatter(timeZone, clockOptions(clock)).format(d);
  const abbr = formatter(timeZone, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  return { date, time: `${time} (${timeZone}${abbr && abbr !== timeZone ? `, ${abbr}` : ''})` };
}

export function money(cents: number, currency: string): string {
  return formatMoney(cents, currency);
}

export const SIGN_OFF = ['Best regards,', 'CodeMentorHub Team'];

/** The end of every plain-text email: the sign-off, then the footer saying why it was sent. */
export function closing(footer: string): string[] {
  return [...SIGN_OFF, '', '--', footer];
}
