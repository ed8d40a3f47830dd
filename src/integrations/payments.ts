import type { Config } from '../config';
import type { Db } from '../db/client';
import type { PaymentProvider } from '../payments/provider';
import type { CheckReport } from './check';

/** Checks the payment provider's key (test or live), the webhook secret, and the webhook URL to register. */
export async function checkPayments(_options: { config: Config; db: Db; provider: PaymentProvider; now?: () => Date }): Promise<CheckReport> {
  throw new Error('checkPayments: being built on its branch');
}
