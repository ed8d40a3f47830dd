import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { authSessions, users, type Role } from '../db/schema';
import { isClock, type Clock } from '../web/time';
import { oncePerDatabase } from '../db/prepared';
import { dataVersionColumn } from '../db/data-version';

export const IDLE_TIMEOUT_MS = 7 * 24 * 3_600_000;
export const ABSOLUTE_TIMEOUT_MS = 30 * 24 * 3_600_000;
// Writing last_seen_at on every request would turn every page view into a write.
const TOUCH_AFTER_MS = 5 * 60_000;

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  timezone: string;
  /** The clock chosen on the Account page; null: the browser's language decides. */
  clock: Clock | null;
  /** False for a self-service account whose email address is not confirmed yet. */
  emailVerified: boolean;
}

export interface SessionInfo {
  user: CurrentUser;
  sessionId: string;
  /** The data version as this request began (src/db/data-version.ts), read in the same statement. */
  dataVersion: bigint;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Starts a login session; returns the token for the cookie. Only its hash is stored. */
export async function startSession(options: { tx: Tx; userId: string; now: Date; ip?: string; userAgent?: string }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await options.tx.insert(authSessions).values({
    id: hashToken(token),
    userId: options.userId,
    createdAt: options.now,
    lastSeenAt: options.now,
    expiresAt: new Date(options.now.getTime() + ABSOLUTE_TIMEOUT_MS),
    ip: options.ip ?? null,
    userAgent: options.userAgent?.slice(0, 300) ?? null,
  });
  return token;
}

/**
 * The login-session lookup runs on every request: a prepared statement, built once per database,
 * so each request sends only the token's hash and PostgreSQL parses and plans it once per connection.
 * It also reads the data version, which a kept list checks (src/web/kept.ts): on this machine each
 * round trip to PostgreSQL costs the app more than the bytes it carries, so the busiest pages
 * send one statement rather than two.
 */
function buildLookup(db: Db) {
  return db
    .select({
      lastSeenAt: authSessions.lastSeenAt,
      expiresAt: authSessions.expiresAt,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, timezone: users.timezone },
      clock: users.clock,
      emailVerifiedAt: users.emailVerifiedAt,
      dataVersion: dataVersionColumn,
    })
    .from(authSessions)
    // A deactivated account has no sessions; the join refuses one anyway, should any survive.
    .innerJoin(users, and(eq(users.id, authSessions.userId), isNull(users.deactivatedAt)))
    .where(eq(authSessions.id, sql.placeholder('id')))
    .prepare('resolve_login_session');
}
const lookupStatement = oncePerDatabase(buildLookup);

/** The user behind a cookie token, or null when unknown, idle too long or past its absolute expiry. */
export async function resolveSession(options: { db: Db; token: string; now: Date }): Promise<SessionInfo | null> {
  const id = hashToken(options.token);
  const [row] = await lookupStatement(options.db).execute({ id });
  if (!row) return null;
  const now = options.now.getTime();
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + IDLE_TIMEOUT_MS <= now) {
    await options.db.delete(authSessions).where(eq(authSessions.id, id));
    return null;
  }
  if (now - row.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
    await options.db.update(authSessions).set({ lastSeenAt: options.now }).where(eq(authSessions.id, id));
  }
  return {
    user: { ...row.user, clock: isClock(row.clock) ? row.clock : null, emailVerified: row.emailVerifiedAt !== null },
    sessionId: id,
    dataVersion: BigInt(row.dataVersion),
  };
}

export async function endSession(options: { tx: Tx; token: string }): Promise<string | null> {
  const [row] = await options.tx
    .delete(authSessions)
    .where(eq(authSessions.id, hashToken(options.token)))
    .returning({ userId: authSessions.userId });
  return row?.userId ?? null;
}

/** Ends every login session of a user, except the one whose token is kept (the person changing their password). */
export async function endUserSessions(options: { tx: Tx; userId: string; keepToken?: string }): Promise<number> {
  const rows = await options.tx
    .delete(authSessions)
    .where(and(eq(authSessions.userId, options.userId), options.keepToken ? ne(authSessions.id, hashToken(options.keepToken)) : undefined))
    .returning({ id: authSessions.id });
  return rows.length;
}

/** Housekeeping job: removes sessions past either expiry. */
export async function purgeExpiredSessions(options: { db: Db; now: Date }): Promise<number> {
  const idleCutoff = new Date(options.now.getTime() - IDLE_TIMEOUT_MS);
  const rows = await options.db
    .delete(authSessions)
    .where(or(lt(authSessions.expiresAt, options.now), lt(authSessions.lastSeenAt, idleCutoff)))
    .returning({ id: authSessions.id });
  return rows.length;
}
