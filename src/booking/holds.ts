import { and, eq, gt, lte, or, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { sessions, users } from '../db/schema';
import type { AppError } from '../errors';
import { SYSTEM, transition, transitionTx, type Actor, type SystemActor } from '../sessions/machine';

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

export type ReleaseResult = { ok: true; checkoutRef: string | null } | AppError;

/**
 * An admin, or the hold's own mentee, ends an unpaid hold: awaiting_payment → expired, with an audit row.
 * The slot is free at once; a payment that still arrives for it is refunded, never revives it (see recordPaymentTx).
 */
export async function releaseHold(options: {
  db: Db; sessionId: string; actorId: string; now: Date; ip?: string | null;
  /** Who asks: an admin (the default) or a mentee, whom the state machine lets release only their own hold. */
  actorRole?: 'admin' | 'mentee';
  reason?: string;
}): Promise<ReleaseResult> {
  const result = await transition({
    db: options.db, sessionId: options.sessionId, verb: 'release', actor: { id: options.actorId, role: options.actorRole ?? 'admin' }, now: options.now, ip: options.ip,
    audit: options.reason ? { reason: options.reason } : undefined,
    set: { holdReleasedAt: options.now, updatedAt: options.now },
    effects: async (_tx, row) => ({ checkoutRef: row.checkoutRef }),
  });
  return result.ok ? { ok: true, checkoutRef: result.checkoutRef } : result;
}

/**
 * Unpaid holds given back: awaiting_payment → expired, each through the state machine with its audit
 * row, in the caller's transaction. Only awaiting_payment moves: a paid session stays paid. The one
 * path for a hold that lapsed, a checkout the provider closed unpaid or that could not start (verb
 * lapse), and holds an admin ends (verb release: a payment that still arrives is refunded).
 */
async function endHolds(tx: Tx, options: { which: SQL | undefined; verb: 'lapse' | 'release'; actor: Actor | SystemActor; now: Date; reason: string; ip?: string | null }): Promise<number> {
  const { now } = options;
  // Locked in one order, so two sweeps (or a sweep and a booking) queue rather than deadlock.
  const due = await tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.status, 'awaiting_payment'), options.which))
    .orderBy(sessions.id)
    .for('update');
  let ended = 0;
  for (const { id } of due) {
    const result = await transitionTx(tx, {
      sessionId: id, verb: options.verb, actor: options.actor, now, ip: options.ip, audit: { reason: options.reason },
      set: options.verb === 'release' ? { holdReleasedAt: now, updatedAt: now } : { updatedAt: now },
    });
    if (result.ok) ended++;
  }
  return ended;
}

/** Every unpaid hold of one person, ended as an admin's "Release hold" ends one (their account was deactivated). */
export function releaseHoldsOfTx(tx: Tx, options: { userId: string; actor: Actor; now: Date; reason: string; ip?: string | null }): Promise<number> {
  return endHolds(tx, { ...options, verb: 'release', which: or(eq(sessions.menteeId, options.userId), eq(sessions.mentorId, options.userId)) });
}

/**
 * Holds past their time give their slots back: all of them (the scheduled sweep), or only those of
 * these people (a booking, under their locks, so a lapsed hold never blocks it until the next sweep).
 */
export function expireLapsedHoldsTx(tx: Tx, options: { now: Date; of?: { mentorId: string; menteeId: string } }): Promise<number> {
  const { of } = options;
  return endHolds(tx, {
    verb: 'lapse', actor: SYSTEM,
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
  return (await endHolds(tx, { verb: 'lapse', actor: SYSTEM, which: eq(sessions.id, options.sessionId), now: options.now, reason: options.reason ?? 'checkout closed unpaid' })) === 1;
}
