import type { CheckStep } from '../integrations/check';

/** The payment provider, in our own terms. Stripe and the in-app test provider implement it. */
export interface PaymentProvider {
  readonly name: 'stripe' | 'test';
  /** Starts a checkout for one session; the mentee is sent to redirectUrl to pay. */
  createCheckout(input: CheckoutInput): Promise<{ checkoutRef: string; redirectUrl: string }>;
  /** Closes an unpaid checkout so it can no longer be paid (Stripe: expire). A no-op where checkouts cannot be closed. */
  expireCheckout(checkoutRef: string): Promise<void>;
  /** Refunds a payment in full. Idempotent per idempotencyKey: a retry never refunds twice. */
  refund(input: { paymentRef: string; amountCents: number; idempotencyKey: string; reason: string }): Promise<{ refundRef: string }>;
  /**
   * Checks the provider's key and webhook setup without moving money (`payments:test`, /admin/integrations).
   * Every wait is bounded by timeoutMs; nothing in the steps is a secret.
   */
  check(options: { appUrl: string; timeoutMs?: number }): Promise<PaymentCheck>;
}

/** What a provider's own check found; checkPayments adds what is the same for every provider. */
export interface PaymentCheck {
  steps: CheckStep[];
  /**
   * live: real money moves; test: the provider's sandbox; simulated: no provider at all (the in-app test
   * checkout); unknown: the key could not be read.
   */
  mode: 'live' | 'test' | 'simulated' | 'unknown';
}

export interface CheckoutInput {
  sessionId: string;
  amountCents: number;
  currency: string;
  description: string;
  customerEmail: string;
  successUrl: string;
  cancelUrl: string;
  /** The checkout must not outlive the slot hold. */
  expiresAt: Date;
}
