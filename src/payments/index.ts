import type { Config } from '../config';
import type { PaymentProvider } from './provider';
import { createTestPaymentProvider } from './test-provider';

/** The one place the payment provider is chosen, from PAYMENT_PROVIDER. */
export function createPaymentProvider(config: Config): PaymentProvider {
  switch (config.payments.provider) {
    case 'test':
      return createTestPaymentProvider(config.appUrl);
    case 'stripe':
      throw new Error('PAYMENT_PROVIDER=stripe: the Stripe adapter is being added');
  }
}
