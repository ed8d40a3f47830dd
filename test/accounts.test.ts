import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher, PRODUCTION_COST } from '../src/accounts/password';
import { ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS } from '../src/accounts/sessions';
import { THROTTLE } from '../src/accounts/throttle';
import { authSessions, emailOutbox, users } from '../src/db/schema';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('sign-up', () => {
  it('creates a mentee, logs them in and queues exactly one welcome email in the same transaction', async () => {
    const agent = t.agent();
    const res = await agent.submit('/signup', { name: 'Nora New', email: 'Nora@Example.com', password: 'long enough password', timezone: 'Asia/Kathmandu' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const [user] = await t.database.db.select().from(users).where(eq(users.email, 'nora@example.com'));
    expect(user).toMatchObject({ role: 'mentee', name: 'Nora New', timezone: 'Asia/Kathmandu' });
    expect(user!.passwordHash).toMatch(/^scrypt\$/);
    const mail = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'nora@example.com'));
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: 'welcome', status: 'pending', toName: 'Nora New' });
    const dash = await agent.get('/dashboard');
    expect(dash.statusCode).toBe(200);
    expect(dash.body).toContain('My Sessions');
  });

  it('re-renders the form with messages and stores nothing on bad input', async () => {
    const before = await t.database.db.select().from(users);
    const res = await t.agent().submit('/signup', { name: '  ', email: 'a@x.test, b@y.test', password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter your name');
    expect(res.body).toContain('Enter one valid email address');
    expect(res.body).toContain('Use at least 10 characters');
    expect(res.body).toContain('value="a@x.test, b@y.test"');
    expect(await t.database.db.select().from(users)).toHaveLength(before.length);
  });

  it('refuses common, blank and name-based passwords, saying why, and stores nothing', async () => {
    const before = await t.database.db.select().from(users);
    const cases: [string, Record<string, string>, string][] = [
      ['a common password', { name: 'Pat Common', email: 'pat@example.com', password: 'password123' }, 'This is a commonly used password.'],
      ['ten spaces', { name: 'Sam Space', email: 'sam@example.com', password: ' '.repeat(10) }, 'A password of only spaces is too easy to guess.'],
      ['the person\'s own name', { name: 'Alice Smith', email: 'alice.smith@example.com', password: 'alice-smith-2026' }, 'This password is mostly your name or email address'],
    ];
    for (const [label, form, message] of cases) {
      const res = await t.agent().submit('/signup', form);
      expect(res.statusCode, label).toBe(400);
      expect(res.body, label).toContain(message);
      expect(res.body, label).not.toContain('Use at least 10 characters');
    }
    expect(await t.database.db.select().from(users)).toHaveLength(before.length);
    // The same words are fine for someone else: they are refused as the owner's name, not as such.
    const other = await t.agent().submit('/signup', { name: 'Bob Jones', email: 'bob.jones@example.com', password: 'alice-smith-2026' });
    expect(other.statusCode).toBe(303);
  });

  it('refuses a taken email (any case) without a second account or email', async () => {
    await t.createUser('mentee', { email: 'taken@example.com' });
    const res = await t.agent().submit('/signup', { name: 'Dup', email: 'TAKEN@example.com', password: 'long enough password' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('already exists');
    expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'taken@example.com'))).toHaveLength(0);
  });

  it('escapes what users type when it is shown back', async () => {
    const res = await t.agent().submit('/signup', { name: '<script>alert(1)</script>', email: 'bad', password: 'x' });
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script>alert(1)&lt;/script>');
  });
});

describe('log in and log out', () => {
  it('sends each role to its own home', async () => {
    for (const [role, home] of [['mentee', '/dashboard'], ['mentor', '/mentor/dashboard'], ['admin', '/admin']] as const) {
      const user = await t.createUser(role);
      const res = await t.agent().submit('/login', { email: user.email, password: TEST_PASSWORD });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(home);
    }
  });

  it('answers the same for an unknown email and a wrong password', async () => {
    const user = await t.createUser('mentee');
    const unknown = await t.agent().submit('/login', { email: 'nobody@example.com', password: TEST_PASSWORD });
    const wrong = await t.agent().submit('/login', { email: user.email, password: 'not the password' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const message = (body: string) => /<p class="alert" role="alert">([^<]*)</.exec(body)?.[1];
    expect(message(unknown.body)).toBe('Email or password is incorrect.');
    expect(message(wrong.body)).toBe(message(unknown.body));
  });

  it('gives a new session token at every log-in and kills it server-side at log-out', async () => {
    const a = await t.loginAs('mentee');
    const first = a.cookies.get('cmh_session')!;
    const b = t.agent();
    await b.submit('/login', { email: a.user.email, password: TEST_PASSWORD });
    expect(b.cookies.get('cmh_session')).not.toBe(first);

    const out = await a.submit('/logout', {});
    expect(out.statusCode).toBe(303);
    expect(a.cookies.has('cmh_session')).toBe(false);
    // Replaying the old cookie after log-out must not work: the session is gone from the database.
    const replay = await t.app.inject({ method: 'GET', url: '/dashboard', headers: { cookie: `cmh_session=${first}` } });
    expect(replay.statusCode).toBe(302);
    expect(replay.headers.location).toBe('/login?next=%2Fdashboard');
    // The other session of the same user is untouched.
    expect((await b.get('/dashboard')).statusCode).toBe(200);
  });

  it('throttles repeated wrong passwords per account, even when the right one comes next', async () => {
    const user = await t.createUser('mentee');
    for (let i = 0; i < THROTTLE.perAccount; i++) {
      const res = await t.agent().submit('/login', { email: user.email, password: `wrong ${i}` });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await t.agent().submit('/login', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many failed attempts');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // After the window the account can log in again.
    t.clock.advance(THROTTLE.windowMs + 1000);
    const ok = await t.agent().submit('/login', { email: user.email, password: TEST_PASSWORD });
    expect(ok.statusCode).toBe(303);
  });

  it('throttles one client address trying many accounts', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      const agent = t.agent();
      const token = await agent.csrfToken();
      await t.app.inject({
        method: 'POST', url: '/login', remoteAddress: ip,
        payload: new URLSearchParams({ _csrf: token, email: `spray${i}@example.com`, password: 'guess' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
    }
    const user = await t.createUser('mentee');
    const agent = t.agent();
    const token = await agent.csrfToken();
    const res = await t.app.inject({
      method: 'POST', url: '/login', remoteAddress: ip,
      payload: new URLSearchParams({ _csrf: token, email: user.email, password: TEST_PASSWORD }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.statusCode).toBe(429);
  });

  it('limits log-in posts per client address before any password is hashed', async () => {
    const limited = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' }, database: undefined });
    try {
      const agent = limited.agent();
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await agent.submit('/login', { email: 'x@example.com', password: 'whatever' })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await limited.close();
    }
  });

  it('ends sessions idle too long, and every session at its absolute expiry', async () => {
    const idle = await t.loginAs('mentee');
    t.clock.advance(IDLE_TIMEOUT_MS + 60_000);
    expect((await idle.get('/dashboard')).statusCode).toBe(302);

    const busy = await t.loginAs('mentee');
    // Active every few days: never idle, but still ends at the absolute limit.
    for (let elapsed = 0; elapsed < ABSOLUTE_TIMEOUT_MS - 3 * 86_400_000; elapsed += 3 * 86_400_000) {
      t.clock.advance(3 * 86_400_000);
      expect((await busy.get('/dashboard')).statusCode).toBe(200);
    }
    t.clock.advance(4 * 86_400_000);
    expect((await busy.get('/dashboard')).statusCode).toBe(302);
    const left = await t.database.db.select().from(authSessions).where(eq(authSessions.userId, busy.user.id));
    expect(left).toHaveLength(0);
  });
});

describe('roles, checked on the server', () => {
  it('gives a mentee 403 on admin and mentor pages, and a mentor 403 on admin pages', async () => {
    const mentee = await t.loginAs('mentee');
    for (const url of ['/admin', '/admin/mail', '/admin/outbox', '/mentor/dashboard']) {
      const res = await mentee.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).toContain('Not allowed');
    }
    const mentor = await t.loginAs('mentor');
    expect((await mentor.get('/admin')).statusCode).toBe(403);
    expect((await mentor.get('/dashboard')).statusCode).toBe(403);
    expect((await mentor.get('/mentor/dashboard')).statusCode).toBe(200);
    const admin = await t.loginAs('admin');
    expect((await admin.get('/admin')).statusCode).toBe(200);
  });

  it('sends guests to log in, and back afterwards', async () => {
    const agent = t.agent();
    const res = await agent.get('/admin/mail');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fmail');
    const admin = await t.createUser('admin');
    const login = await agent.submit('/login', { email: admin.email, password: TEST_PASSWORD, next: '/admin/mail' });
    expect(login.headers.location).toBe('/admin/mail');
    const offsite = await t.agent().submit('/login', { email: admin.email, password: TEST_PASSWORD, next: '//evil.test/x' });
    expect(offsite.headers.location).toBe('/admin');
  });

  it('refuses a state change from a guest', async () => {
    const agent = t.agent();
    const res = await agent.submit('/admin/outbox/00000000-0000-0000-0000-000000000000/retry', {});
    expect(res.statusCode).toBe(401);
  });
});

describe('CSRF and headers', () => {
  it('refuses a cross-site POST without the token, and a token from another browser', async () => {
    const victim = await t.loginAs('mentee');
    // What a forged form on another site sends: the victim's cookies, no token.
    const forged = await victim.post('/logout', {});
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Form expired');
    const attacker = t.agent();
    const attackerToken = await attacker.csrfToken();
    expect((await victim.post('/logout', { _csrf: attackerToken })).statusCode).toBe(403);
    // Still logged in: nothing changed.
    expect((await victim.get('/dashboard')).statusCode).toBe(200);
    // The log-in form is protected too (log-in CSRF).
    expect((await t.agent().post('/login', { email: victim.user.email, password: TEST_PASSWORD })).statusCode).toBe(403);
  });

  it('changes the CSRF secret at log-in: a token from before is refused, and the new secret comes with the log-in', async () => {
    const user = await t.createUser('mentee');
    const agent = t.agent();
    const before = await agent.csrfToken();
    const secretBefore = agent.cookies.get('_csrf');
    const login = await agent.post('/login', { _csrf: before, email: user.email, password: TEST_PASSWORD });
    expect(login.statusCode).toBe(303);
    const secretAfter = agent.cookies.get('_csrf');
    expect(secretAfter).toBeTruthy();
    expect(secretAfter).not.toBe(secretBefore);
    expect((await agent.post('/logout', { _csrf: before })).statusCode).toBe(403);
    // The next page signs its forms with the secret the log-in set; it does not set another.
    const page = await agent.get('/dashboard');
    expect(String(page.headers['set-cookie'] ?? '')).not.toContain('_csrf=');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    expect((await agent.post('/logout', { _csrf: token })).statusCode).toBe(303);
  });

  it('sends security headers: CSP without inline script, nosniff, no framing; no HSTS outside production', async () => {
    const res = await t.agent().get('/');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/\son[a-z]+=/);
  });

  it('sends HSTS and secure cookies in production', async () => {
    const prod = await buildTestApp({ env: { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), ALLOW_DEMO_IN_PRODUCTION: 'true' } });
    try {
      const res = await prod.agent().get('/login');
      expect(res.headers['strict-transport-security']).toContain('max-age=31536000');
      expect(String(res.headers['set-cookie'])).toContain('Secure');
    } finally {
      await prod.close();
    }
  });

  it('never changes state on GET', async () => {
    const agent = await t.loginAs('mentee');
    expect((await agent.get('/logout')).statusCode).toBe(404);
    expect((await agent.get('/dashboard')).statusCode).toBe(200);
  });
});

describe('passwords', () => {
  it('hashes with scrypt at the production cost by default (N=2^17, r=8)', async () => {
    expect(PRODUCTION_COST).toEqual({ logN: 17, r: 8, p: 1 });
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('a production password');
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(await hasher.verify('a production password', hash)).toBe(true);
    expect(await hasher.verify('another password', hash)).toBe(false);
  });
});
