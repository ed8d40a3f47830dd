import type { Config } from '../config';
import type { PaymentProvider } from './provider';
import { createStripePaymentProvider } from './stripe';
import { createTestPaymentProvider } from './test-provider';

/** The one place the payment provider is chosen, from PAYMENT_PROVIDER. */
export function createPaymentProvider(config: Config): PaymentProvider {
  switch (config.payments.provider) {
    case 'test':
      return createTestPaymentProvider();
    case 'stripe': {
      const { secretKey, apiUrl } = config.payments.stripe;
      if (!secretKey) throw new Error('STRIPE_SECRET_KEY: is required when PAYMENT_PROVIDER=stripe');
      return createStripePaymentProvider({ secretKey, apiUrl });
    }
  }
}
