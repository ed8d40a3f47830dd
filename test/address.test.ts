import { expect, it } from 'vitest';
import { cleanDisplayName, isValidAddress, parseMailbox } from '../src/mail/address';

it('cleans display names: CR/LF, bidi controls and zero-width marks go, length is bounded', () => {
  expect(cleanDisplayName('Eve\r\nBcc: x@evil.test')).toBe('Eve Bcc: x@evil.test');
  expect(cleanDisplayName('Ali\u202Ece\u2066X\u2069\u200B')).toBe('Ali ce X');
  expect([...cleanDisplayName('é'.repeat(300))]).toHaveLength(100);
  expect(cleanDisplayName('   spaced    out   ')).toBe('spaced out');
});

it('accepts exactly one address, never a list or a header', () => {
  expect(isValidAddress('a@x.test')).toBe(true);
  expect(isValidAddress('no-reply@localhost')).toBe(true);
  for (const bad of ['a@x.test, b@y.test', 'a@x.test\nBcc: v@x.test', 'Name <a@x.test>', '"a"@x.test', 'a@x..test', '.a@x.test', 'a@-x.test', '']) {
    expect(isValidAddress(bad), bad).toBe(false);
  }
  expect(parseMailbox('CodeMentorHub <no-reply@localhost>')).toEqual({ name: 'CodeMentorHub', address: 'no-reply@localhost' });
  expect(parseMailbox('a@x.test, b@y.test')).toBeNull();
});
