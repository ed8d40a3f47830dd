import type { Config } from '../config';
import type { PaymentProvider } from './provider';
import { createStripePaymentProvider } from './stripe';
import { createTestPaymentProvider } from './test-provider';

/** The one place the payment provider is chosen, from PAYMENT_PROVIDER. */
export function createPaymentProvider(config: Config): PaymentProvider {
  const payments = config.payments;
  switch (payments.provider) {
    case 'test':
      return createTestPaymentProvider();
    case 'stripe':
      return createStripePaymentProvider(payments.stripe);
  }
}
