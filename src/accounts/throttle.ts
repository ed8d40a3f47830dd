import { and, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { loginFailures } from '../db/schema';

/** Failed log-ins allowed per window, per account and per client address, before log-in is refused. */
export const THROTTLE = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 30 };

/** Log-in failures, and password-reset requests (each one counts), are counted apart under the same limits. */
export type ThrottleScope = 'login' | 'password-reset';

const keysFor = (email: string, ip: string, scope: ThrottleScope = 'login') => {
  const prefix = scope === 'login' ? '' : `${scope}:`;
  return { account: `${prefix}account:${email}`, address: `${prefix}ip:${ip}` };
};

/** Seconds to wait before trying again, or 0 when a log-in attempt may go ahead. */
export async function loginRetryAfter(options: { db: Db; email: string; ip: string; now: Date; scope?: ThrottleScope }): Promise<number> {
  const keys = keysFor(options.email, options.ip, options.scope);
  const windowStartAfter = new Date(options.now.getTime() - THROTTLE.windowMs);
  const rows = await options.db
    .select()
    .from(loginFailures)
    .where(and(inArray(loginFailures.key, [keys.account, keys.address]), gt(loginFailures.windowStart, windowStartAfter)));
  const blocked = rows.filter((r) => r.count >= (r.key === keys.account ? THROTTLE.perAccount : THROTTLE.perAddress));
  if (blocked.length === 0) return 0;
  const until = Math.max(...blocked.map((r) => r.windowStart.getTime() + THROTTLE.windowMs));
  return Math.max(1, Math.ceil((until - options.now.getTime()) / 1000));
}

/** Counts one failure against the account and the address (an atomic upsert; safe across processes). */
export async function recordLoginFailure(options: { db: Db; email: string; ip: string; now: Date; scope?: ThrottleScope }): Promise<void> {
  const keys = keysFor(options.email, options.ip, options.scope);
  const stale = new Date(options.now.getTime() - THROTTLE.windowMs);
  await options.db
    .insert(loginFailures)
    .values([keys.account, keys.address].map((key) => ({ key, count: 1, windowStart: options.now })))
    .onConflictDoUpdate({
      target: loginFailures.key,
      set: {
        count: sql`case when ${loginFailures.windowStart} <= ${stale} then 1 else ${loginFailures.count} + 1 end`,
        windowStart: sql`case when ${loginFailures.windowStart} <= ${stale} then excluded.window_start else ${loginFailures.windowStart} end`,
      },
    });
}

export async function clearAccountFailures(options: { db: Db; email: string }): Promise<void> {
  await options.db.delete(loginFailures).where(inArray(loginFailures.key, [`account:${options.email}`]));
}
