import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaidSession } from '../src/booking/operator';
import { accountTokens, auditLog, authSessions, emailOutbox, refunds, sessions, users } from '../src/db/schema';
import { createOpenMentor } from './helpers/mentors';
import { bookableSlot, bookSlot, pendingSession, setStatusAsAdmin } from './helpers/scenario';
import { buildTestApp, TEST_PASSWORD, type Agent, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

type LoggedIn = Agent & { user: { id: string; email: string } };

const openMentor = () => createOpenMentor(t);

/** Signs up through the form (an unverified mentee), returning the agent and the verification token the welcome email carries. */
async function signUp(email: string) {
  const agent = t.agent();
  expect((await agent.submit('/signup', { name: 'Vera Unverified', email, password: TEST_PASSWORD }, '/signup')).statusCode).toBe(303);
  const [welcome] = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, email), eq(emailOutbox.template, 'welcome')));
  const [user] = await t.database.db.select().from(users).where(eq(users.email, email));
  return { agent: Object.assign(agent, { user: { id: user!.id, email } }) as LoggedIn, token: (welcome!.payload as { token: string }).token };
}

const audits = async (userId: string, action: string) =>
  t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, userId), eq(auditLog.action, action)));

describe('email verification', () => {
  it('lets an unverified mentee browse but not book or pay, with the resend button', async () => {
    const mentor = await openMentor();
    const { agent } = await signUp('vera@example.com');
    for (const path of ['/dashboard', '/mentors', `/mentors/${mentor.id}`, '/account']) expect((await agent.get(path)).statusCode).toBe(200);
    expect((await agent.get('/account')).body).toContain('Resend verification email');

    const refused = await bookSlot(agent, mentor.id, bookableSlot(30));
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Confirm your email first');
    expect(refused.body).toContain('Resend verification email');
    expect(await t.database.db.select().from(sessions).where(eq(sessions.menteeId, agent.user.id))).toHaveLength(0);

    // A hold made some other way still cannot be paid for.
    const [hold] = await t.database.db.insert(sessions).values({
      mentorId: mentor.id, menteeId: agent.user.id, startsAt: bookableSlot(60), endsAt: new Date(bookableSlot(60).getTime() + 3_600_000),
      durationMinutes: 60, priceCents: 6000, currency: 'USD', paymentProvider: 'test', holdExpiresAt: new Date(Date.now() + 600_000),
    }).returning();
    expect((await agent.get(`/checkout/test/${hold!.id}`)).statusCode).toBe(403);
    const pay = await agent.submit(`/checkout/test/${hold!.id}/pay`, {}, '/dashboard');
    expect(pay.statusCode).toBe(403);
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id)))[0]!.status).toBe('awaiting_payment');
  });

  it('confirms the address through the welcome email link, once; then booking works', async () => {
    const mentor = await openMentor();
    const { agent, token } = await signUp('verify-me@example.com');
    const [stored] = await t.database.db.select().from(accountTokens).where(eq(accountTokens.userId, agent.user.id));
    expect(stored!.purpose).toBe('email_verification');
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(7 * 24 * 3_600_000);

    const link = `/verify-email?token=${token}`;
    const page = await agent.get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Confirm my email');
    expect((await t.database.db.select().from(users).where(eq(users.id, agent.user.id)))[0]!.emailVerifiedAt).toBeNull();

    const done = await agent.submit('/verify-email', { token }, link);
    expect(done.statusCode).toBe(303);
    expect((await t.database.db.select().from(users).where(eq(users.id, agent.user.id)))[0]!.emailVerifiedAt).not.toBeNull();
    expect(await audits(agent.user.id, 'account.email_verified')).toHaveLength(1);
    expect((await agent.submit('/verify-email', { token }, '/account')).statusCode).toBe(400);
    expect((await agent.get(link)).statusCode).toBe(400);

    const booked = await bookSlot(agent, mentor.id, bookableSlot(30));
    expect(booked.statusCode).toBe(303);
    expect(booked.headers.location).toMatch(/^\/checkout\/test\//);
  });

  it('refuses a verification link after 7 days', async () => {
    const { agent, token } = await signUp('late-verifier@example.com');
    t.clock.advance(7 * 24 * 3_600_000 + 60_000);
    try {
      expect((await t.agent().submit('/verify-email', { token }, '/login')).statusCode).toBe(400);
    } finally {
      t.clock.advance(-(7 * 24 * 3_600_000 + 60_000));
    }
    expect((await t.database.db.select().from(users).where(eq(users.id, agent.user.id)))[0]!.emailVerifiedAt).toBeNull();
  });

  it('resends a confirmation email to a logged-in unverified user, and a verified one gets none', async () => {
    const { agent } = await signUp('resend@example.com');
    expect((await agent.submit('/account/verify-email', {}, '/account')).statusCode).toBe(303);
    const resent = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, 'resend@example.com'), eq(emailOutbox.template, 'email-verification')));
    expect(resent).toHaveLength(1);
    const token = (resent[0]!.payload as { token: string }).token;
    expect((await t.agent().submit('/verify-email', { token }, '/login')).statusCode).toBe(303);

    const verified = await t.loginAs('mentee');
    await verified.submit('/account/verify-email', {}, '/account');
    expect(await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, verified.user.email), eq(emailOutbox.template, 'email-verification')))).toHaveLength(0);
  });

  it('counts accounts made by an operator as verified', async () => {
    const made = await t.createUser('mentee');
    expect((await t.database.db.select().from(users).where(eq(users.id, made.id)))[0]!.emailVerifiedAt).not.toBeNull();
  });
});

describe('deactivation by an admin', () => {
  it('ends their sessions, refuses their log-in, cancels and refunds their future sessions, and releases their holds', async () => {
    const admin = await t.loginAs('admin');
    const mentee = await t.loginAs('mentee', { name: 'Dee Activated' });
    const mentor = await openMentor();
    const pendingId = await pendingSession({ db: t.database.db, mentor, mentee, start: bookableSlot(40) });
    const confirmedId = await pendingSession({ db: t.database.db, mentor, mentee, start: bookableSlot(80) });
    await setStatusAsAdmin(admin, confirmedId, 'confirmed');
    const held = await bookSlot(mentee, mentor.id, bookableSlot(120));
    expect(held.statusCode).toBe(303);
    const holdId = held.headers.location!.split('/').at(-1)!;

    const list = await admin.get(`/admin/users?q=${encodeURIComponent('Dee Activ')}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(mentee.user.email);
    expect(list.body).toContain(`action="/admin/users/${mentee.user.id}/deactivate"`);

    const res = await admin.submit(`/admin/users/${mentee.user.id}/deactivate`, {}, '/admin/users');
    expect(res.statusCode).toBe(303);
    expect(await t.database.db.select().from(authSessions).where(eq(authSessions.userId, mentee.user.id))).toHaveLength(0);
    expect((await mentee.get('/dashboard')).statusCode).toBe(302);

    const status = async (id: string) => (await t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
    for (const id of [pendingId, confirmedId]) {
      expect(await status(id)).toMatchObject({ status: 'cancelled', cancelledBy: admin.user.id });
      expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).toHaveLength(1);
    }
    // Released like an admin's "Release hold": a payment arriving later is refunded, not revived.
    expect(await status(holdId)).toMatchObject({ status: 'expired', holdReleasedAt: expect.any(Date) });
    expect(await audits(holdId, 'session.hold_released')).toHaveLength(1);
    expect(await audits(mentee.user.id, 'account.deactivated')).toHaveLength(1);
    expect(await audits(pendingId, 'session.cancelled')).toHaveLength(1);

    const refused = await t.agent().submit('/login', { email: mentee.user.email, password: TEST_PASSWORD });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('This account has been deactivated.');
    expect(refused.headers['set-cookie']?.toString() ?? '').not.toContain('cmh_session=');
    // Without the password, nothing tells a deactivated account from any other.
    const guess = await t.agent().submit('/login', { email: mentee.user.email, password: 'a wrong guess' });
    expect(guess.statusCode).toBe(401);
    expect(guess.body).toContain('Email or password is incorrect.');

    expect((await admin.get('/admin/users')).body).toContain(`action="/admin/users/${mentee.user.id}/reactivate"`);
    expect((await admin.submit(`/admin/users/${mentee.user.id}/reactivate`, {}, '/admin/users')).statusCode).toBe(303);
    expect(await audits(mentee.user.id, 'account.reactivated')).toHaveLength(1);
    expect((await t.agent().submit('/login', { email: mentee.user.email, password: TEST_PASSWORD })).statusCode).toBe(303);
  });

  it('cancels a deactivated mentor\'s future sessions too, and takes them out of the directory and booking', async () => {
    const admin = await t.loginAs('admin');
    const mentor = await openMentor();
    await t.database.db.update(users).set({ name: 'Quentin Quitting' }).where(eq(users.id, mentor.id));
    const mentee = await t.loginAs('mentee');
    const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start: bookableSlot(50) });
    expect((await t.agent().get('/mentors?q=Quentin')).body).toContain('Quentin Quitting');

    await admin.submit(`/admin/users/${mentor.id}/deactivate`, {}, '/admin/users');
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, sessionId)))[0]!.status).toBe('cancelled');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId))).toHaveLength(1);
    expect((await t.agent().get('/mentors?q=Quentin')).body).not.toContain('Quentin Quitting');
    expect((await t.agent().get('/')).body).not.toContain('Quentin Quitting');
    expect((await t.agent().get(`/mentors/${mentor.id}`)).statusCode).toBe(404);
    expect((await bookSlot(mentee, mentor.id, bookableSlot(30))).statusCode).toBe(404);
    // Nor by an operator (cli session:create).
    const byOperator = await createPaidSession({ db: t.database.db, input: { mentor: mentor.email, mentee: mentee.user.email, start: bookableSlot(60).toISOString(), duration: 60 }, now: new Date() });
    expect(byOperator).toEqual({ ok: false, field: 'mentor', error: `the account ${mentor.email.toLowerCase()} is deactivated` });
    expect(await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id))).toHaveLength(1);
  });

  it('does not let an admin deactivate themself, and only admins may deactivate', async () => {
    const admin = await t.loginAs('admin');
    expect((await admin.get('/admin/users')).body).not.toContain(`/admin/users/${admin.user.id}/deactivate`);
    const self = await admin.submit(`/admin/users/${admin.user.id}/deactivate`, {}, '/admin/users');
    expect(self.statusCode).toBe(303);
    expect((await t.database.db.select().from(users).where(eq(users.id, admin.user.id)))[0]!.deactivatedAt).toBeNull();
    expect((await admin.get('/admin/users')).body).toContain('You cannot deactivate your own account.');

    const mentee = await t.loginAs('mentee');
    const victim = await t.createUser('mentor');
    expect((await mentee.submit(`/admin/users/${victim.id}/deactivate`, {}, '/dashboard')).statusCode).toBe(403);
    expect((await t.database.db.select().from(users).where(eq(users.id, victim.id)))[0]!.deactivatedAt).toBeNull();
    expect((await admin.submit('/admin/users/not-a-uuid/deactivate', {}, '/admin/users')).statusCode).toBe(404);
  });
});
