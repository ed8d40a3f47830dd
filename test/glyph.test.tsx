import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { glyph } from '../src/web/glyph';

describe('glyph', () => {
  it('writes one character above U+00FF as a numeric reference, astral ones by code point', () => {
    expect(render(<p>Later {glyph('→')}</p>)).toBe('<p>Later &#8594;</p>');
    expect(render(<span aria-hidden="true">{glyph('📹')} </span>)).toBe('<span aria-hidden="true">&#128249; </span>');
  });

  it('refuses anything but one character', () => {
    expect(() => glyph('ab')).toThrow(/one character/);
    expect(() => glyph('')).toThrow(/one character/);
  });
});
