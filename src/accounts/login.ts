import type { Db } from '../db/client';
import { recordAudit } from '../audit/record';
import type { PasswordHasher } from './password';
import { startSession, endSession } from './sessions';
import { clearAccountFailures, loginRetryAfter, recordLoginFailure } from './throttle';
import { findUserByEmail } from './users';

export type LoginResult =
  | { ok: true; token: string; user: { id: string; role: string } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'deactivated' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface LogInOptions {
  db: Db;
  hasher: PasswordHasher;
  email: string;
  password: string;
  ip: string;
  userAgent?: string;
  now: Date;
}

/**
 * Checks the password and starts a new session (a fresh token at every log-in, so a token planted
 * before log-in is worthless). Unknown email and wrong password answer the same, in the same time.
 */
export async function logIn(options: LogInOptions): Promise<LoginResult> {
  const email = options.email.trim().toLowerCase().slice(0, 254);
  const { db, ip, now } = options;
  const retryAfterSeconds = await loginRetryAfter({ db, email, ip, now });
  if (retryAfterSeconds > 0) return { ok: false, reason: 'throttled', retryAfterSeconds };

  const user = email ? await findUserByEmail(db, email) : null;
  const password = options.password.slice(0, 200);
  let valid = false;
  if (user) valid = await options.hasher.verify(password, user.passwordHash);
  else await options.hasher.dummyVerify(password);
  if (!user || !valid) {
    await recordLoginFailure({ db, email, ip, now });
    return { ok: false, reason: 'invalid' };
  }
  await clearAccountFailures({ db, email });
  // Said only to whoever knows the password: to anyone else a deactivated account looks like any other.
  if (user.deactivatedAt) return { ok: false, reason: 'deactivated' };
  const token = await db.transaction(async (tx) => {
    const t = await startSession({ tx, userId: user.id, now, ip, userAgent: options.userAgent });
    await recordAudit(tx, { actorId: user.id, action: 'account.login', subjectType: 'user', subjectId: user.id, ip });
    return t;
  });
  return { ok: true, token, user: { id: user.id, role: user.role } };
}

export async function logOut(options: { db: Db; token: string; ip?: string }): Promise<void> {
  await options.db.transaction(async (tx) => {
    const userId = await endSession({ tx, token: options.token });
    if (userId) await recordAudit(tx, { actorId: userId, action: 'account.logout', subjectType: 'user', subjectId: userId, ip: options.ip });
  });
}
