import type { PaymentProvider } from './provider';

/**
 * Test mode: no money moves. Checkout is an in-app page (clearly marked) whose "Pay" button records
 * the payment through the same recordPayment() a Stripe webhook uses.
 */
export function createTestPaymentProvider(): PaymentProvider {
  return {
    name: 'test',
    async createCheckout(input) {
      // Same-origin and relative: the booking form's redirect stays within CSP form-action 'self'.
      return { checkoutRef: `test_cs_${input.sessionId}`, redirectUrl: `/checkout/test/${input.sessionId}` };
    },
    async expireCheckout() {
      // The test checkout page checks the session's status: a released hold cannot be paid there.
    },
    async refund(input) {
      return { refundRef: `test_re_${input.idempotencyKey.replace(/[^\w-]/g, '_')}` };
    },
    async check() {
      return {
        mode: 'simulated',
        steps: [{
          label: 'Payments simulated (PAYMENT_PROVIDER=test)', outcome: 'ok',
          detail: 'no money moves; bookings are paid on the built-in test checkout page',
        }],
      };
    },
  };
}
