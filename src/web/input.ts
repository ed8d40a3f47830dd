import { z } from 'zod';

/**
 * The one string type for text people send us (query strings, form fields, headers we keep).
 * PostgreSQL refuses NUL outright (a 500 if it got that far), and control characters are never part
 * of what a person types: both are refused with a reason. Line breaks and tabs are allowed only in
 * multi-line text (bios, comments, notes). Zero-width and bidi-override characters, which hide or
 * reorder what others read, are dropped (a space in one-line text). Length is counted after cleaning.
 */

// C0 controls except tab, LF, CR; DEL; C1 controls.
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

export const CONTROL_MESSAGE = 'Remove the control characters (such as NUL or a line break) from this text.';
const CONTROL_MESSAGE_MULTILINE = 'Remove the control characters (such as NUL) from this text.';

export interface TextOptions {
  /** Most characters allowed, after cleaning. */
  max: number;
  /** Fewest characters required, after cleaning (default 0). */
  min?: number;
  /** Keep line breaks and tabs (bios, comments, notes); otherwise they are refused. */
  multiline?: boolean;
  /** Messages for the length limits. */
  tooLong?: string;
  tooShort?: string;
  /** Message when the value is not a string at all (a repeated field). */
  notText?: string;
  /** Leave spaces as typed (passwords); otherwise trimmed and, in one-line text, runs collapsed. */
  raw?: boolean;
}

/**
 * The invisible-character rule, for text that does not come through `text()` (or is cut from it).
 * One-line text: invisible characters and runs of whitespace become one space, trimmed.
 * Multi-line: invisible characters dropped, \r\n counted once, blank runs shortened.
 */
export function cleanText(value: string, options: { multiline?: boolean } = {}): string {
  if (!options.multiline) return value.replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
  return value.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}

export function text(options: TextOptions) {
  const control = options.multiline ? CONTROL_MULTILINE : CONTROL_ONE_LINE;
  // A raw cap first, so a huge value is refused before it is scanned and copied.
  const rawMax = options.max * 4 + 1000;
  return z
    .string({ error: options.notText ?? 'Enter this as text.' })
    .max(rawMax, options.tooLong ?? `Use at most ${options.max} characters`)
    .refine((v) => !control.test(v), options.multiline ? CONTROL_MESSAGE_MULTILINE : CONTROL_MESSAGE)
    .transform((v) => (options.raw ? v : cleanText(v, options)))
    .pipe(z.string()
      .min(options.min ?? 0, options.tooShort ?? `Enter at least ${options.min ?? 0} characters`)
      .max(options.max, options.tooLong ?? `Use at most ${options.max} characters`));
}

/** A query-string value or header: one line, and anything else answers 400. */
export const queryText = (max: number) => text({ max, notText: 'Give this parameter once.' });
