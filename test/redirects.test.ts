import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownPagePath } from '../src/web/redirect';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './helpers/app';

const APP = 'https://mentors.example.org';

const offsite = [
  '/\t/evil.test', '/\n/evil.test', '/\r\n/evil.test', '\t//evil.test', '/\\evil.test', '\\\\evil.test', '\\/evil.test',
  '//evil.test', '///evil.test', '/.//evil.test', 'https://evil.test/x', 'http://evil.test', 'ftp:evil.test',
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'https://mentors.example.org.evil.test/',
  'https://user@evil.test', 'https://mentors.example.org@evil.test/', 'http://mentors.example.org/dashboard',
  'https://mentors.example.org//evil.test',
];

describe('ownPagePath', () => {
  it.each(offsite)('refuses %j', (next) => {
    expect(ownPagePath(next, APP)).toBeUndefined();
  });

  it.each([
    ['/dashboard', '/dashboard'],
    ['/admin/sessions?status=pending&q=ann#list', '/admin/sessions?status=pending&q=ann#list'],
    ['/mentors/0b3c?week=1', '/mentors/0b3c?week=1'],
    ['/%2F%2Fevil.test', '/%2F%2Fevil.test'],
    ['%2F%2Fevil.test', '/%2F%2Fevil.test'],
    ['/%5Cevil.test', '/%5Cevil.test'],
    ['https://mentors.example.org/admin/mail', '/admin/mail'],
    // The browser reads a scheme-relative "https:x" against our https page as our own path /x.
    ['https:evil.test', '/evil.test'],
    ['https:/evil.test', '/evil.test'],
  ])('keeps %j on our site as %j', (next, path) => {
    expect(ownPagePath(next, APP)).toBe(path);
  });

  it('refuses nothing-like values', () => {
    for (const v of [undefined, '', ['/a'], 42]) expect(ownPagePath(v, APP)).toBeUndefined();
  });
});

describe('log-in ?next=', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t.close(); });

  const ours = (location: string) => {
    // What a browser does with it: resolve against the page, after dropping tabs and newlines.
    const url = new URL(location, t.config.appUrl);
    return url.origin === new URL(t.config.appUrl).origin && !/[\t\n\r\\]/.test(location) && !location.startsWith('//');
  };

  it.each([...offsite, 'http:evil.test', 'https:evil.test'])('never sends the browser off-site for %j', async (next) => {
    const admin = await t.createUser('admin');
    const page = await t.agent().get(`/login?next=${encodeURIComponent(next)}`);
    // A tab or line break in a query string is refused outright (see input.test.ts).
    expect(page.statusCode).toBe(/[\t\n\r]/.test(next) ? 400 : 200);
    const kept = /name="next" value="([^"]*)"/.exec(page.body)?.[1];
    if (kept !== undefined) expect(ours(kept.replace(/&amp;/g, '&'))).toBe(true);
    const res = await t.agent().submit('/login', { email: admin.email, password: TEST_PASSWORD, next });
    expect(res.statusCode).toBe(303);
    expect(ours(String(res.headers.location)), String(res.headers.location)).toBe(true);
  });

  it('sends the browser back to the page it came from', async () => {
    const admin = await t.createUser('admin');
    const res = await t.agent().submit('/login', { email: admin.email, password: TEST_PASSWORD, next: '/admin/sessions?status=pending' });
    expect(res.headers.location).toBe('/admin/sessions?status=pending');
  });
});
