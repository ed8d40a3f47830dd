import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from '../src/web/input';
import { buildTestApp, TEST_PASSWORD, type Agent, type TestApp } from './helpers/app';
import { endSessionInPast } from './helpers/sessions';
import { onTheHour, pendingSession } from './helpers/scenario';

/**
 * Text that must never reach the database raw: NUL (PostgreSQL refuses it: a 500 if it got there),
 * other control characters and over-long values, in every query string and form field. Each answers
 * 400 with a reason, and nothing changes.
 */
let t: TestApp;
let guest: Agent;
let mentee: Agent & { user: { id: string; email: string } };
let mentor: Agent & { user: { id: string; email: string } };
let admin: Agent;
let sessionId: string;

beforeAll(async () => {
  // Many refused booking posts from one mentee: the per-account booking throttle is not under test here.
  t = await buildTestApp({ env: { BOOKING_RATE_LIMIT_PER_MINUTE: '100000' } });
  guest = t.agent();
  mentee = await t.loginAs('mentee');
  mentor = await t.loginAs('mentor');
  admin = await t.loginAs('admin');
  sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(72) });
  expect((await admin.submit(`/admin/sessions/${sessionId}/set-status`, { status: 'confirmed' }, '/admin/sessions')).statusCode).toBe(303);
  // Only a session that has taken place can be marked completed.
  await endSessionInPast(t.database.db, sessionId);
  expect((await admin.submit(`/admin/sessions/${sessionId}/set-status`, { status: 'completed' }, '/admin/sessions')).statusCode).toBe(303);
});
afterAll(async () => { await t.close(); });

/** Everything a form could change, as one string: it must be the same after a refused post. */
async function fingerprint(): Promise<string> {
  const { rows } = await t.database.query(`select
    (select count(*) from users)::text || '|' || (select count(*) from audit_log)::text || '|' || (select count(*) from sessions)::text || '|' ||
    (select count(*) from reviews)::text || '|' || (select count(*) from mentor_notes)::text || '|' || (select count(*) from availability_windows)::text || '|' ||
    (select coalesce(string_agg(md5(p::text), ',' order by p.user_id), '') from mentor_profiles p) || '|' ||
    (select coalesce(string_agg(md5(u.name || u.timezone), ',' order by u.id), '') from users u) || '|' ||
    (select coalesce(string_agg(s.status::text, ',' order by s.id), '') from sessions s) as f`);
  return String(rows[0]!.f);
}

const NUL = 'a\u0000b';
const CONTROLS = ['\u0007', '\u001b[31m', '\u0085', '\u007f', '\u000b'];
const badValues = (max: number): [string, string][] => [
  ['NUL', NUL],
  ...CONTROLS.map((c): [string, string] => [`control U+${c.codePointAt(0)!.toString(16).padStart(4, '0')}`, `x${c}y`]),
  ['over-long', 'x'.repeat(max + 1)],
];

describe('query strings', () => {
  const routes: { path: () => string; who: () => Agent; param: string; max: number }[] = [
    { path: () => '/mentors', who: () => guest, param: 'q', max: 100 },
    { path: () => '/mentors', who: () => guest, param: 'tz', max: 64 },
    { path: () => '/mentors', who: () => guest, param: 'page', max: 6 },
    { path: () => '/mentors', who: () => guest, param: 'max', max: 12 },
    { path: () => `/mentors/${mentor.user.id}`, who: () => guest, param: 'week', max: 4 },
    { path: () => `/mentors/${mentor.user.id}`, who: () => guest, param: 'tz', max: 64 },
    { path: () => '/admin/sessions', who: () => admin, param: 'q', max: 100 },
    { path: () => '/admin/sessions', who: () => admin, param: 'status', max: 30 },
    { path: () => '/admin/sessions', who: () => admin, param: 'from', max: 10 },
    { path: () => '/admin/sessions', who: () => admin, param: 'before', max: 80 },
    { path: () => '/admin/outbox', who: () => admin, param: 'status', max: 20 },
    { path: () => '/dashboard', who: () => mentee, param: 'before', max: 80 },
    { path: () => '/mentor/dashboard', who: () => mentor, param: 'after', max: 80 },
    { path: () => '/login', who: () => guest, param: 'next', max: 2000 },
    { path: () => '/', who: () => guest, param: 'anything', max: 2000 },
  ];
  for (const r of routes) {
    it.each(badValues(r.max))(`GET ${r.param} on %s answers 400 with a reason`, async (_name, value) => {
      const res = await r.who().get(`${r.path()}?${r.param}=${encodeURIComponent(value)}`);
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(res.body).toMatch(/control characters|at most/);
    });
  }

  it('answers the public search with NUL without logging in (the reported case)', async () => {
    expect((await t.agent().get('/mentors?q=%00')).statusCode).toBe(400);
    expect((await admin.get('/admin/sessions?q=%00')).statusCode).toBe(400);
    expect((await t.agent().get('/mentors?q=ann')).statusCode).toBe(200);
    expect((await admin.get('/admin/sessions?q=ann')).statusCode).toBe(200);
  });
});

describe('forms', () => {
  const forms: { name: string; who: () => Agent; url: () => string; page: () => string; valid: () => Record<string, string>; fields: Record<string, number> }[] = [
    { name: 'log in', who: () => t.agent(), url: () => '/login', page: () => '/login', valid: () => ({ email: mentee.user.email, password: TEST_PASSWORD }), fields: { email: 254 } },
    { name: 'forgot password', who: () => t.agent(), url: () => '/forgot-password', page: () => '/forgot-password', valid: () => ({ email: mentee.user.email }), fields: { email: 254 } },
    { name: 'sign up', who: () => t.agent(), url: () => '/signup', page: () => '/signup', valid: () => ({ name: 'New Person', email: `new${Date.now()}@example.com`, password: 'a long enough password', timezone: 'UTC' }), fields: { name: 100, email: 254, password: 200, timezone: 64 } },
    { name: 'account settings', who: () => mentee, url: () => '/account', page: () => '/account', valid: () => ({ name: 'Renamed', timezone: 'Europe/Berlin' }), fields: { name: 100, timezone: 64 } },
    {
      name: 'mentor profile', who: () => mentor, url: () => '/mentor/profile', page: () => '/mentor/profile',
      valid: () => ({ headline: 'New headline', bio: 'Line one\nLine two', skills: 'TypeScript, Go', hourlyRate: '70', currency: 'EUR', sessionLengths: '60', minNoticeHours: '12', horizonDays: '30' }),
      fields: { headline: 120, bio: 2000, skills: 500, hourlyRate: 20, currency: 10, sessionLengths: 10, minNoticeHours: 20, horizonDays: 20 },
    },
    { name: 'availability', who: () => mentor, url: () => '/mentor/availability', page: () => '/mentor/availability', valid: () => ({ 'monday-1-start': '09:00', 'monday-1-end': '10:00' }), fields: { 'monday-1-start': 10, 'monday-1-end': 10 } },
    { name: 'booking', who: () => mentee, url: () => `/mentors/${mentor.user.id}/book`, page: () => `/mentors/${mentor.user.id}`, valid: () => ({ startsAt: new Date(Date.now() + 200 * 3_600_000).toISOString(), durationMinutes: '60' }), fields: { startsAt: 40, durationMinutes: 10 } },
    { name: 'rating', who: () => mentee, url: () => `/sessions/${sessionId}/feedback`, page: () => `/sessions/${sessionId}/feedback`, valid: () => ({ rating: '5', comment: 'Great\nsession' }), fields: { rating: 10, comment: 2000 } },
    { name: 'notes', who: () => mentor, url: () => `/sessions/${sessionId}/notes`, page: () => `/sessions/${sessionId}/notes`, valid: () => ({ note: 'Talked about\ttests' }), fields: { note: 10_000 } },
    { name: 'set status', who: () => admin, url: () => `/admin/sessions/${sessionId}/set-status`, page: () => '/admin/sessions', valid: () => ({ status: 'cancelled' }), fields: { status: 30, reason: 500 } },
  ];

  for (const form of forms) {
    for (const [field, max] of Object.entries(form.fields)) {
      it.each(badValues(max))(`${form.name}: ${field} with %s answers 400, changes nothing`, async (_name, value) => {
        const before = await fingerprint();
        const res = await form.who().submit(form.url(), { ...form.valid(), [field]: value }, form.page());
        expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
        expect(await fingerprint()).toBe(before);
      });
    }
  }

  it('sign-up shows the reason for its hidden time zone field', async () => {
    const res = await t.agent().submit('/signup', { ...forms[1]!.valid(), timezone: 'Europe/Berlin\u0000' }, '/signup');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Time zone: Remove the control characters');
  });

  it('the forms re-render with the reason next to the field', async () => {
    const res = await mentor.submit('/mentor/profile', { ...forms[3]!.valid(), headline: NUL }, '/mentor/profile');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Remove the control characters');
    expect(res.body).toContain('name="headline"');
  });

  it('multi-line fields keep line breaks and tabs; one-line fields refuse them', async () => {
    expect(text({ max: 50, multiline: true }).parse('a\r\n\tb')).toBe('a\n\tb');
    expect(text({ max: 50 }).safeParse('a\nb').success).toBe(false);
    // Zero-width and bidi-override characters are dropped, as before.
    expect(text({ max: 50 }).parse('Ali\u202Ece\u200B')).toBe('Ali ce');
    expect(text({ max: 50, multiline: true }).parse('Ali\u202Ece\u200B')).toBe('Alice');
  });
});
