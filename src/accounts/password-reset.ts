import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { users } from '../db/schema';
import { enqueueEmail } from '../mail/outbox';
import type { PasswordHasher } from './password';
import { endUserSessions } from './sessions';
import { loginRetryAfter, recordLoginFailure } from './throttle';
import { passwordWeakness } from './password-strength';
import { consumeToken, hashToken, issueToken, newToken, peekToken, retireTokens } from './tokens';
import { accountFields, fieldErrors, findUserByEmail, type Result } from './users';

export type ResetRequestResult = { ok: true } | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * "Forgot password?": emails a single-use link when the address belongs to an active account. The
 * answer is the same either way, and so is the work: the token is made and one transaction writes
 * in both cases (for an unknown address, only an audit row keyed by the address's hash).
 */
export async function requestPasswordReset(options: { db: Db; email: string; ip: string; now: Date }): Promise<ResetRequestResult> {
  const { db, ip, now } = options;
  const email = options.email.trim().toLowerCase().slice(0, 254);
  const retryAfterSeconds = await loginRetryAfter({ db, email, ip, now, scope: 'password-reset' });
  if (retryAfterSeconds > 0) return { ok: false, reason: 'throttled', retryAfterSeconds };
  // Every request counts, found or not: the limits are per address asked about and per client.
  await recordLoginFailure({ db, email, ip, now, scope: 'password-reset' });

  const user = email ? await findUserByEmail(db, email) : null;
  const token = newToken();
  await db.transaction(async (tx) => {
    if (!user || user.deactivatedAt) {
      await recordAudit(tx, { actorId: null, action: 'account.password_reset_unmatched', subjectType: 'email', subjectId: hashToken(email), ip });
      return;
    }
    await issueToken({ tx, userId: user.id, purpose: 'password_reset', now, token });
    await enqueueEmail({
      tx, dedupeKey: `password-reset:${hashToken(token)}`, template: 'password-reset',
      to: { name: user.name, address: user.email }, payload: { name: user.name, token },
    });
    await recordAudit(tx, { actorId: null, action: 'account.password_reset_requested', subjectType: 'user', subjectId: user.id, ip });
  });
  return { ok: true };
}

const newPasswordInput = z.object({ password: accountFields.password });

/** The effects every password change shares: new hash, other sessions ended, old reset links dead, a notice. */
async function setPassword(tx: Tx, options: { user: { id: string; name: string; email: string }; passwordHash: string; keepToken?: string; via: 'reset' | 'change'; now: Date; ip?: string }) {
  const { user, now } = options;
  await tx.update(users).set({ passwordHash: options.passwordHash }).where(eq(users.id, user.id));
  const ended = await endUserSessions({ tx, userId: user.id, keepToken: options.keepToken });
  await retireTokens({ tx, userId: user.id, purpose: 'password_reset', now });
  await enqueueEmail({
    tx, dedupeKey: `password-changed:${user.id}:${randomUUID()}`, template: 'password-changed',
    to: { name: user.name, address: user.email }, payload: { name: user.name, via: options.via },
  });
  await recordAudit(tx, {
    actorId: user.id, action: options.via === 'reset' ? 'account.password_reset' : 'account.password_changed',
    subjectType: 'user', subjectId: user.id, data: { sessionsEnded: ended }, ip: options.ip,
  });
}

export const EXPIRED_LINK = 'This link has expired or has already been used. Ask for a new one below.';

/** Uses a reset link: sets the password and ends every login session of the account (the person then logs in afresh). */
export async function resetPassword(options: { db: Db; hasher: PasswordHasher; token: string; password: string; ip?: string; now: Date }): Promise<Result<{ userId: string }>> {
  const parsed = newPasswordInput.safeParse({ password: options.password });
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const { now } = options;
  // The strength check needs the owner's name and address; a refused password leaves the link usable.
  const ownerId = await peekToken({ db: options.db, token: options.token, purpose: 'password_reset', now });
  const [owner] = ownerId ? await options.db.select().from(users).where(eq(users.id, ownerId)) : [];
  if (!owner) return { ok: false, errors: { form: EXPIRED_LINK } };
  const weakness = passwordWeakness(parsed.data.password, owner);
  if (weakness) return { ok: false, errors: { password: weakness } };
  const passwordHash = await options.hasher.hash(parsed.data.password);
  const userId = await options.db.transaction(async (tx) => {
    const id = await consumeToken({ tx, token: options.token, purpose: 'password_reset', now });
    if (!id) return null;
    const [user] = await tx.select().from(users).where(and(eq(users.id, id), isNull(users.deactivatedAt)));
    if (!user) return null;
    // The link reached this inbox, which proves the address as well as a verification link would.
    if (!user.emailVerifiedAt) await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, id));
    await setPassword(tx, { user, passwordHash, via: 'reset', now, ip: options.ip });
    return id;
  });
  if (!userId) return { ok: false, errors: { form: EXPIRED_LINK } };
  return { ok: true, value: { userId } };
}

/** From the account page: the current password, then a new one; every other login session ends, this one stays. */
export async function changePassword(options: {
  db: Db; hasher: PasswordHasher; userId: string; currentPassword: string; newPassword: string; keepToken: string; ip: string; now: Date;
}): Promise<Result<null>> {
  const { db, hasher, now, ip } = options;
  const [user] = await db.select().from(users).where(eq(users.id, options.userId));
  if (!user) return { ok: false, errors: { form: 'Your account could not be found.' } };
  // Guessing the current password from a stolen session is throttled like guessing it at log-in.
  const retryAfterSeconds = await loginRetryAfter({ db, email: user.email, ip, now });
  if (retryAfterSeconds > 0) {
    return { ok: false, errors: { currentPassword: `Too many failed attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).` } };
  }
  if (!(await hasher.verify(options.currentPassword.slice(0, 200), user.passwordHash))) {
    await recordLoginFailure({ db, email: user.email, ip, now });
    return { ok: false, errors: { currentPassword: 'This is not your current password.' } };
  }
  const parsed = newPasswordInput.safeParse({ password: options.newPassword });
  if (!parsed.success) return { ok: false, errors: { newPassword: fieldErrors(parsed.error).password } };
  const weakness = passwordWeakness(parsed.data.password, user);
  if (weakness) return { ok: false, errors: { newPassword: weakness } };
  const passwordHash = await hasher.hash(parsed.data.password);
  await db.transaction((tx) => setPassword(tx, { user, passwordHash, keepToken: options.keepToken, via: 'change', now, ip }));
  return { ok: true, value: null };
}
