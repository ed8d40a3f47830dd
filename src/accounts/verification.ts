import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { enqueueEmail } from '../mail/outbox';
import { consumeToken, hashToken, issueToken } from './tokens';

/** Uses an email verification link (the welcome email's, or a resent one). Single use; a second use is refused. */
export async function verifyEmail(options: { db: Db; token: string; now: Date; ip?: string }): Promise<{ ok: boolean }> {
  const { now } = options;
  return options.db.transaction(async (tx) => {
    const userId = await consumeToken({ tx, token: options.token, purpose: 'email_verification', now });
    if (!userId) return { ok: false };
    const [row] = await tx.update(users).set({ emailVerifiedAt: now })
      .where(and(eq(users.id, userId), isNull(users.emailVerifiedAt))).returning({ id: users.id });
    if (row) await recordAudit(tx, { actorId: userId, action: 'account.email_verified', subjectType: 'user', subjectId: userId, ip: options.ip });
    return { ok: true };
  });
}

/** "Resend verification email" for a logged-in account whose address is not confirmed yet. False when it already is. */
export async function resendVerification(options: { db: Db; userId: string; now: Date; ip?: string; /** Our own page the link returns to (checked by the caller). */ next?: string }): Promise<boolean> {
  const { now } = options;
  return options.db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(and(eq(users.id, options.userId), isNull(users.emailVerifiedAt)));
    if (!user) return false;
    const token = await issueToken({ tx, userId: user.id, purpose: 'email_verification', now });
    await enqueueEmail({
      tx, dedupeKey: `email-verification:${hashToken(token)}`, template: 'email-verification',
      to: { name: user.name, address: user.email }, payload: { name: user.name, token, ...(options.next ? { next: options.next } : {}) },
    });
    await recordAudit(tx, { actorId: user.id, action: 'account.verification_sent', subjectType: 'user', subjectId: user.id, ip: options.ip });
    return true;
  });
}
