import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentProblems } from '../src/db/schema';
import { formatMoney } from '../src/web/money';
import { PROBLEMS_PAGE } from '../src/payments/problems';
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

describe('the payment problems page', () => {
  let t: TestApp;
  beforeAll(async () => { t = await buildTestApp(); });
  afterAll(async () => { await t.close(); });

  it('pages back 50 at a time, newest first, each problem once, with ties in time kept apart by id', async () => {
    // 120 problems, three a minute: two at the same instant (the keyset must order within a tie) and
    // one 7 microseconds later (finer than a JavaScript Date: a cursor must not round it away).
    await t.database.db.insert(paymentProblems).values(Array.from({ length: 120 }, (_, i) => ({
      paymentRef: `pi_paged_${String(i).padStart(3, '0')}`, amountCents: 100, currency: 'usd', reason: 'unknown_checkout' as const,
      createdAt: sql`'2026-01-01T00:00:00Z'::timestamptz + ${Math.floor(i / 3)} * interval '1 minute' + ${i % 3 === 2 ? 7 : 0} * interval '1 microsecond'`,
    })));
    const admin = await t.loginAs('admin');
    const seen: string[] = [];
    const minutes: number[] = [];
    let url: string | undefined = '/admin/payments';
    for (let page = 0; url && page < 10; page++) {
      const res = await admin.get(url);
      expect(res.statusCode).toBe(200);
      const refs = [...res.body.matchAll(/payment <code>(pi_paged_\d+)<\/code>/g)].map((m) => m[1]!);
      expect(refs.length).toBeLessThanOrEqual(PROBLEMS_PAGE);
      seen.push(...refs);
      minutes.push(...refs.map((r) => Math.floor(Number(r.slice(-3)) / 3)));
      if (page > 0) expect(res.body).toContain('href="/admin/payments">&#8592; Newest problems</a>');
      url = /href="(\/admin\/payments\?before=[^"]+)">Older problems/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(minutes).toEqual([...minutes].sort((a, b) => b - a));
    // A cursor edited by hand shows the newest page rather than an error.
    const odd = await admin.get('/admin/payments?before=yesterday');
    expect(odd.statusCode).toBe(200);
    expect(odd.body).toContain('pi_paged_119');
  });
});

