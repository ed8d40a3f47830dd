import Stripe from 'stripe';
import type { PaymentProvider } from './provider';
import { checkStripe } from './stripe-check';

/**
 * Stripe through its official SDK. Only the base URL is configurable (STRIPE_API_URL), so tests point
 * the same SDK, serialisation, retries and error paths at a fake Stripe on 127.0.0.1.
 */
export interface StripeOptions {
  secretKey: string;
  /** STRIPE_API_URL, e.g. https://api.stripe.com/ */
  apiUrl: string;
  /** Per attempt; the SDK makes up to 1 + maxNetworkRetries attempts. */
  timeoutMs?: number;
  maxNetworkRetries?: number;
  /** STRIPE_WEBHOOK_SECRET: the provider only checks its shape (check()); createStripeWebhookVerifier verifies with it. */
  webhookSecret?: string;
}

/** A booking waits for this at most ~3 attempts long, plus short back-offs: a user is waiting. */
export const STRIPE_TIMEOUT_MS = 10_000;
export const STRIPE_MAX_NETWORK_RETRIES = 2;

/** Where Stripe posts events (src/payments/webhook.ts), and the events it handles: what an operator registers. */
export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
export const STRIPE_WEBHOOK_EVENTS = [
  'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired',
] as const;

/** The one place the SDK is configured. */
function stripeClient(options: StripeOptions): Stripe {
  const url = new URL(options.apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.secretKey, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    timeout: options.timeoutMs ?? STRIPE_TIMEOUT_MS,
    maxNetworkRetries: options.maxNetworkRetries ?? STRIPE_MAX_NETWORK_RETRIES,
    appInfo: { name: 'CodeMentorHub' },
  });
}

export function createStripePaymentProvider(options: StripeOptions): PaymentProvider {
  const stripe = stripeClient(options);
  return {
    name: 'stripe',
    async createCheckout(input) {
      const session = await stripe.checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [
            {
              price_data: {
                currency: input.currency.toLowerCase(),
                unit_amount: input.amountCents,
                product_data: { name: input.description },
              },
              quantity: 1,
            },
          ],
          customer_email: input.customerEmail,
          success_url: input.successUrl,
          cancel_url: input.cancelUrl,
          expires_at: Math.floor(input.expiresAt.getTime() / 1000),
          client_reference_id: input.sessionId,
          metadata: { session_id: input.sessionId },
        },
        // A retry (the SDK's, or a user's double click on one hold) gets the same Checkout Session back.
        { idempotencyKey: `checkout:${input.sessionId}` },
      );
      if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
      return { checkoutRef: session.id, redirectUrl: session.url };
    },
    async expireCheckout(checkoutRef) {
      await stripe.checkout.sessions.expire(checkoutRef);
    },
    async refund(input) {
      const refund = await stripe.refunds.create(
        { payment_intent: input.paymentRef, amount: input.amountCents, metadata: { reason: input.reason.slice(0, 500) } },
        { idempotencyKey: input.idempotencyKey },
      );
      return { refundRef: refund.id };
    },
    check({ appUrl, timeoutMs }) {
      return checkStripe({
        stripe, secretKey: options.secretKey, webhookSecret: options.webhookSecret, apiUrl: options.apiUrl, appUrl, timeoutMs,
        webhook: { path: STRIPE_WEBHOOK_PATH, events: STRIPE_WEBHOOK_EVENTS },
      });
    },
  };
}

export type StripeEvent = Stripe.Event;

export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';
}

export interface StripeWebhookVerifier {
  /** The event, if the raw body carries a valid, fresh signature from our endpoint secret; else throws WebhookVerificationError. */
  verify(rawBody: Buffer, signatureHeader: string | string[] | undefined): Stripe.Event;
}

/**
 * Verifies `Stripe-Signature` on the raw body (HMAC-SHA256 with the endpoint secret, timestamps older than
 * 300 s refused). Future timestamps pass the SDK's check, so callers must still de-duplicate by event id.
 */
export function createStripeWebhookVerifier(options: StripeOptions & { webhookSecret: string }): StripeWebhookVerifier {
  const stripe = stripeClient(options);
  return {
    verify(rawBody, signatureHeader) {
      if (typeof signatureHeader !== 'string' || signatureHeader === '') {
        throw new WebhookVerificationError('Missing or repeated Stripe-Signature header.');
      }
      try {
        return stripe.webhooks.constructEvent(rawBody, signatureHeader, options.webhookSecret);
      } catch (err) {
        // Bad signature, stale timestamp, or a signed body that is not JSON: the SDK's message says which.
        throw new WebhookVerificationError(((err as Error).message ?? String(err)).split('\n')[0]!.trim());
      }
    },
  };
}
