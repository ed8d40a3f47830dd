import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record';
import { isTimeZone } from '../config';
import type { Db, Tx } from '../db/client';
import { users, type Role } from '../db/schema';
import { cleanDisplayName, isValidAddress } from '../mail/address';
import { enqueueEmail } from '../mail/outbox';
import { text } from '../web/input';
import type { PasswordHasher } from './password';
import { passwordWeakness, type PasswordOwner } from './password-strength';

/** An email address as typed into log-in and "Forgot password?": one line of text, any shape (no hint whether it exists). */
export const typedEmail = text({ max: 254 });
import { issueToken } from './tokens';

export const PASSWORD_MIN = 10;

/** The fields every account has, validated the same way by the sign-up form and the CLI. */
export const accountFields = {
  name: text({ max: 100, min: 1, tooShort: 'Enter your name' })
    .transform((v) => cleanDisplayName(v))
    .pipe(z.string().min(1, 'Enter your name').max(100, 'Use at most 100 characters')),
  email: text({ max: 254 })
    .transform((v) => v.toLowerCase())
    .refine(isValidAddress, 'Enter one valid email address, like name@example.com'),
  password: text({ max: 200, raw: true })
    .pipe(z.string().min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
    .max(200, 'Use at most 200 characters')),
  timezone: text({ max: 64 })
    .optional()
    .transform((v) => (v && isTimeZone(v) ? v : 'UTC')),
};

/**
 * Adds the strength check to a schema with a password, once its length is right, with the owner's
 * name and address (from the same form, or the account) as words an attacker would try first.
 */
export function strongPassword<T extends { password?: unknown }>(owner: (value: T) => PasswordOwner) {
  return (value: T, ctx: z.RefinementCtx) => {
    const { password } = value;
    if (typeof password !== 'string' || password.length < PASSWORD_MIN || password.length > 200) return;
    const o = owner(value);
    const weakness = passwordWeakness(password, { name: typeof o.name === 'string' ? o.name : undefined, email: typeof o.email === 'string' ? o.email : undefined });
    if (weakness) ctx.addIssue({ code: 'custom', path: ['password'], message: weakness });
  };
}

export const signUpInput = z.object(accountFields).superRefine(strongPassword((v) => ({ name: v.name, email: v.email })));
export type SignUpInput = z.input<typeof signUpInput>;

export type FieldErrors = Partial<Record<string, string>>;
export type Result<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    out[key] ??= issue.message;
  }
  return out;
}

export interface CreateUserOptions {
  tx: Tx;
  hasher: PasswordHasher;
  input: z.output<typeof signUpInput>;
  role: Role;
  /** Whether the address counts as confirmed: true for accounts an operator makes (admin, CLI, demo); self-service sign-up passes false. */
  emailVerified?: boolean;
  now?: Date;
}

/** Inserts a user; returns null when the email is taken (the unique index decides, not a prior read). */
export async function createUser(options: CreateUserOptions): Promise<{ id: string } | null> {
  const { input } = options;
  const passwordHash = await options.hasher.hash(input.password);
  const [row] = await options.tx
    .insert(users)
    .values({
      email: input.email, name: input.name, role: options.role, timezone: input.timezone, passwordHash,
      emailVerifiedAt: options.emailVerified === false ? null : (options.now ?? new Date()),
    })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return row ?? null;
}

/** Self-service sign-up, always as a mentee, with its welcome email (carrying the email verification link) in the same transaction. */
export async function signUp(options: {
  db: Db; hasher: PasswordHasher; input: SignUpInput; ip?: string; now?: Date;
  /** A page of ours the verification link returns to (the booking step the sign-up interrupted); checked by the caller. */
  next?: string;
}): Promise<Result<{ id: string }>> {
  const now = options.now ?? new Date();
  const parsed = signUpInput.safeParse(options.input);
  if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
  const input = parsed.data;
  const user = await options.db.transaction(async (tx) => {
    const created = await createUser({ tx, hasher: options.hasher, input, role: 'mentee', emailVerified: false, now });
    if (!created) return null;
    const token = await issueToken({ tx, userId: created.id, purpose: 'email_verification', now });
    await enqueueEmail({
      tx,
      dedupeKey: `welcome:${created.id}`,
      template: 'welcome',
      to: { name: input.name, address: input.email },
      payload: { name: input.name, token, ...(options.next ? { next: options.next } : {}) },
    });
    await recordAudit(tx, { actorId: created.id, action: 'account.signup', subjectType: 'user', subjectId: created.id, ip: options.ip });
    return created;
  });
  if (!user) return { ok: false, errors: { email: 'An account with this email already exists. Log in instead.' } };
  return { ok: true, value: user };
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return row ?? null;
}
