import { and, eq, gt, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import { releaseHoldsOfTx } from '../booking/holds';
import type { Db } from '../db/client';
import { AppError } from '../errors';
import { sessions, users } from '../db/schema';
import type { Actor } from '../sessions/machine';
import { cancelSession } from '../sessions/transitions';
import { endUserSessions } from './sessions';
import { retireTokens } from './tokens';

export type AccountStatusResult = { ok: true; cancelled: number; released: number } | AppError;

/**
 * An admin deactivates an account, all in one transaction: the account is marked (compare-and-swap),
 * its login sessions and links end, its unpaid holds give their slots back, and its future paid
 * sessions are cancelled through the usual transition (refund rule, emails, audit) with the admin as actor.
 */
export async function deactivateUser(options: { db: Db; userId: string; actor: Actor; now: Date; ip?: string }): Promise<AccountStatusResult> {
  const { db, userId, actor, now, ip } = options;
  if (userId === actor.id) return new AppError('invalid', 'You cannot deactivate your own account.');
  return db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ deactivatedAt: now })
      .where(and(eq(users.id, userId), isNull(users.deactivatedAt))).returning({ id: users.id, name: users.name });
    if (!user) {
      const [exists] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      return exists ? new AppError('conflict', 'This account is already deactivated.') : new AppError('not_found', 'There is no such account.');
    }
    await endUserSessions({ tx, userId });
    await retireTokens({ tx, userId, purpose: 'password_reset', now });
    await retireTokens({ tx, userId, purpose: 'email_verification', now });
    // Released like an admin's "Release hold": a payment that still arrives is refunded, never revives it.
    const released = await releaseHoldsOfTx(tx, { userId, actor, now, reason: 'account deactivated', ip });
    const upcoming = await tx.select({ id: sessions.id }).from(sessions)
      .where(and(inArray(sessions.status, ['pending', 'confirmed']), gt(sessions.startsAt, now), or(eq(sessions.menteeId, userId), eq(sessions.mentorId, userId))));
    let cancelled = 0;
    for (const s of upcoming) {
      // A transaction is a database too: each cancellation runs in a savepoint of this one.
      const result = await cancelSession({ db: tx as unknown as Db, sessionId: s.id, actor, now, ip });
      if (result.ok) cancelled++;
    }
    await recordAudit(tx, {
      actorId: actor.id, action: 'account.deactivated', subjectType: 'user', subjectId: userId,
      data: { sessionsCancelled: cancelled, holdsReleased: released }, ip,
    });
    return { ok: true, cancelled, released } as const;
  });
}

/** An admin lets a deactivated account log in again (what was cancelled stays cancelled). */
export async function reactivateUser(options: { db: Db; userId: string; actor: Actor; ip?: string }): Promise<AccountStatusResult> {
  const { db, userId, actor } = options;
  return db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ deactivatedAt: null })
      .where(and(eq(users.id, userId), isNotNull(users.deactivatedAt))).returning({ id: users.id });
    if (!user) {
      const [exists] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
      return exists ? new AppError('conflict', 'This account is already active.') : new AppError('not_found', 'There is no such account.');
    }
    await recordAudit(tx, { actorId: actor.id, action: 'account.reactivated', subjectType: 'user', subjectId: userId, ip: options.ip });
    return { ok: true, cancelled: 0, released: 0 } as const;
  });
}
