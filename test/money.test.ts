import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentProblems } from '../src/db/schema';
import { formatMoney } from '../src/web/money';
import { buildTestApp, type TestApp } from './helpers/app';

describe('formatMoney', () => {
  it('formats currency codes, and shows anything else as it came instead of throwing', () => {
    expect(formatMoney(4500, 'USD')).toBe('$45.00');
    expect(formatMoney(4500, 'usd')).toBe('$45.00');
    expect(formatMoney(100, 'ab')).toBe('1.00 (ab)');
    expect(formatMoney(100, '')).toBe('1.00 (no currency)');
  });
});

describe('a refused payment in a currency that is not one', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t.close(); });

  it('is listed on the payment problems page, not a 500', async () => {
    // What the test checkout or a foreign Stripe event can send: two letters, no currency at all.
    await t.database.db.insert(paymentProblems).values({ paymentRef: 'pi_odd_currency', amountCents: 100, currency: 'ab', reason: 'unknown_checkout' });
    const admin = await t.loginAs('admin');
    const page = await admin.get('/admin/payments');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('received 1.00 (AB)');
  });
});
