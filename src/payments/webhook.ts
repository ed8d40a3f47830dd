import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import type { Db } from '../db/client';
import { eq } from 'drizzle-orm';
import { processedEvents, sessions } from '../db/schema';
import { isDatabaseUnavailable } from '../db/unavailable';
import { releaseUnpaidTx } from '../booking/holds';
import { recordCheckoutPaymentTx, type ReceivedPayment } from './record';
import { createRefusalRecorder } from './webhook-state';
import { createStripeWebhookVerifier, STRIPE_WEBHOOK_EVENTS, STRIPE_WEBHOOK_PATH, WebhookVerificationError } from './stripe';

/**
 * POST /webhooks/stripe: Stripe tells us a checkout was paid, expired or failed. Authenticated by the
 * Stripe-Signature header over the raw body (so no CSRF token), de-duplicated by event id in the same
 * transaction as the effect. Registered only when the payment provider is Stripe.
 */
export async function stripeWebhookRoutes(app: FastifyInstance) {
  const { config, database, payments, now, wakeWorker } = app.services;
  if (payments.name !== 'stripe' || config.payments.provider !== 'stripe') return;
  const verifier = createStripeWebhookVerifier(config.payments.stripe);
  const recordRefusal = createRefusalRecorder({ db: database.db, now, provider: 'stripe', log: app.log });

  // Scoped to this plugin: the signature covers the exact bytes, so keep them instead of parsing JSON.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // Stripe reads status codes, not pages: answer JSON here, and let a 5xx make it retry.
  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      app.services.outage.report(error, request.log);
      return reply.code(503).header('retry-after', '5').send({ error: 'Database unavailable; retry later.' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'stripe webhook failed');
    // A body refused before the handler (wrong content type, too large, malformed): its fixed error code is
    // the reason, since the message may echo what the poster sent.
    else await recordRefusal({ reason: `Unreadable body: HTTP ${status} ${(error as { code?: string }).code ?? 'error'}`, ip: request.ip });
    return reply.code(status).send({ error: status >= 500 ? 'Internal error; retry later.' : error.message });
  });

  app.post(STRIPE_WEBHOOK_PATH, { config: { csrf: false }, bodyLimit: 512 * 1024 }, async (request, reply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw) || raw.length === 0) {
      const error = 'Expected a JSON body (Content-Type: application/json).';
      await recordRefusal({ reason: error, ip: request.ip });
      return reply.code(400).send({ error });
    }
    let event: Stripe.Event;
    try {
      event = verifier.verify(raw, request.headers['stripe-signature']);
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      request.log.warn({ reason: err.message }, 'stripe webhook refused');
      // The verifier's message names what was wrong (no header, bad signature, stale timestamp), never the secret.
      await recordRefusal({ reason: `Webhook signature verification failed: ${err.message}`, ip: request.ip });
      return reply.code(400).send({ error: `Webhook signature verification failed: ${err.message}` });
    }
    const result = await applyStripeEvent(database.db, event, now());
    request.log.info({ eventId: event.id, type: event.type, outcome: result.outcome }, 'stripe webhook');
    if (result.outcome === 'pending' || result.outcome === 'refund-requested' || result.outcome === 'mismatch') wakeWorker();
    return reply.code(200).send({ received: true, outcome: result.outcome });
  });
}

type Decision =
  | { kind: 'pay'; payment: ReceivedPayment }
  | { kind: 'release'; checkoutRef: string; claimedSessionIds: string[] }
  | { kind: 'wait'; checkoutRef: string; claimedSessionIds: string[] }
  | { kind: 'ignore' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What an event means for us, decided from the checkout session it carries, not from event order. */
function decide(event: Stripe.Event): Decision {
  if (!(STRIPE_WEBHOOK_EVENTS as readonly string[]).includes(event.type)) return { kind: 'ignore' };
  const cs = event.data.object as Stripe.Checkout.Session;
  // What the metadata says; the booking itself is found by our stored checkout id, which both must agree with.
  const claimedSessionIds = [...new Set([cs.metadata?.session_id, cs.client_reference_id].filter((v): v is string => typeof v === 'string' && v !== ''))];
  const checkoutRef = typeof cs.id === 'string' ? cs.id : '';
  if (!checkoutRef) return { kind: 'ignore' };
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      // completed + unpaid: a delayed method (bank debit) is pending; async_payment_* follows.
      if (cs.payment_status !== 'paid') return { kind: 'wait', checkoutRef, claimedSessionIds };
      const pi = typeof cs.payment_intent === 'string' ? cs.payment_intent : cs.payment_intent?.id;
      return {
        kind: 'pay',
        payment: {
          checkoutRef, paymentRef: pi ?? checkoutRef, amountCents: cs.amount_total ?? 0, currency: cs.currency ?? '', claimedSessionIds, eventId: event.id,
        },
      };
    }
    default:
      return { kind: 'release', checkoutRef, claimedSessionIds };
  }
}

export type StripeEventOutcome = 'pending' | 'already-paid' | 'refund-requested' | 'not-found' | 'mismatch' | 'released' | 'unchanged' | 'waiting' | 'ignored' | 'duplicate';

/**
 * Applies one verified event. The event id is inserted in the same transaction as the effect: a
 * redelivery (or a replayed request with a fresh signature) finds it and does nothing, and an effect
 * that fails rolls the id back so Stripe's retry runs it again.
 */
export async function applyStripeEvent(db: Db, event: Stripe.Event, now: Date): Promise<{ outcome: StripeEventOutcome }> {
  const decision = decide(event);
  if (decision.kind === 'ignore') return { outcome: 'ignored' };
  return db.transaction(async (tx) => {
    const [fresh] = await tx
      .insert(processedEvents)
      .values({ id: event.id, type: event.type, receivedAt: now })
      .onConflictDoNothing({ target: processedEvents.id })
      .returning({ id: processedEvents.id });
    if (!fresh) return { outcome: 'duplicate' as const };
    const checkoutRef = decision.kind === 'pay' ? decision.payment.checkoutRef : decision.checkoutRef;
    const claimed = decision.kind === 'pay' ? decision.payment.claimedSessionIds : decision.claimedSessionIds;
    const [ours] = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.checkoutRef, checkoutRef));
    // Neither our checkout nor naming one of our bookings: another integration on the same account.
    if (!ours && !claimed.some((id) => UUID.test(id))) return { outcome: 'ignored' as const };
    switch (decision.kind) {
      case 'pay':
        return { outcome: await recordCheckoutPaymentTx(tx, { payment: decision.payment, now }) };
      case 'release':
        // Only our own checkout releases a hold: a foreign one naming our booking changes nothing.
        if (!ours || claimed.some((id) => id !== ours.id)) return { outcome: 'unchanged' as const };
        return { outcome: (await releaseUnpaidTx(tx, { sessionId: ours.id, now })) ? ('released' as const) : ('unchanged' as const) };
      case 'wait':
        return { outcome: 'waiting' as const };
    }
  });
}
