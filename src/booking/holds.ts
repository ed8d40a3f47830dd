import { and, eq, gt, lte, or, type SQL } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { isUuid } from '../db/ids';
import { sessions, users } from '../db/schema';

/** Unpaid holds a mentee may have at once: one per mentor, and this many in all. */
export const MAX_UNPAID_HOLDS = 3;

export interface HoldRefusal {
  error: string;
  /** The existing hold the mentee can pay (or let lapse) instead. */
  holdId: string;
}

/**
 * Whether the mentee may hold one more slot with this mentor. Call inside the booking transaction,
 * after lockPeople: the mentee's lock queues their concurrent bookings, so the count cannot race.
 */
export async function checkHoldLimits(tx: Tx, options: { menteeId: string; mentorId: string; now: Date }): Promise<HoldRefusal | null> {
  const holds = await tx
    .select({ id: sessions.id, mentorId: sessions.mentorId, mentorName: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.mentorId))
    .where(and(eq(sessions.menteeId, options.menteeId), eq(sessions.status, 'awaiting_payment'), gt(sessions.holdExpiresAt, options.now)))
    .orderBy(sessions.holdExpiresAt);
  const same = holds.find((h) => h.mentorId === options.mentorId);
  if (same) {
    return { holdId: same.id, error: `You already have an unpaid booking with ${same.mentorName}. Pay for it, or let it lapse, before booking another time with them.` };
  }
  if (holds.length >= MAX_UNPAID_HOLDS) {
    return { holdId: holds[0]!.id, error: `You already have ${holds.length} unpaid bookings. Pay for one of them, or wait until one lapses, before booking another.` };
  }
  return null;
}

export type ReleaseResult = { ok: true; checkoutRef: string | null } | { ok: false; status: 404 | 409; error: string };

/**
 * An admin ends an unpaid hold: awaiting_payment → expired, with an audit row. The slot is free at once;
 * a payment that still arrives for it is refunded, never revives it (see recordPaymentTx).
 */
export async function releaseHold(options: { db: Db; sessionId: string; actorId: string; now: Date; ip?: string | null }): Promise<ReleaseResult> {
  if (!isUuid(options.sessionId)) return { ok: false, status: 404, error: 'There is no such session.' };
  return options.db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({ status: 'expired', holdReleasedAt: options.now, updatedAt: options.now })
      .where(and(eq(sessions.id, options.sessionId), eq(sessions.status, 'awaiting_payment')))
      .returning({ id: sessions.id, checkoutRef: sessions.checkoutRef });
    if (!row) {
      const [current] = await tx.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, options.sessionId));
      if (!current) return { ok: false, status: 404, error: 'There is no such session.' } as const;
      return { ok: false, status: 409, error: `This session is not an unpaid hold (it is ${current.status.replace('_', ' ')}), so there is nothing to release.` } as const;
    }
    await recordAudit(tx, { actorId: options.actorId, action: 'session.hold_released', subjectType: 'session', subjectId: row.id, data: { from: 'awaiting_payment', to: 'expired' }, ip: options.ip });
    return { ok: true, checkoutRef: row.checkoutRef } as const;
  });
}


/**
 * Unpaid holds given back: awaiting_payment → expired, each with its audit row, in the caller's
 * transaction. Only awaiting_payment moves: a paid session stays paid. The one path for a hold that
 * lapsed, a checkout the provider closed unpaid, and one that could not start.
 */
async function expireHolds(tx: Tx, options: { which: SQL | undefined; now: Date; reason: string }): Promise<number> {
  const rows = await tx
    .update(sessions)
    .set({ status: 'expired', updatedAt: options.now })
    .where(and(eq(sessions.status, 'awaiting_payment'), options.which))
    .returning({ id: sessions.id });
  for (const { id } of rows) {
    await recordAudit(tx, { actorId: null, action: 'session.expired', subjectType: 'session', subjectId: id, data: { from: 'awaiting_payment', to: 'expired', reason: options.reason } });
  }
  return rows.length;
}

/**
 * Holds past their time give their slots back: all of them (the scheduled sweep), or only those of
 * these people (a booking, under their locks, so a lapsed hold never blocks it until the next sweep).
 */
export function expireLapsedHoldsTx(tx: Tx, options: { now: Date; of?: { mentorId: string; menteeId: string } }): Promise<number> {
  const { of } = options;
  return expireHolds(tx, {
    which: and(lte(sessions.holdExpiresAt, options.now), of ? or(eq(sessions.mentorId, of.mentorId), eq(sessions.menteeId, of.menteeId)) : undefined),
    now: options.now, reason: 'hold lapsed',
  });
}

/** Scheduled sweep: unpaid holds past their time give their slots back. */
export async function expireLapsedHolds(options: { db: Db; now: Date }): Promise<number> {
  return options.db.transaction((tx) => expireLapsedHoldsTx(tx, options));
}

/** The provider says this checkout will never be paid (expired, or an async payment failed). */
export async function releaseUnpaid(options: { db: Db; sessionId: string; now: Date; reason?: string }): Promise<boolean> {
  return options.db.transaction((tx) => releaseUnpaidTx(tx, options));
}

/** releaseUnpaid inside the caller's transaction; `reason` (for the audit row) says why the checkout ended. */
export async function releaseUnpaidTx(tx: Tx, options: { sessionId: string; now: Date; reason?: string }): Promise<boolean> {
  return (await expireHolds(tx, { which: eq(sessions.id, options.sessionId), now: options.now, reason: options.reason ?? 'checkout closed unpaid' })) === 1;
}
