import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { accountTokens } from '../db/schema';

export type TokenPurpose = 'password_reset' | 'email_verification';

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  password_reset: 30 * 60_000,
  email_verification: 7 * 24 * 3_600_000,
};

// 32 random bytes in base64url: anything else is not one of ours, and is refused before hashing.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const newToken = () => randomBytes(32).toString('base64url');

/** Stores the hash of a (given or new) token for a user; returns the token, which only the email carries. */
export async function issueToken(options: { tx: Tx; userId: string; purpose: TokenPurpose; now: Date; token?: string }): Promise<string> {
  const token = options.token ?? newToken();
  await options.tx.insert(accountTokens).values({
    tokenHash: hashToken(token),
    userId: options.userId,
    purpose: options.purpose,
    createdAt: options.now,
    expiresAt: new Date(options.now.getTime() + TOKEN_TTL_MS[options.purpose]),
  });
  return token;
}

const usable = (token: string, purpose: TokenPurpose, now: Date) =>
  and(eq(accountTokens.tokenHash, hashToken(token)), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt), gt(accountTokens.expiresAt, now));

/** The user a token would act for, without using it (the link's page shows "expired" before asking for anything). */
export async function peekToken(options: { db: Db; token: string; purpose: TokenPurpose; now: Date }): Promise<string | null> {
  if (!TOKEN_SHAPE.test(options.token)) return null;
  const [row] = await options.db.select({ userId: accountTokens.userId }).from(accountTokens).where(usable(options.token, options.purpose, options.now));
  return row?.userId ?? null;
}

/** Uses a token: a compare-and-swap on used_at, so of two uses exactly one gets the user id. */
export async function consumeToken(options: { tx: Tx; token: string; purpose: TokenPurpose; now: Date }): Promise<string | null> {
  if (!TOKEN_SHAPE.test(options.token)) return null;
  const [row] = await options.tx
    .update(accountTokens)
    .set({ usedAt: options.now })
    .where(usable(options.token, options.purpose, options.now))
    .returning({ userId: accountTokens.userId });
  return row?.userId ?? null;
}

/** Makes every unused token of a kind worthless (after a password change, every reset link sent before). */
export async function retireTokens(options: { tx: Tx; userId: string; purpose: TokenPurpose; now: Date }): Promise<void> {
  await options.tx
    .update(accountTokens)
    .set({ usedAt: options.now })
    .where(and(eq(accountTokens.userId, options.userId), eq(accountTokens.purpose, options.purpose), isNull(accountTokens.usedAt)));
}
