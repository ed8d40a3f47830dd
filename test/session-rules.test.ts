import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, emailOutbox, paymentProblems, refunds, sessions } from '../src/db/schema';
import { paymentRefundedEmail, type PaymentRefundedPayload } from '../src/mail/templates/payment-refunded';
import { createOpenMentor } from './helpers/mentors';
import { bookSlot, pendingSession, setStatusAsAdmin, slotSequence } from './helpers/scenario';
import { buildTestApp, type TestApp } from './helpers/app';

const HOUR = 3_600_000;
let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

type Agent = Awaited<ReturnType<TestApp['loginAs']>>;
const row = async (id: string) => (await t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;

const openMentor = () => createOpenMentor(t);

const freshSlot = slotSequence();
const book = (agent: Agent, mentorId: string, start = freshSlot()) => bookSlot(agent, mentorId, start);
const heldId = (res: { headers: Record<string, unknown> }) => String(res.headers.location).split('/').pop()!;
const pay = (agent: Agent, id: string, form: Record<string, string> = { amount_cents: '6000', currency: 'usd' }) =>
  agent.submit(`/checkout/test/${id}/pay`, form, `/checkout/test/${id}`);

/** A confirmed 60-minute session starting `hoursAhead` from now. */
async function confirmedSession(admin: Agent, hours: number) {
  const mentor = await t.createUser('mentor');
  const mentee = await t.createUser('mentee');
  const start = new Date(Date.now() + hours * HOUR);
  start.setUTCSeconds(0, 0);
  const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start });
  await setStatusAsAdmin(admin, sessionId, 'confirmed');
  return { sessionId, start };
}

describe('"Mark completed" only once the session has happened', () => {
  const completionMails = (id: string) => t.database.db.select().from(emailOutbox).where(like(emailOutbox.dedupeKey, `session-completed:${id}:%`));
  const completedAudit = (id: string) => t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, id), eq(auditLog.action, 'session.completed')));

  it('refuses before the start, whatever the reason; nobody is thanked, nothing is earned', async () => {
    const admin = await t.loginAs('admin');
    const { sessionId } = await confirmedSession(admin, 24);
    const page = await admin.get(`/admin/sessions/${sessionId}`);
    expect(page.body).toContain('>Mark completed</button>');
    // Its step says why not, instead of offering the form.
    const step = await admin.get(`/admin/sessions/${sessionId}/set-status/?status=completed&back=/admin/sessions/${sessionId}`);
    expect(step.statusCode).toBe(409);
    expect(step.body).toContain('This session has not started yet, so it cannot be marked completed.');
    expect(step.body).not.toContain('name="reason"');
    for (const form of [{ status: 'completed' }, { status: 'completed', reason: 'They met early' }] as Record<string, string>[]) {
      const res = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, form, `/admin/sessions/${sessionId}`);
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('This session has not started yet, so it cannot be marked completed.');
    }
    expect((await row(sessionId)).status).toBe('confirmed');
    expect(await completionMails(sessionId)).toHaveLength(0);
    expect(await completedAudit(sessionId)).toHaveLength(0);
  });

  it('during the session, needs a reason, which is kept in the audit trail', async () => {
    const admin = await t.loginAs('admin');
    const { sessionId } = await confirmedSession(admin, 2);
    t.clock.advance(2 * HOUR + 10 * 60_000);
    try {
      const bare = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed', reason: '   ' }, `/admin/sessions/${sessionId}`);
      expect(bare.statusCode).toBe(409);
      expect(bare.body).toContain('This session has not ended yet. To mark it completed early, give a reason.');
      expect((await row(sessionId)).status).toBe('confirmed');
      const res = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed', reason: 'Finished early; both confirmed by email.' }, `/admin/sessions/${sessionId}`);
      expect(res.statusCode).toBe(303);
    } finally {
      t.clock.advance(-(2 * HOUR + 10 * 60_000));
    }
    expect((await row(sessionId)).status).toBe('completed');
    const audit = await completedAudit(sessionId);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ from: 'confirmed', to: 'completed', reason: 'Finished early; both confirmed by email.' });
    expect(await completionMails(sessionId)).toHaveLength(2);
    expect((await admin.get(`/admin/sessions/${sessionId}`)).body).toContain('Finished early; both confirmed by email.');
  });

  it('after the end, needs no reason', async () => {
    const admin = await t.loginAs('admin');
    const { sessionId } = await confirmedSession(admin, 2);
    t.clock.advance(3 * HOUR + 1000);
    try {
      expect((await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed' }, '/admin/sessions')).statusCode).toBe(303);
    } finally {
      t.clock.advance(-(3 * HOUR + 1000));
    }
    expect((await row(sessionId)).status).toBe('completed');
  });
});

describe('the cancellation rule is stated before payment', () => {
  it('on the booking step of the mentor profile and on the test checkout page', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const rule = 'Until the mentor accepts your request you can cancel for a full refund. Once accepted, cancelling more than 24 hours before the start is refunded in full';
    expect((await mentee.get(`/mentors/${mentor.id}`)).body).toContain(rule);
    const res = await book(mentee, mentor.id);
    expect(res.statusCode).toBe(303);
    expect((await mentee.get(String(res.headers.location))).body).toContain(rule);
  });
});

describe('the test checkout goes through the same payment check', () => {
  it('a Pay for another amount or currency changes nothing and is refunded; the right one books', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const id = heldId(await book(mentee, mentor.id));
    for (const [form, reason] of [[{ amount_cents: '1', currency: 'usd' }, 'amount_mismatch'], [{ amount_cents: '6000', currency: 'jpy' }, 'currency_mismatch']] as const) {
      const res = await pay(mentee, id, form);
      expect(res.statusCode).toBe(303);
      expect((await mentee.get('/dashboard')).body).toContain('did not match this booking');
      expect((await row(id)).status).toBe('awaiting_payment');
      const [problem] = await t.database.db.select().from(paymentProblems).where(eq(paymentProblems.sessionId, id));
      expect(problem).toMatchObject({ reason, expectedAmountCents: 6000, expectedCurrency: 'USD' });
      expect(await t.database.db.select().from(refunds).where(eq(refunds.paymentRef, problem!.paymentRef))).toHaveLength(1);
      await t.database.db.delete(paymentProblems).where(eq(paymentProblems.id, problem!.id));
    }
    // The same wrong Pay again is the same payment: no second refund.
    await pay(mentee, id, { amount_cents: '1', currency: 'usd' });
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).toHaveLength(2);
    // The mentee is told of each refused payment, once.
    const told = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.sessionId, id), eq(emailOutbox.template, 'payment-refunded')));
    expect(told).toHaveLength(2);
    expect(told.every((m) => m.toAddress === mentee.user.email && (m.payload as { kind?: string }).kind === 'mismatch')).toBe(true);
    const email = paymentRefundedEmail(told[0]!.payload as unknown as PaymentRefundedPayload, { appUrl: 'http://localhost', recipient: { name: 'M', address: mentee.user.email } } as Parameters<typeof paymentRefundedEmail>[1]);
    expect(email.text).toContain('did not match the booking, so it was not accepted and your booking is unchanged.');
    expect((await pay(mentee, id, { amount_cents: '6000', currency: 'USD' })).statusCode).toBe(303);
    expect((await row(id)).status).toBe('pending');
    // Paid once: the refused tries' refunds are theirs, the session's own payment is not refunded.
    expect(await t.database.db.select().from(refunds).where(eq(refunds.paymentRef, (await row(id)).paymentRef!))).toHaveLength(0);
  });
});

describe('the same payment seen again', () => {
  it('after a late cancellation that owes nothing, a second Pay refunds nothing', async () => {
    const admin = await t.loginAs('admin');
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const start = new Date(Date.now() + 4 * HOUR);
    start.setUTCMinutes(0, 0, 0);
    const id = heldId(await book(mentee, mentor.id, start));
    expect((await pay(mentee, id)).statusCode).toBe(303);
    expect((await admin.submit(`/admin/sessions/${id}/set-status/`, { status: 'confirmed' }, '/admin/sessions')).statusCode).toBe(303);
    expect((await mentee.submit(`/sessions/${id}/cancel`, {}, `/sessions/${id}`)).statusCode).toBe(303);
    expect((await row(id)).status).toBe('cancelled');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).toHaveLength(0);
    // The Pay button pressed again (a stale tab): the payment recorded once is not a new late payment.
    await mentee.submit(`/checkout/test/${id}/pay`, { amount_cents: '6000', currency: 'usd' }, '/dashboard');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).toHaveLength(0);
    expect((await row(id)).status).toBe('cancelled');
  });
});

describe('unpaid holds per mentee', () => {
  it('one per mentor and three in all, with a way to the existing hold; paying one frees a place', async () => {
    const [a, b, c, d] = [await openMentor(), await openMentor(), await openMentor(), await openMentor()];
    const mentee = await t.loginAs('mentee');
    const first = await book(mentee, a.id);
    expect(first.statusCode).toBe(303);
    const holdA = heldId(first);
    const again = await book(mentee, a.id);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You already have an unpaid booking with');
    expect(again.body).toContain(`<a href="/sessions/${holdA}">Go to your unpaid booking</a>`);
    // The existing hold can be resumed and paid from its page.
    expect((await mentee.get(`/sessions/${holdA}`)).body).toContain(`href="/checkout/test/${holdA}"`);
    expect((await book(mentee, b.id)).statusCode).toBe(303);
    expect((await book(mentee, c.id)).statusCode).toBe(303);
    const fourth = await book(mentee, d.id);
    expect(fourth.statusCode).toBe(409);
    expect(fourth.body).toContain('You already have 3 unpaid bookings.');
    expect(await t.database.db.select().from(sessions).where(and(eq(sessions.menteeId, mentee.user.id), eq(sessions.status, 'awaiting_payment')))).toHaveLength(3);
    expect((await pay(mentee, holdA)).statusCode).toBe(303);
    expect((await row(holdA)).status).toBe('pending');
    expect((await book(mentee, d.id)).statusCode).toBe(303);
    // A paid session is not a hold: another booking with the same mentor is fine.
    expect((await book(mentee, a.id)).statusCode).toBe(409); // now 3 unpaid again (b, c, d)
  });

  it('a lapsed hold does not count', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    expect((await book(mentee, mentor.id)).statusCode).toBe(303);
    t.clock.advance(36 * 60_000);
    try {
      expect((await book(mentee, mentor.id)).statusCode).toBe(303);
    } finally {
      t.clock.advance(-36 * 60_000);
    }
  });

  it('booking posts are throttled per account, with a friendly page; other accounts are not affected', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const token = await mentee.csrfToken(`/mentors/${mentor.id}`);
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      // Bad input: refused without holding anything, yet each post counts.
      codes.push((await mentee.post(`/mentors/${mentor.id}/book`, { _csrf: token, startsAt: 'soon', durationMinutes: '60' })).statusCode);
    }
    expect(codes).toEqual([...Array(10).fill(400), 429]);
    const res = await mentee.post(`/mentors/${mentor.id}/book`, { _csrf: token, startsAt: freshSlot().toISOString(), durationMinutes: '60' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('You are booking too quickly. Wait a minute, then try again.');
    const other = await t.loginAs('mentee');
    expect((await book(other, mentor.id)).statusCode).toBe(303);
  });
});

describe('an admin releases an unpaid hold (test payments)', () => {
  it('frees the slot with an audit row; the checkout no longer takes payment, and a late Pay is refunded', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const start = freshSlot();
    const id = heldId(await book(mentee, mentor.id, start));
    const admin = await t.loginAs('admin');
    const res = await admin.submit(`/admin/sessions/${id}/release`, {}, `/admin/sessions/${id}`);
    expect(res.statusCode).toBe(303);
    expect((await admin.get(String(res.headers.location))).body).toContain('Hold released');
    expect((await row(id)).status).toBe('expired');
    expect(await t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, id), eq(auditLog.action, 'session.hold_released')))).toHaveLength(1);
    // The old checkout link says what happened instead of offering Pay.
    const ended = await mentee.get(`/checkout/test/${id}`);
    expect(ended.statusCode).toBe(410);
    expect(ended.body).toContain('was released for others to book');
    // A Pay form still open in another tab.
    await mentee.submit(`/checkout/test/${id}/pay`, { amount_cents: '6000', currency: 'usd' }, '/dashboard');
    expect((await row(id)).status).toBe('expired');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.sessionId, id))).toHaveLength(1);
    const other = await t.loginAs('mentee');
    expect((await book(other, mentor.id, start)).statusCode).toBe(303);
    // Only admins, and only unpaid holds.
    expect((await mentee.submit(`/admin/sessions/${id}/release`, {}, '/dashboard')).statusCode).toBe(403);
    expect((await admin.submit(`/admin/sessions/${id}/release`, {}, `/admin/sessions/${id}`)).statusCode).toBe(409);
  });
});
