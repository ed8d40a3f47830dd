import { cleanText } from '../web/input';

/** A recipient or sender, always passed to the transport as this object, never as a raw string:
 *  nodemailer parses a raw string as a list, so "a@x, b@y" or "a@x\nBcc: v@y" would add recipients. */
export interface Mailbox {
  name: string;
  address: string;
}

// One address: a dot-atom local part and a host name (a bare host such as `localhost` is allowed, as
// MAIL_FROM's default needs it). No quoting, comments, spaces or list separators can pass.
const ADDRESS = /^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function isValidAddress(value: string): boolean {
  return value.length <= 254 && ADDRESS.test(value) && !value.startsWith('.') && !value.includes('..');
}

/** Control characters never belong in a display name (bidi overrides and zero-width marks go in cleanText). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A display name fit for a header or a page: one line, no bidi tricks, bounded length. */
export function cleanDisplayName(value: string, max = 100): string {
  const one = cleanText(value.replace(CONTROL, ' '));
  return [...one].slice(0, max).join('').trim();
}

/** Parses `Name <address>` or a bare address; null if it is not exactly one valid mailbox. */
export function parseMailbox(value: string): Mailbox | null {
  const m = /^\s*(?:"?([^"<]*?)"?\s*<([^<>]+)>|([^<>\s]+))\s*$/.exec(value);
  if (!m) return null;
  const address = (m[2] ?? m[3] ?? '').trim();
  if (!isValidAddress(address)) return null;
  return { name: cleanDisplayName(m[1] ?? ''), address };
}

/** Builds a mailbox from untrusted parts; throws if the address is not one valid address. */
export function toMailbox(name: string, address: string): Mailbox {
  if (!isValidAddress(address)) throw new Error(`not a single valid email address: ${JSON.stringify(address)}`);
  return { name: cleanDisplayName(name), address };
}
