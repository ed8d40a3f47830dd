import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * Refuses guessable passwords with zxcvbn (common and breached-list passwords, dictionary words,
 * keyboard walks, repeats, dates) and says why in plain words.
 *
 * The dictionaries are loaded on the first check and kept: loading the packages (~0.15 s) and ranking
 * the dictionaries (~0.2 s) make the first check take 0.4–1 s on our machines, once per process; each
 * check after that takes 5–40 ms (longer, patterned passwords cost more: see MAX_CHECKED), small
 * beside the scrypt hash that follows. Loading lazily keeps that cost off start-up and off the
 * processes that never choose a password (the worker).
 */

/** zxcvbn's 0–4: 3 is "safely unguessable" for an online attack on a slow hash, which is ours. */
export const MIN_SCORE = 3;
/**
 * Bounds on the matcher's work, which runs on the event loop: with zxcvbn's defaults (256 characters,
 * 100 l33t substitutions) a patterned password such as "p@ssw0rd" × 25 took 2–3 s to check; with these
 * the worst we found takes 0.2–0.5 s, and a typical password 5–40 ms (more on a busy machine). Only
 * the first 64 characters are checked: a password that long passes unless its start alone is weak.
 */
const MAX_CHECKED = 64;
const MAX_L33T_SUBSTITUTIONS = 10;

let factory: ZxcvbnFactory | undefined;

function checker(): ZxcvbnFactory {
  if (factory) return factory;
  const require = createRequire(import.meta.url);
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  factory = new Factory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: MAX_CHECKED,
    l33tMaxSubstitutions: MAX_L33T_SUBSTITUTIONS,
  });
  return factory;
}

/** Who the password is for: their name and email address are the first things an attacker tries. */
export interface PasswordOwner {
  name?: string;
  email?: string;
}

/** The words of a name and an address ("Alice Smith", "alice.smith@example.com" → alice, smith, example). */
function ownerWords(owner: PasswordOwner): string[] {
  const text = `${owner.name ?? ''} ${owner.email ?? ''}`.toLowerCase();
  const words = text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 3);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

function explain(feedback: { warning: string | null; suggestions: string[] }, fallback: string): string {
  return [feedback.warning ?? fallback, ...feedback.suggestions].join(' ');
}

/**
 * Why a password of the right length is still refused, or null when it is good enough.
 * zxcvbn alone lets "alice-smith-2026" through for Alice Smith (a first name, a bit of brute force, a
 * year), so the password is also checked with the owner's words taken out: what is left must be
 * strong on its own, because an attacker who targets this account knows the name and the address.
 */
export function passwordWeakness(password: string, owner: PasswordOwner = {}): string | null {
  if (password.trim() === '') return 'A password of only spaces is too easy to guess. Use words, numbers or symbols.';
  const zxcvbn = checker();
  const words = ownerWords(owner);
  const result = zxcvbn.check(password, words);
  if (result.score < MIN_SCORE) return explain(result.feedback, 'This password is too easy to guess.');
  let rest = password.toLowerCase();
  for (const word of words) rest = rest.split(word).join(' ');
  if (rest !== password.toLowerCase() && zxcvbn.check(rest, words).score < MIN_SCORE) {
    return 'This password is mostly your name or email address, which are easy to guess. Add more words that are less common.';
  }
  return null;
}
