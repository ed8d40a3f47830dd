import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { THROTTLE } from '../src/accounts/throttle';
import { hashToken } from '../src/accounts/tokens';
import { accountTokens, auditLog, authSessions, emailOutbox, users } from '../src/db/schema';
import { loggerOptions } from '../src/runtime';
import { TEST_PASSWORD, type Agent } from './helpers/app';
import { mailsTo, useMailScenario } from './helpers/scenario';

const RESET_SUBJECT = 'Reset your password - CodeMentorHub';
const CHANGED_SUBJECT = 'Your password was changed - CodeMentorHub';
const NEW_PASSWORD = 'a brand new password';

const logLines: string[] = [];
// The real request logger (the app's pino options), writing into memory.
const scenario = useMailScenario({ logger: pino(loggerOptions('info'), { write: (line: string) => { logLines.push(line); } }) });
const deliver = () => scenario.deliver();

/** The path and query of the one link of this kind in the latest email with this subject, read off the SMTP server. */
function linkIn(address: string, subject: string, path: string): string {
  const mail = mailsTo(scenario.smtp, address, subject).at(-1);
  if (!mail) throw new Error(`no "${subject}" email to ${address}`);
  const m = new RegExp(`https?://[^\\s]+(${path}\\?token=[A-Za-z0-9_%-]+)`).exec(mail.parsed.text ?? '');
  if (!m) throw new Error(`no ${path} link in "${subject}"`);
  return m[1]!;
}

const tokenOf = (link: string) => decodeURIComponent(new URL(link, 'http://x').searchParams.get('token')!);
const alertOf = (body: string) => /role="(?:alert|status)">([^<]*)</.exec(body)?.[1]?.trim();
const withoutCsrf = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, '');

async function requestReset(email: string, agent: Agent = scenario.t.agent()) {
  return agent.submit('/forgot-password', { email }, '/forgot-password');
}

async function resetThroughEmail(email: string) {
  expect((await requestReset(email)).statusCode).toBe(200);
  await deliver();
  return linkIn(email, RESET_SUBJECT, '/reset-password');
}

async function canLogIn(email: string, password: string) {
  return (await scenario.t.agent().submit('/login', { email, password })).statusCode === 303;
}

describe('forgot password', () => {
  it('offers "Forgot password?" on the log-in page, leading to the form', async () => {
    const login = await scenario.t.agent().get('/login');
    expect(login.body).toMatch(/<a href="\/forgot-password">Forgot password\?<\/a>/);
    const form = await scenario.t.agent().get('/forgot-password');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('action="/forgot-password"');
  });

  it('answers the same page for a known and an unknown address, and emails only the known one', async () => {
    const user = await scenario.t.createUser('mentee', { email: 'known-reset@example.com' });
    const known = await requestReset(user.email);
    const unknown = await requestReset('nobody-here@example.com');
    expect(known.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    const sameExceptAddress = (body: string, address: string) => withoutCsrf(body).replace(address, 'ADDRESS');
    expect(sameExceptAddress(unknown.body, 'nobody-here@example.com')).toBe(sameExceptAddress(known.body, user.email));
    expect(alertOf(known.body)).toContain('If an account exists for that address');

    const mails = await scenario.t.database.db.select().from(emailOutbox).where(eq(emailOutbox.template, 'password-reset'));
    expect(mails.map((m) => m.toAddress)).toEqual([user.email]);
    // Only the token's SHA-256 is stored, with a 30-minute expiry.
    const token = (mails[0]!.payload as { token: string }).token;
    const [stored] = await scenario.t.database.db.select().from(accountTokens).where(eq(accountTokens.userId, user.id));
    expect(stored!.tokenHash).toBe(hashToken(token));
    expect(stored!.tokenHash).not.toContain(token);
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(30 * 60_000);
    expect(await scenario.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, user.id), eq(auditLog.action, 'account.password_reset_requested')))).toHaveLength(1);
  });

  it('sets the new password through the emailed link, ends every session, and the link works once', async () => {
    const elsewhere = await scenario.t.loginAs('mentee', { email: 'reset-me@example.com' });
    const link = await resetThroughEmail('reset-me@example.com');
    // Delivered: the outbox keeps no copy of the token.
    const [row] = await scenario.t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, 'reset-me@example.com'), eq(emailOutbox.template, 'password-reset')));
    expect(row!.status).toBe('sent');
    expect(row!.payload).not.toHaveProperty('token');

    const browser = scenario.t.agent();
    const page = await browser.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Choose a new password');
    // The GET changed nothing: the old password still works.
    expect(await canLogIn('reset-me@example.com', TEST_PASSWORD)).toBe(true);

    const tooShort = await browser.submit('/reset-password', { token: tokenOf(link), password: 'short' }, link);
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.body).toContain('Use at least 10 characters');

    const done = await browser.submit('/reset-password', { token: tokenOf(link), password: NEW_PASSWORD }, link);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/login');
    expect(await scenario.t.database.db.select().from(authSessions).where(eq(authSessions.userId, elsewhere.user.id))).toHaveLength(0);
    expect((await elsewhere.get('/dashboard')).statusCode).toBe(302);
    expect(await canLogIn('reset-me@example.com', TEST_PASSWORD)).toBe(false);
    expect(await canLogIn('reset-me@example.com', NEW_PASSWORD)).toBe(true);

    const again = await scenario.t.agent().get(link);
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('This link no longer works');
    const reused = await scenario.t.agent().submit('/reset-password', { token: tokenOf(link), password: 'yet another password' }, '/forgot-password');
    expect(reused.statusCode).toBe(400);
    expect(await canLogIn('reset-me@example.com', NEW_PASSWORD)).toBe(true);

    await deliver();
    expect(mailsTo(scenario.smtp, 'reset-me@example.com', CHANGED_SUBJECT)).toHaveLength(1);
    expect(await scenario.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, elsewhere.user.id), eq(auditLog.action, 'account.password_reset')))).toHaveLength(1);
  });

  it('refuses a weak new password through the link, saying why, and the link still works', async () => {
    const user = await scenario.t.createUser('mentee', { email: 'weak-reset@example.com' });
    const link = await resetThroughEmail(user.email);
    const browser = scenario.t.agent();
    await browser.get(link);
    for (const [password, message] of [['password123', 'This is a commonly used password.'], [' '.repeat(10), 'A password of only spaces']] as const) {
      const weak = await browser.submit('/reset-password', { token: tokenOf(link), password }, link);
      expect(weak.statusCode).toBe(400);
      expect(weak.body).toContain(message);
    }
    expect(await canLogIn(user.email, TEST_PASSWORD)).toBe(true);
    expect((await browser.submit('/reset-password', { token: tokenOf(link), password: NEW_PASSWORD }, link)).statusCode).toBe(303);
    expect(await canLogIn(user.email, NEW_PASSWORD)).toBe(true);
  });

  it('refuses a link after 30 minutes', async () => {
    await scenario.t.createUser('mentee', { email: 'slow-reader@example.com' });
    const link = await resetThroughEmail('slow-reader@example.com');
    scenario.t.clock.advance(31 * 60_000);
    try {
      expect((await scenario.t.agent().get(link)).statusCode).toBe(400);
      const late = await scenario.t.agent().submit('/reset-password', { token: tokenOf(link), password: NEW_PASSWORD }, '/forgot-password');
      expect(late.statusCode).toBe(400);
      expect(late.body).toContain('This link no longer works');
      expect(await canLogIn('slow-reader@example.com', TEST_PASSWORD)).toBe(true);
    } finally {
      scenario.t.clock.advance(-31 * 60_000);
    }
  });

  it('refuses a made-up token without a database error', async () => {
    for (const token of ['', 'x', "'; drop table users; --", 'A'.repeat(43)]) {
      expect((await scenario.t.agent().get(`/reset-password?token=${encodeURIComponent(token)}`)).statusCode).toBe(400);
      expect((await scenario.t.agent().submit('/reset-password', { token, password: NEW_PASSWORD }, '/forgot-password')).statusCode).toBe(400);
    }
  });

  it('throttles requests for one address like log-in, known or not, with the same answer', async () => {
    await scenario.t.createUser('mentee', { email: 'popular@example.com' });
    for (const email of ['popular@example.com', 'never-registered@example.com']) {
      for (let i = 0; i < THROTTLE.perAccount; i++) expect((await requestReset(email)).statusCode).toBe(200);
      const blocked = await requestReset(email);
      expect(blocked.statusCode).toBe(429);
      expect(alertOf(blocked.body)).toMatch(/^Too many requests for a reset link/);
    }
    const mails = await scenario.t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'popular@example.com'));
    expect(mails).toHaveLength(THROTTLE.perAccount);
  });

  it('keeps the token out of the request log', async () => {
    const link = await resetThroughEmail((await scenario.t.createUser('mentee')).email);
    logLines.length = 0;
    await scenario.t.agent().get(link);
    const log = logLines.join('');
    expect(log).toContain('/reset-password?token=[redacted]');
    expect(log).not.toContain(tokenOf(link));
  });

  it('gives a deactivated account no link, with the same answer', async () => {
    const user = await scenario.t.createUser('mentee');
    await scenario.t.database.db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id));
    expect((await requestReset(user.email)).statusCode).toBe(200);
    expect(await scenario.t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, user.email), eq(emailOutbox.template, 'password-reset')))).toHaveLength(0);
  });
});

describe('change password on /account', () => {
  it('needs the current password and a valid new one, and changes nothing otherwise', async () => {
    const me = await scenario.t.loginAs('mentee');
    const wrong = await me.submit('/account/password', { currentPassword: 'not my password', newPassword: NEW_PASSWORD }, '/account');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('This is not your current password.');
    const short = await me.submit('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' }, '/account');
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('Use at least 10 characters');
    expect(await canLogIn(me.user.email, TEST_PASSWORD)).toBe(true);
  });

  it('refuses a weak new password, saying why, and keeps the old one', async () => {
    const me = await scenario.t.loginAs('mentee', { name: 'Alice Smith' });
    for (const [password, message] of [['password123', 'This is a commonly used password.'], [' '.repeat(10), 'A password of only spaces'], ['alice-smith-2026', 'mostly your name or email address']] as const) {
      const res = await me.submit('/account/password', { currentPassword: TEST_PASSWORD, newPassword: password }, '/account');
      expect(res.statusCode, password).toBe(400);
      expect(res.body, password).toContain(message);
    }
    expect(await canLogIn(me.user.email, TEST_PASSWORD)).toBe(true);
  });

  it('ends every other session of the user and keeps this one', async () => {
    const me = await scenario.t.loginAs('mentor');
    const other = scenario.t.agent();
    expect((await other.submit('/login', { email: me.user.email, password: TEST_PASSWORD })).statusCode).toBe(303);
    const res = await me.submit('/account/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, '/account');
    expect(res.statusCode).toBe(303);
    expect((await me.get('/account')).statusCode).toBe(200);
    expect((await other.get('/account')).statusCode).toBe(302);
    expect(await scenario.t.database.db.select().from(authSessions).where(eq(authSessions.userId, me.user.id))).toHaveLength(1);
    expect(await canLogIn(me.user.email, NEW_PASSWORD)).toBe(true);
    const [notice] = await scenario.t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, me.user.email), eq(emailOutbox.template, 'password-changed')));
    expect(notice).toBeDefined();
    expect(await scenario.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, me.user.id), eq(auditLog.action, 'account.password_changed')))).toHaveLength(1);
  });

  it('makes reset links sent before the change worthless', async () => {
    const me = await scenario.t.loginAs('mentee');
    const link = await resetThroughEmail(me.user.email);
    await me.submit('/account/password', { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD }, '/account');
    expect((await scenario.t.agent().get(link)).statusCode).toBe(400);
  });
});

describe('email verification links by email', () => {
  it('puts a working link in the welcome email, and a resent one in "Confirm your email"', async () => {
    const email = 'inbox-verifier@example.com';
    const agent = scenario.t.agent();
    expect((await agent.submit('/signup', { name: 'Ivy Inbox', email, password: TEST_PASSWORD }, '/signup')).statusCode).toBe(303);
    await deliver();
    const welcomeLink = linkIn(email, 'Welcome to CodeMentorHub', '/verify-email');
    expect((await agent.submit('/account/verify-email', {}, '/account')).statusCode).toBe(303);
    await deliver();
    const resentLink = linkIn(email, 'Confirm your email - CodeMentorHub', '/verify-email');
    expect(resentLink).not.toBe(welcomeLink);

    expect((await agent.get(resentLink)).statusCode).toBe(200);
    expect((await agent.submit('/verify-email', { token: tokenOf(resentLink) }, resentLink)).statusCode).toBe(303);
    const [user] = await scenario.t.database.db.select().from(users).where(eq(users.email, email));
    expect(user!.emailVerifiedAt).not.toBeNull();
    // Both emails are delivered: neither outbox row keeps its token.
    for (const row of await scenario.t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, email))) {
      expect(row.payload).not.toHaveProperty('token');
    }
  });
});
