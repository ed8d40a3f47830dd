import type { Config } from '../config';
import type { Db } from '../db/client';
import type { PaymentCheck, PaymentProvider } from '../payments/provider';
import { reportOf, type CheckReport, type CheckStep } from './check';

const PROVIDER_NAMES: Record<PaymentProvider['name'], string> = { stripe: 'Stripe', test: 'The test provider' };

/** Checks the payment provider's key (test or live), the webhook secret, and the webhook URL to register. */
export async function checkPayments(options: { config: Config; db: Db; provider: PaymentProvider; now?: () => Date; timeoutMs?: number }): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const found = await options.provider.check({ appUrl: options.config.appUrl, timeoutMs: options.timeoutMs });
  const mismatch = checkModeMatchesEnv(found.mode, options.config.env);
  const name = PROVIDER_NAMES[options.provider.name];
  return reportOf({
    integration: 'payments',
    steps: mismatch ? [...found.steps, mismatch] : found.steps,
    summary: { ok: summaryOf(name, found.mode), failed: `${name} payments are not ready` },
    startedAt,
    finishedAt: now(),
  });
}

function summaryOf(name: string, mode: PaymentCheck['mode']): string {
  switch (mode) {
    case 'simulated':
      return 'Payments are simulated (PAYMENT_PROVIDER=test): no money moves; bookings are paid on the built-in test checkout page.';
    case 'live':
      return `${name} payments work, in LIVE mode: real payments.`;
    case 'test':
      return `${name} payments work, in test mode: no real money moves.`;
    case 'unknown':
      return `${name} payments work.`;
  }
}

/**
 * (d) The key's mode against NODE_ENV. A live key outside production fails: a development or test instance
 * (demo data, test runs, a laptop) would charge real cards, and nothing there needs real money. A test key
 * in production is only a note: a staging server runs NODE_ENV=production with test keys on purpose; the line
 * says plainly that bookings are then "paid" without money.
 */
function checkModeMatchesEnv(mode: PaymentCheck['mode'], env: Config['env']): CheckStep | null {
  if (mode === 'live' && env !== 'production') {
    return {
      label: 'Mode and NODE_ENV', outcome: 'failed', detail: `a LIVE key with NODE_ENV=${env}: this instance would charge real cards.`,
      fix: 'Use a test key (sk_test_…) in STRIPE_SECRET_KEY here, or set NODE_ENV=production on the live server.',
    };
  }
  if (mode === 'test' && env === 'production') {
    return {
      label: 'Mode and NODE_ENV', outcome: 'ok',
      detail: 'note: a test key with NODE_ENV=production: bookings are marked paid but no money is collected (fine for staging; a live site needs sk_live_… in STRIPE_SECRET_KEY)',
    };
  }
  return null;
}
