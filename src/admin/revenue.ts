import { and, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { refunds, sessions } from '../db/schema';

/**
 * The revenue overview: booking payments (sessions.paid_at, price and currency) and the refunds of those
 * payments, per calendar month in UTC. A refund counts in the month it was completed at the provider;
 * one still owed is reported apart. Refused payments (payment problems) are refunded in full and never
 * counted as revenue, so neither they nor their refunds appear here.
 */

export const REVENUE_MONTHS = 12;

export interface RevenueMonth {
  /** "2026-11" */
  month: string;
  paidCents: number;
  payments: number;
  refundedCents: number;
  refunds: number;
  netCents: number;
}

export interface CurrencyRevenue {
  currency: string;
  months: RevenueMonth[];
  total: Omit<RevenueMonth, 'month'>;
  /** Refunds owed but not completed yet (requested, or failed and waiting for an admin's Retry). */
  outstanding: { cents: number; count: number };
}

export interface RevenueReport {
  /** The first and last month shown, oldest first in `months`. */
  from: string;
  to: string;
  currencies: CurrencyRevenue[];
}

const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;

/** The last `REVENUE_MONTHS` calendar months in UTC, this one included, oldest first. */
export function revenueMonths(now: Date): { start: Date; keys: string[] } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (REVENUE_MONTHS - 1), 1));
  const keys = Array.from({ length: REVENUE_MONTHS }, (_, i) => monthKey(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + i, 1))));
  return { start, keys };
}

export async function loadRevenue(options: { db: Db; now: Date }): Promise<RevenueReport> {
  const { db } = options;
  const { start, keys } = revenueMonths(options.now);
  const paidMonth = sql<string>`to_char(${sessions.paidAt} at time zone 'UTC', 'YYYY-MM')`;
  const refundMonth = sql<string>`to_char(${refunds.completedAt} at time zone 'UTC', 'YYYY-MM')`;
  // Only refunds of a booking's own payment: the join by payment id leaves out refused payments.
  const bookingRefunds = and(eq(refunds.paymentRef, sessions.paymentRef), eq(refunds.sessionId, sessions.id));
  const [paid, refunded, owed] = await Promise.all([
    db.select({ currency: sessions.currency, month: paidMonth, cents: sql<string>`sum(${sessions.priceCents})`, n: sql<string>`count(*)` })
      .from(sessions).where(and(isNotNull(sessions.paidAt), gte(sessions.paidAt, start)))
      .groupBy(sessions.currency, paidMonth),
    db.select({ currency: refunds.currency, month: refundMonth, cents: sql<string>`sum(${refunds.amountCents})`, n: sql<string>`count(*)` })
      .from(refunds).innerJoin(sessions, bookingRefunds)
      .where(and(eq(refunds.status, 'succeeded'), gte(refunds.completedAt, start)))
      .groupBy(refunds.currency, refundMonth),
    db.select({ currency: refunds.currency, cents: sql<string>`sum(${refunds.amountCents})`, n: sql<string>`count(*)` })
      .from(refunds).innerJoin(sessions, bookingRefunds)
      .where(inArray(refunds.status, ['requested', 'failed']))
      .groupBy(refunds.currency),
  ]);

  const byCurrency = new Map<string, CurrencyRevenue>();
  const entry = (currency: string) => {
    let c = byCurrency.get(currency);
    if (!c) {
      c = {
        currency,
        months: keys.map((month) => ({ month, paidCents: 0, payments: 0, refundedCents: 0, refunds: 0, netCents: 0 })),
        total: { paidCents: 0, payments: 0, refundedCents: 0, refunds: 0, netCents: 0 },
        outstanding: { cents: 0, count: 0 },
      };
      byCurrency.set(currency, c);
    }
    return c;
  };
  for (const r of paid) {
    const m = entry(r.currency).months.find((x) => x.month === r.month);
    if (m) { m.paidCents += Number(r.cents); m.payments += Number(r.n); }
  }
  for (const r of refunded) {
    const m = entry(r.currency).months.find((x) => x.month === r.month);
    if (m) { m.refundedCents += Number(r.cents); m.refunds += Number(r.n); }
  }
  for (const r of owed) {
    const c = entry(r.currency);
    c.outstanding = { cents: Number(r.cents), count: Number(r.n) };
  }
  for (const c of byCurrency.values()) {
    for (const m of c.months) {
      m.netCents = m.paidCents - m.refundedCents;
      c.total.paidCents += m.paidCents;
      c.total.payments += m.payments;
      c.total.refundedCents += m.refundedCents;
      c.total.refunds += m.refunds;
    }
    c.total.netCents = c.total.paidCents - c.total.refundedCents;
  }
  const currencies = [...byCurrency.values()].sort((a, b) => b.total.paidCents - a.total.paidCents || a.currency.localeCompare(b.currency));
  return { from: keys[0]!, to: keys[keys.length - 1]!, currencies };
}
