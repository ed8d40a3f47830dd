import type { VNode } from 'preact';
import { jsxTemplate } from 'preact/jsx-runtime';

/**
 * A character above U+00FF (an arrow, a check mark, an emoji) written into the page as a numeric
 * character reference: the same character on screen and in the accessibility tree, but the page
 * string stays one byte per character. One wide character makes V8 store the whole page two bytes
 * per character, and a two-byte page past 64 K characters (128 KB) is allocated in its large-object
 * space: encoding the busiest Mentor Dashboard took ~1.2 ms instead of ~0.25 ms (bench/RESULTS.md,
 * "Two-byte pages"). So the busy pages' decoration uses this; text people write stays as written.
 */
export function glyph(char: string): VNode {
  const code = char.codePointAt(0);
  if (code === undefined || String.fromCodePoint(code) !== char) throw new Error(`glyph takes one character, not ${JSON.stringify(char)}`);
  return jsxTemplate([`&#${code};`]);
}
