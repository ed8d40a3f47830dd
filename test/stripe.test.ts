import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, emailOutbox, paymentProblems, processedEvents, refunds, sessions } from '../src/db/schema';
import { processDueRefunds } from '../src/payments/refunds';
import { createStripePaymentProvider } from '../src/payments/stripe';
import { FakeStripe, parseForm, signedWebhook, type StripeEventPayload } from './fakes/stripe';
import { createOpenMentor } from './helpers/mentors';
import { bookSlot, slotSequence } from './helpers/scenario';
import { buildTestApp, type TestApp } from './helpers/app';

const WEBHOOK_SECRET = 'whsec_test';
let fake: FakeStripe;
let t: TestApp;

beforeAll(async () => {
  fake = await new FakeStripe().start();
  t = await buildTestApp({
    env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.stop();
});

const openMentor = () => createOpenMentor(t);

const freshSlot = slotSequence();

async function sessionOf(id: string) {
  const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, id));
  return row!;
}

/** Books a slot through the app (and so through the fake's checkout); returns the held session. */
async function bookHeld(options: { mentorId?: string; start?: Date } = {}) {
  const mentorId = options.mentorId ?? (await openMentor()).id;
  const start = options.start ?? freshSlot();
  const mentee = await t.loginAs('mentee');
  const res = await bookSlot(mentee, mentorId, start);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
  const [held] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id));
  return { mentee, mentorId, start, session: held!, csId: held!.checkoutRef!, res };
}

function deliver(payload: object | string, options: { secret?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
  const signed = signedWebhook(payload, { secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
  return t.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: signed.body, headers: { ...signed.headers, ...options.headers } });
}

async function paidAudits(sessionId: string) {
  return t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, sessionId), eq(auditLog.action, 'session.paid')));
}

async function requestMails(sessionId: string) {
  return t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${sessionId}`));
}

describe('Stripe checkout', () => {
  it('sends the mentee to the Stripe checkout, keyed by the session, expiring before the hold', async () => {
    const mentor = await openMentor();
    const before = Math.floor(Date.now() / 1000);
    const { res, session, mentee } = await bookHeld({ mentorId: mentor.id });
    expect(res.headers.location).toMatch(new RegExp(`^${fake.url}/pay/cs_test_\\w+$`));
    expect(session).toMatchObject({ status: 'awaiting_payment', paymentProvider: 'stripe', checkoutUrl: res.headers.location });
    const cs = fake.checkoutSessions.get(session.checkoutRef!)!;
    expect(cs.url).toBe(res.headers.location);

    const sent = fake.requestsTo('/v1/checkout/sessions').filter((r) => r.idempotencyKey === `checkout:${session.id}`);
    expect(sent).toHaveLength(1);
    const p = sent[0]!.params as { line_items: { price_data: { product_data: { name: string } } }[]; success_url: string; expires_at: string };
    expect(sent[0]!.authorization).toBe(`Bearer ${fake.secretKey}`);
    // The wire format: form-encoded bracket keys.
    expect(sent[0]!.raw).toContain('line_items[0][price_data][currency]=usd');
    expect(p).toMatchObject({
      mode: 'payment', client_reference_id: session.id, metadata: { session_id: session.id }, customer_email: mentee.user.email,
      line_items: [{ price_data: { currency: 'usd', unit_amount: '6000' }, quantity: '1' }],
    });
    expect(p.line_items[0]!.price_data.product_data.name).toContain('60-minute mentoring session');
    expect(p.success_url).toBe(`http://localhost:3000/dashboard?paid=${session.id}`);
    const expiresAt = Number(p.expires_at);
    expect(expiresAt - before).toBeGreaterThanOrEqual(30 * 60);
    // Stripe's checkout closes before our hold lapses, so nobody pays for a slot we already gave away.
    expect(expiresAt * 1000).toBeLessThan(session.holdExpiresAt!.getTime());
    expect(cs).toMatchObject({ amount_total: 6000, currency: 'usd', payment_status: 'unpaid', payment_intent: null, expires_at: expiresAt });
  });

  it('a fake 500 on every attempt fails the booking clearly and frees the slot; one 500 is retried with the same key', async () => {
    const mentor = await openMentor();
    const start = freshSlot();
    const mentee = await t.loginAs('mentee');
    const made = fake.checkoutSessions.size;
    fake.failNext('500', 3); // the first try and the SDK's two retries
    const res = await bookSlot(mentee, mentor.id, start);
    expect(res.statusCode).toBe(502);
    expect(res.body).toContain('Payment could not be started, and nothing was charged');
    const [failed] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id));
    expect(failed!.status).toBe('expired');
    const tries = fake.requestsTo('/v1/checkout/sessions').filter((r) => r.idempotencyKey === `checkout:${failed!.id}`);
    expect(tries).toHaveLength(3);
    expect(fake.checkoutSessions.size).toBe(made);
    // The slot is free: it is offered again and can be booked.
    expect((await t.agent().get(`/mentors/${mentor.id}`)).body).toContain(`value="${start.toISOString()}"`);

    fake.failNext('500', 1);
    const again = await bookSlot(mentee, mentor.id, start);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toContain(`${fake.url}/pay/cs_test_`);
    const rows = await t.database.db.select().from(sessions).where(and(eq(sessions.menteeId, mentee.user.id), eq(sessions.status, 'awaiting_payment')));
    expect(rows).toHaveLength(1);
    const retried = fake.requestsTo('/v1/checkout/sessions').filter((r) => r.idempotencyKey === `checkout:${rows[0]!.id}`);
    expect(retried).toHaveLength(2);
    expect(fake.checkoutSessions.size).toBe(made + 1);
  });

  it('a lost reply is retried with the same idempotency key: one checkout session, not two', async () => {
    const made = fake.checkoutSessions.size;
    fake.failNext('lose-reply');
    const { session, res } = await bookHeld();
    const tries = fake.requestsTo('/v1/checkout/sessions').filter((r) => r.idempotencyKey === `checkout:${session.id}`);
    expect(tries).toHaveLength(2);
    expect(fake.checkoutSessions.size).toBe(made + 1);
    expect(res.headers.location).toBe(fake.checkoutSessions.get(session.checkoutRef!)!.url);
  });

  it('bounds a hanging Stripe: each attempt times out and the call fails', async () => {
    const provider = createStripePaymentProvider({ secretKey: fake.secretKey, apiUrl: fake.url, timeoutMs: 300 });
    const sessionId = '00000000-0000-4000-8000-00000000aaaa';
    fake.failNext('hang', 3);
    const started = Date.now();
    await expect(provider.createCheckout({
      sessionId, amountCents: 1000, currency: 'EUR', description: 'x', customerEmail: 'a@example.com',
      successUrl: 'http://localhost/ok', cancelUrl: 'http://localhost/no', expiresAt: new Date(Date.now() + 40 * 60_000),
    })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(fake.requests.filter((r) => r.idempotencyKey === `checkout:${sessionId}`)).toHaveLength(3);
  });

  it('refuses an expires_at outside 30 min–24 h as Stripe does', async () => {
    const provider = createStripePaymentProvider({ secretKey: fake.secretKey, apiUrl: fake.url });
    const input = {
      sessionId: '00000000-0000-4000-8000-00000000bbbb', amountCents: 1000, currency: 'EUR', description: 'x', customerEmail: 'a@example.com',
      successUrl: 'http://localhost/ok', cancelUrl: 'http://localhost/no', expiresAt: new Date(Date.now() + 10 * 60_000),
    };
    await expect(provider.createCheckout(input)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'expires_at' });
    await expect(provider.createCheckout({ ...input, sessionId: '00000000-0000-4000-8000-00000000cccc', expiresAt: new Date(Date.now() + 25 * 3_600_000) }))
      .rejects.toThrow('less than 24 hours');
    const ok = await provider.createCheckout({ ...input, sessionId: '00000000-0000-4000-8000-00000000dddd', expiresAt: new Date(Date.now() + 31 * 60_000) });
    expect(fake.checkoutSessions.get(ok.checkoutRef)!.currency).toBe('eur');
  });
});

describe('Stripe webhook', () => {
  it('a signed checkout.session.completed (paid) makes the session pending and tells the mentor', async () => {
    const mentor = await openMentor();
    const { session, csId } = await bookHeld({ mentorId: mentor.id });
    const event = fake.completeCheckout(csId);
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: true, outcome: 'pending' });
    const after = await sessionOf(session.id);
    expect(after.status).toBe('pending');
    expect(after.paymentRef).toBe(fake.checkoutSessions.get(csId)!.payment_intent);
    expect(after.paymentRef).toMatch(/^pi_/);
    const mail = await requestMails(session.id);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ template: 'session-request', toAddress: mentor.email });
    expect(mail[0]!.payload).toMatchObject({ sessionId: session.id, menteeName: expect.any(String) });
    expect(await paidAudits(session.id)).toHaveLength(1);
    expect(await t.database.db.select().from(processedEvents).where(eq(processedEvents.id, event.id))).toHaveLength(1);
  });

  it('the same event delivered 10 times at once has one effect; a replay with a fresh signature is ignored', async () => {
    const { session, csId } = await bookHeld();
    const event = fake.completeCheckout(csId);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const outcomes = results.map((r) => r.json().outcome as string).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'pending']);
    expect(await requestMails(session.id)).toHaveLength(1);
    expect(await paidAudits(session.id)).toHaveLength(1);
    // The SDK accepts future timestamps: the event id is what stops a replay.
    const replay = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect(replay.statusCode).toBe(200);
    expect(replay.json().outcome).toBe('duplicate');
  });

  it('refuses tampered bodies, wrong secrets, missing signatures and stale timestamps, changing nothing', async () => {
    const { session, csId } = await bookHeld();
    const event = fake.completeCheckout(csId);
    const signed = signedWebhook(event, { secret: WEBHOOK_SECRET });
    const refused = [
      // Tampered: the signature is for another body.
      await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: signed.headers, payload: signed.body.replace(`"${event.id}"`, '"evt_forged"') }),
      await deliver(event, { secret: 'whsec_not_ours' }),
      await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/json' }, payload: signed.body }),
      await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 - 60 }),
      await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { ...signed.headers, 'stripe-signature': 't=1,v1=deadbeef' }, payload: signed.body }),
    ];
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/json');
      expect(typeof res.json().error).toBe('string');
    }
    expect(refused[3]!.json().error).toContain('Timestamp outside the tolerance zone');
    expect((await sessionOf(session.id)).status).toBe('awaiting_payment');
    expect(await requestMails(session.id)).toHaveLength(0);
    expect(await t.database.db.select().from(processedEvents).where(eq(processedEvents.id, event.id))).toHaveLength(0);
    // The very same event, properly signed, is accepted: it was the signatures that were refused.
    const good = await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: signed.headers, payload: signed.body });
    expect(good.statusCode).toBe(200);
    expect((await sessionOf(session.id)).status).toBe('pending');
  });

  it('an expired event after completed keeps the session paid', async () => {
    const { session, csId } = await bookHeld();
    const completed = fake.completeCheckout(csId);
    const expired = fake.event('checkout.session.expired', { ...fake.checkoutSessions.get(csId)!, status: 'expired' });
    expect((await deliver(completed)).statusCode).toBe(200);
    const res = await deliver(expired);
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('unchanged');
    expect((await sessionOf(session.id)).status).toBe('pending');
  });

  it('expired on an unpaid checkout releases the slot for someone else', async () => {
    const { session, csId, mentorId, start } = await bookHeld();
    const res = await deliver(fake.expireCheckout(csId));
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('released');
    expect((await sessionOf(session.id)).status).toBe('expired');
    const other = await bookHeld({ mentorId, start });
    expect(other.session.status).toBe('awaiting_payment');
  });

  it('waits on a pending async payment, then pays on async_payment_succeeded; async_payment_failed releases', async () => {
    const a = await bookHeld();
    const cs = fake.checkoutSessions.get(a.csId)!;
    const pending = await deliver(fake.event('checkout.session.completed', { ...cs, status: 'complete', payment_status: 'unpaid' }));
    expect(pending.json().outcome).toBe('waiting');
    expect((await sessionOf(a.session.id)).status).toBe('awaiting_payment');
    const paid = fake.completeCheckout(a.csId);
    const succeeded = await deliver(fake.event('checkout.session.async_payment_succeeded', paid.data.object));
    expect(succeeded.json().outcome).toBe('pending');
    expect((await sessionOf(a.session.id)).status).toBe('pending');

    const b = await bookHeld();
    const bcs = fake.checkoutSessions.get(b.csId)!;
    const failed = await deliver(fake.event('checkout.session.async_payment_failed', { ...bcs, status: 'complete', payment_status: 'unpaid' }));
    expect(failed.json().outcome).toBe('released');
    expect((await sessionOf(b.session.id)).status).toBe('expired');
  });

  it('ignores event types it does not handle, and checkouts that are not ours', async () => {
    const { session, csId } = await bookHeld();
    const other = await deliver(fake.event('payment_intent.succeeded', { id: 'pi_x', object: 'payment_intent', metadata: { session_id: session.id } }));
    expect(other.statusCode).toBe(200);
    expect(other.json().outcome).toBe('ignored');
    // Another integration's checkout on the same account: neither its id nor its metadata is ours.
    const foreign = fake.event('checkout.session.completed', {
      ...fake.checkoutSessions.get(csId)!, id: 'cs_test_someone_else', status: 'complete', payment_status: 'paid', payment_intent: 'pi_someone_else',
      metadata: { order: '42' }, client_reference_id: null,
    });
    expect((await deliver(foreign)).json().outcome).toBe('ignored');
    expect(await t.database.db.select().from(refunds).where(eq(refunds.paymentRef, 'pi_someone_else'))).toHaveLength(0);
    expect((await sessionOf(session.id)).status).toBe('awaiting_payment');
  });

  it('does not need a CSRF token, and refuses a form body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain('JSON');
  });
});

describe('payment after the slot was taken: refunded once through Stripe', () => {
  /** A hold expires (Stripe says so), someone else books the slot, then the first mentee's payment arrives. */
  async function lateRefund() {
    const late = await bookHeld();
    expect((await deliver(fake.expireCheckout(late.csId))).json().outcome).toBe('released');
    await bookHeld({ mentorId: late.mentorId, start: late.start });
    const paid = fake.completeCheckout(late.csId);
    const res = await deliver(paid);
    expect(res.json().outcome).toBe('refund-requested');
    // A redelivery (new event id, same payment) still asks for one refund only.
    expect((await deliver({ ...paid, id: `${paid.id}_again` })).statusCode).toBe(200);
    const owed = await t.database.db.select().from(refunds).where(eq(refunds.sessionId, late.session.id));
    expect(owed).toHaveLength(1);
    expect(owed[0]).toMatchObject({ status: 'requested', amountCents: 6000 });
    const told = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `payment-refunded:${late.session.id}`));
    expect(told).toHaveLength(1);
    expect(told[0]!.toAddress).toBe(late.mentee.user.email);
    expect((await sessionOf(late.session.id)).status).toBe('expired');
    const pi = fake.checkoutSessions.get(late.csId)!.payment_intent!;
    return { sessionId: late.session.id, pi };
  }

  const refundsFor = (pi: string) => fake.refunds.filter((r) => r.payment_intent === pi);

  it('exactly one refund at Stripe, run twice, even when the first reply is lost', async () => {
    const { sessionId, pi } = await lateRefund();
    const payments = t.app.services.payments;
    expect(payments.name).toBe('stripe');
    fake.failNext('lose-reply');
    expect(await processDueRefunds({ db: t.database.db, payments })).toBe(1);
    expect(await processDueRefunds({ db: t.database.db, payments, now: new Date(Date.now() + 86_400_000) })).toBe(0);
    expect(refundsFor(pi)).toHaveLength(1);
    expect(refundsFor(pi)[0]).toMatchObject({ amount: 6000, currency: 'usd' });
    const calls = fake.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${pi}`);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.raw).toBe(calls[1]!.raw);
    expect(parseForm(calls[0]!.raw)).toMatchObject({ payment_intent: pi, amount: '6000' });
    const [row] = await t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId));
    expect(row).toMatchObject({ status: 'succeeded', providerRef: refundsFor(pi)[0]!.id });
  });

  it('when every reply is lost, the next run gets the same refund back instead of a second one', async () => {
    const { sessionId, pi } = await lateRefund();
    const payments = t.app.services.payments;
    fake.failNext('lose-reply', 3);
    expect(await processDueRefunds({ db: t.database.db, payments })).toBe(0);
    expect(refundsFor(pi)).toHaveLength(1); // Stripe did refund; we just never heard.
    const [pendingRow] = await t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId));
    expect(pendingRow).toMatchObject({ status: 'requested', providerRef: null });
    expect(pendingRow!.lastError).toBeTruthy();
    expect(await processDueRefunds({ db: t.database.db, payments, now: new Date(Date.now() + 3_600_000) })).toBe(1);
    expect(await processDueRefunds({ db: t.database.db, payments, now: new Date(Date.now() + 7_200_000) })).toBe(0);
    expect(refundsFor(pi)).toHaveLength(1);
    const [row] = await t.database.db.select().from(refunds).where(eq(refunds.sessionId, sessionId));
    expect(row).toMatchObject({ status: 'succeeded', providerRef: refundsFor(pi)[0]!.id });
  });
});

describe('a payment must match the booking it pays for', () => {
  const problemFor = async (paymentRef: string) =>
    (await t.database.db.select().from(paymentProblems).where(eq(paymentProblems.paymentRef, paymentRef)))[0];
  const refundRows = (paymentRef: string) => t.database.db.select().from(refunds).where(eq(refunds.paymentRef, paymentRef));
  const piOf = (event: StripeEventPayload) => (event.data.object as { payment_intent: string }).payment_intent;

  /** A refused payment: outcome, nothing changed, the problem recorded with its reason, its refund owed once. */
  async function expectRefused(event: StripeEventPayload, held: { session: { id: string } }, reason: string) {
    const res = await deliver(event);
    expect(res.statusCode).toBe(200);
    expect(res.json().outcome).toBe('mismatch');
    const after = await sessionOf(held.session.id);
    expect(after.status).toBe('awaiting_payment');
    expect(after.paidAt).toBeNull();
    expect(await requestMails(held.session.id)).toHaveLength(0);
    expect(await paidAudits(held.session.id)).toHaveLength(0);
    const problem = await problemFor(piOf(event));
    expect(problem).toMatchObject({ reason, eventId: event.id, checkoutRef: (event.data.object as { id: string }).id });
    expect(await refundRows(piOf(event))).toHaveLength(1);
    return problem!;
  }

  /** Sends every owed refund to the fake Stripe; each payment must be refunded exactly once there. */
  async function refundAll() {
    await processDueRefunds({ db: t.database.db, payments: t.app.services.payments, now: new Date(Date.now() + 7 * 86_400_000) });
  }

  /** The real payment of the booking still goes through afterwards. */
  async function realPaymentWorks(held: { session: { id: string }; csId: string }) {
    const res = await deliver(fake.completeCheckout(held.csId));
    expect(res.json().outcome).toBe('pending');
    const after = await sessionOf(held.session.id);
    expect(after.status).toBe('pending');
    expect(after.paymentRef).toBe(fake.checkoutSessions.get(held.csId)!.payment_intent);
    expect(await requestMails(held.session.id)).toHaveLength(1);
  }

  it('wrong amount: nothing changes, the $0.01 is refunded once (also on duplicate delivery), then the real payment works', async () => {
    const held = await bookHeld();
    const event = fake.paidEvent({ ...fake.checkoutSessions.get(held.csId)!, amount_total: 1, amount_subtotal: 1 });
    const problem = await expectRefused(event, held, 'amount_mismatch');
    expect(problem).toMatchObject({ sessionId: held.session.id, amountCents: 1, currency: 'usd', expectedAmountCents: 6000, expectedCurrency: 'USD' });
    // The same event again, and the same payment under a new event id: no second problem, no second refund.
    expect((await deliver(event)).json().outcome).toBe('duplicate');
    expect((await deliver({ ...event, id: `${event.id}_again` })).json().outcome).toBe('mismatch');
    expect(await t.database.db.select().from(paymentProblems).where(eq(paymentProblems.sessionId, held.session.id))).toHaveLength(1);
    expect(await refundRows(piOf(event))).toHaveLength(1);
    await refundAll();
    await refundAll();
    const pi = piOf(event);
    expect(fake.refunds.filter((r) => r.payment_intent === pi)).toMatchObject([{ amount: 1, currency: 'usd' }]);
    expect(fake.requestsTo('/v1/refunds').filter((r) => r.idempotencyKey === `refund:${pi}`)).toHaveLength(1);
    expect((await refundRows(pi))[0]).toMatchObject({ status: 'succeeded', sessionId: held.session.id, amountCents: 1, currency: 'usd' });
    await realPaymentWorks(held);
    // The refused payment's refund is not the session's: the session page shows it as paid, not refunded.
    const page = await held.mentee.get(`/sessions/${held.session.id}`);
    expect(page.body).not.toContain('Refund:');
  });

  it('one mismatched payment delivered 10 times at once under different event ids: one problem, one refund', async () => {
    const held = await bookHeld();
    const event = fake.paidEvent({ ...fake.checkoutSessions.get(held.csId)!, amount_total: 5999 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => deliver({ ...event, id: `${event.id}_${i}` })));
    expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(results.map((r) => r.json().outcome)).toEqual(Array(10).fill('mismatch'));
    expect(await t.database.db.select().from(paymentProblems).where(eq(paymentProblems.paymentRef, piOf(event)))).toHaveLength(1);
    expect(await refundRows(piOf(event))).toHaveLength(1);
    expect((await sessionOf(held.session.id)).status).toBe('awaiting_payment');
  });

  it('wrong currency (same number, in yen) is refused; the booking currency in another letter case is not a mismatch', async () => {
    const held = await bookHeld();
    const cs = fake.checkoutSessions.get(held.csId)!;
    const problem = await expectRefused(fake.paidEvent({ ...cs, currency: 'jpy' }), held, 'currency_mismatch');
    expect(problem).toMatchObject({ amountCents: 6000, currency: 'jpy', expectedCurrency: 'USD' });
    await refundAll();
    expect(fake.refunds.filter((r) => r.payment_intent === problem.paymentRef)).toMatchObject([{ amount: 6000, currency: 'jpy' }]);
    const upper = fake.completeCheckout(held.csId);
    (upper.data.object as { currency: string }).currency = 'USD';
    expect((await deliver(upper)).json().outcome).toBe('pending');
  });

  it('a checkout id we did not create for the booking is refused, even when its metadata and client_reference_id name the booking', async () => {
    const held = await bookHeld();
    const cs = fake.checkoutSessions.get(held.csId)!;
    const forged = fake.paidEvent({ ...cs, id: 'cs_test_not_created_by_us', metadata: { session_id: held.session.id }, client_reference_id: held.session.id });
    const problem = await expectRefused(forged, held, 'unknown_checkout');
    expect(problem).toMatchObject({ sessionId: held.session.id, expectedAmountCents: null });
    // client_reference_id alone (no metadata) is not trusted either.
    const byReference = fake.paidEvent({ ...cs, id: 'cs_test_also_not_ours', metadata: {}, client_reference_id: held.session.id });
    await expectRefused(byReference, held, 'unknown_checkout');
    await refundAll();
    expect(fake.refunds.filter((r) => r.payment_intent === problem.paymentRef)).toHaveLength(1);
    await realPaymentWorks(held);
  });

  it('our checkout whose metadata or client_reference_id names another booking is refused; neither booking changes', async () => {
    const a = await bookHeld();
    const b = await bookHeld();
    const cs = fake.checkoutSessions.get(a.csId)!;
    const problem = await expectRefused(fake.paidEvent({ ...cs, metadata: { session_id: b.session.id }, client_reference_id: b.session.id }), a, 'booking_mismatch');
    expect(problem.sessionId).toBe(a.session.id);
    await expectRefused(fake.paidEvent({ ...cs, client_reference_id: b.session.id }), a, 'booking_mismatch');
    expect((await sessionOf(b.session.id)).status).toBe('awaiting_payment');
    // An "expired" event for A's checkout that names B does not release B (nor A).
    const expired = fake.event('checkout.session.expired', { ...cs, status: 'expired', metadata: { session_id: b.session.id }, client_reference_id: null });
    expect((await deliver(expired)).json().outcome).toBe('unchanged');
    expect((await sessionOf(b.session.id)).status).toBe('awaiting_payment');
    expect((await sessionOf(a.session.id)).status).toBe('awaiting_payment');
    await realPaymentWorks(a);
    await realPaymentWorks(b);
  });

  it('admins see refused payments on the session page and in the list of payment problems', async () => {
    const held = await bookHeld();
    const event = fake.paidEvent({ ...fake.checkoutSessions.get(held.csId)!, amount_total: 1 });
    await expectRefused(event, held, 'amount_mismatch');
    const admin = await t.loginAs('admin');
    const detail = await admin.get(`/admin/sessions/${held.session.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('Refused payments');
    expect(detail.body).toContain('Wrong amount');
    expect(detail.body).toContain(piOf(event));
    expect(detail.body).toContain('payment.refused');
    const home = await admin.get('/admin');
    expect(home.body).toContain('href="/admin/payments"');
    const list = await admin.get('/admin/payments');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(piOf(event));
    expect(list.body).toContain(event.id);
    expect(list.body).toContain(`href="/admin/sessions/${held.session.id}"`);
    expect(list.body).toMatch(/received \$0\.01 USD, expected \$60\.00 USD/);
    expect((await held.mentee.get('/admin/payments')).statusCode).toBe(403);
  });
});

describe('an admin releases an unpaid hold', () => {
  it('frees the slot at once, expires the Stripe checkout, and a late payment for it is refunded, not revived', async () => {
    const held = await bookHeld();
    const admin = await t.loginAs('admin');
    const page = await admin.get(`/admin/sessions/${held.session.id}`);
    expect(page.body).toContain(`action="/admin/sessions/${held.session.id}/release"`);
    const res = await admin.submit(`/admin/sessions/${held.session.id}/release`, {}, `/admin/sessions/${held.session.id}`);
    expect(res.statusCode).toBe(303);
    const after = await sessionOf(held.session.id);
    expect(after.status).toBe('expired');
    expect(after.holdReleasedAt).not.toBeNull();
    expect(fake.checkoutSessions.get(held.csId)!.status).toBe('expired');
    expect(fake.requestsTo(`/v1/checkout/sessions/${held.csId}/expire`)).toHaveLength(1);
    const audit = await t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, held.session.id), eq(auditLog.action, 'session.hold_released')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(admin.user.id);
    // Releasing again changes nothing.
    expect((await admin.submit(`/admin/sessions/${held.session.id}/release`, {}, `/admin/sessions/${held.session.id}`)).statusCode).toBe(409);
    // Had it been paid anyway (the checkout could not be closed in time), the money goes back and the slot stays free.
    const late = await deliver(fake.paidEvent({ ...fake.checkoutSessions.get(held.csId)! }));
    expect(late.json().outcome).toBe('refund-requested');
    expect((await sessionOf(held.session.id)).status).toBe('expired');
    const other = await bookHeld({ mentorId: held.mentorId, start: held.start });
    expect(other.session.status).toBe('awaiting_payment');
  });
});
