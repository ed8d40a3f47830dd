import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { forbidden, inTransaction, Refused, type Outcome, type Refusal } from '../accounts/outcome';
import { fieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { availabilityWindows, mentorProfiles, users } from '../db/schema';
import { isUuid } from '../db/ids';
import { cleanText, text } from '../web/input';
import type { WindowRow } from './availability';

/**
 * Editing a mentor's profile (weekly availability is in ./availability, name and time zone in
 * accounts/settings). Each change is validated here (not only in the form), written in one transaction
 * with its audit row, and allowed only to the mentor themselves or an admin: the routes check that too,
 * this is the backstop.
 */

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR'] as const;
export const SESSION_LENGTH_CHOICES = [30, 45, 60, 90, 120] as const;
/** Minutes a mentor may keep free between sessions. */
export const BUFFER_CHOICES = [0, 10, 15, 30] as const;
export const LIMITS = {
  headline: 120,
  bio: 2000,
  skills: 10,
  skill: 30,
  rateMin: 5,
  rateMax: 1000,
  noticeHoursMax: 720,
  horizonDaysMax: 365,
} as const;

const notFound: Refusal = { ok: false, reason: 'not-found', errors: { form: 'This mentor does not exist.' } };

/** "react, TypeScript , react" -> ["react", "TypeScript"]: trimmed, first spelling of each kept (the field is already clean text). */
export function parseSkills(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const skill = cleanText(part);
    const key = skill.toLocaleLowerCase('en-US');
    if (!skill || seen.has(key)) continue;
    seen.add(key);
    out.push(skill);
  }
  return out;
}

/** A whole number in a range, from a form field. */
const wholeNumber = (min: number, max: number, message: string) =>
  text({ max: 20 }).transform((raw, ctx) => {
    const v = raw.trim();
    if (!/^\d{1,6}$/.test(v) || Number(v) < min || Number(v) > max) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return Number(v);
  });

/** "72.5" -> 7250. All four currencies have two minor digits. */
export function parseAmountCents(raw: string): number | null {
  const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function formatAmount(cents: number): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
}

/** Each field of the profile form, also used by the "Become a mentor" application (./applications). */
export const profileFields = {
  headline: text({ max: LIMITS.headline }),
  bio: text({ max: LIMITS.bio, multiline: true }),
  skills: text({ max: LIMITS.skills * (LIMITS.skill + 2) + 100 }).transform((raw, ctx) => {
    const skills = parseSkills(raw);
    const long = skills.find((s) => s.length > LIMITS.skill);
    if (skills.length === 0) ctx.addIssue({ code: 'custom', message: 'Add at least one skill' });
    else if (skills.length > LIMITS.skills) ctx.addIssue({ code: 'custom', message: `Use at most ${LIMITS.skills} skills (you entered ${skills.length})` });
    else if (long) ctx.addIssue({ code: 'custom', message: `Keep each skill to ${LIMITS.skill} characters or fewer ("${long.slice(0, 40)}" is longer)` });
    else return skills;
    return z.NEVER;
  }),
  hourlyRate: text({ max: 20 }).transform((raw, ctx) => {
    const cents = parseAmountCents(raw);
    if (cents === null || cents < LIMITS.rateMin * 100 || cents > LIMITS.rateMax * 100) {
      ctx.addIssue({ code: 'custom', message: `Enter an amount from ${LIMITS.rateMin} to ${LIMITS.rateMax}, like 60 or 72.50` });
      return z.NEVER;
    }
    return cents;
  }),
  currency: z.enum(CURRENCIES, `Choose one of ${CURRENCIES.join(', ')}`),
  sessionLengths: z.array(text({ max: 10 })).max(20).transform((raw, ctx) => {
    const lengths = [...new Set(raw.map((v) => Number(v.trim())))].sort((a, b) => a - b);
    if (lengths.length === 0) ctx.addIssue({ code: 'custom', message: 'Offer at least one session length' });
    else if (!lengths.every((l) => (SESSION_LENGTH_CHOICES as readonly number[]).includes(l))) {
      ctx.addIssue({ code: 'custom', message: `Choose from ${SESSION_LENGTH_CHOICES.join(', ')} minutes` });
    } else return lengths;
    return z.NEVER;
  }),
  minNoticeHours: wholeNumber(0, LIMITS.noticeHoursMax, `Enter a whole number of hours from 0 to ${LIMITS.noticeHoursMax}`),
  horizonDays: wholeNumber(1, LIMITS.horizonDaysMax, `Enter a whole number of days from 1 to ${LIMITS.horizonDaysMax}`),
  // A form without the field (older pages) means no buffer.
  bufferMinutes: text({ max: 10 }).optional().transform((raw, ctx) => {
    const v = (raw ?? '').trim() || '0';
    const minutes = Number(v);
    if (!/^\d{1,3}$/.test(v) || !(BUFFER_CHOICES as readonly number[]).includes(minutes)) {
      ctx.addIssue({ code: 'custom', message: `Choose ${BUFFER_CHOICES.join(', ')} minutes` });
      return z.NEVER;
    }
    return minutes;
  }),
};

const profileSchema = z.object(profileFields);

/** What a new mentor's profile starts from; the columns' defaults fill in the rest (session lengths, notice, horizon). */
export interface NewMentorProfile {
  headline?: string;
  bio?: string;
  skills?: string[];
  hourlyRateCents?: number;
  currency?: string;
}

/** The basic rate of a mentor made by an operator (cli user:create), who completes the profile after logging in. */
export const DEFAULT_RATE_CENTS = 5000;

/**
 * Makes a user's mentor profile, which lists them in the directory: the one way a mentor comes to be,
 * whether an operator makes the account (cli user:create) or an admin approves an application.
 * The caller's transaction also changes the role.
 */
export async function createMentorProfile(options: { tx: Tx; userId: string; profile?: NewMentorProfile }): Promise<void> {
  const p = options.profile ?? {};
  await options.tx.insert(mentorProfiles).values({
    userId: options.userId,
    headline: p.headline ?? '',
    bio: p.bio ?? '',
    skills: p.skills ?? [],
    hourlyRateCents: p.hourlyRateCents ?? DEFAULT_RATE_CENTS,
    currency: p.currency ?? 'USD',
  });
}

/** The profile form as typed: what a re-rendered form shows back. */
export interface ProfileForm {
  headline: string;
  bio: string;
  skills: string;
  hourlyRate: string;
  currency: string;
  sessionLengths: string[];
  minNoticeHours: string;
  horizonDays: string;
  bufferMinutes?: string;
}

export interface MentorForEdit {
  id: string;
  name: string;
  timezone: string;
  profile: {
    headline: string;
    bio: string;
    skills: string[];
    hourlyRateCents: number;
    currency: string;
    sessionLengths: number[];
    minNoticeMinutes: number;
    horizonDays: number;
    bufferMinutes: number;
  };
  windows: WindowRow[];
}

/** A mentor with profile and windows (sorted by day and start), or null when the id is not a mentor's. */
export async function loadMentorForEdit(options: { db: Db; mentorId: string }): Promise<MentorForEdit | null> {
  const { db, mentorId } = options;
  if (!isUuid(mentorId)) return null;
  const [row] = await db
    .select({
      id: users.id, name: users.name, timezone: users.timezone,
      headline: mentorProfiles.headline, bio: mentorProfiles.bio, skills: mentorProfiles.skills,
      hourlyRateCents: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency, sessionLengths: mentorProfiles.sessionLengths,
      minNoticeMinutes: mentorProfiles.minNoticeMinutes, horizonDays: mentorProfiles.horizonDays, bufferMinutes: mentorProfiles.bufferMinutes,
    })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, mentorId), eq(users.role, 'mentor')));
  if (!row) return null;
  const windows = await db
    .select({ weekday: availabilityWindows.weekday, startMinute: availabilityWindows.startMinute, endMinute: availabilityWindows.endMinute })
    .from(availabilityWindows)
    .where(eq(availabilityWindows.mentorId, mentorId))
    .orderBy(asc(availabilityWindows.weekday), asc(availabilityWindows.startMinute));
  const { id, name, timezone, ...profile } = row;
  return { id, name, timezone, profile, windows };
}

/** The stored profile as the form shows it. */
export function profileFormValues(profile: MentorForEdit['profile']): ProfileForm {
  return {
    headline: profile.headline,
    bio: profile.bio,
    skills: profile.skills.join(', '),
    hourlyRate: formatAmount(profile.hourlyRateCents),
    currency: profile.currency,
    sessionLengths: profile.sessionLengths.map(String),
    minNoticeHours: String(profile.minNoticeMinutes / 60),
    horizonDays: String(profile.horizonDays),
    bufferMinutes: String(profile.bufferMinutes),
  };
}

/**
 * Locks the mentor's profile row for the rest of the transaction and checks the actor may edit it:
 * the mentor themselves, or an admin. Concurrent edits of one mentor queue behind the lock.
 */
export async function lockMentorForEdit(tx: Tx, mentorId: string, actorId: string): Promise<Outcome> {
  if (!isUuid(mentorId) || !isUuid(actorId)) return notFound;
  const [mentor] = await tx
    .select({ id: mentorProfiles.userId, role: users.role })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(eq(mentorProfiles.userId, mentorId))
    .for('update', { of: mentorProfiles });
  if (mentor?.role !== 'mentor') return notFound;
  if (actorId === mentorId) return { ok: true };
  const [actor] = await tx.select({ role: users.role }).from(users).where(eq(users.id, actorId));
  return actor?.role === 'admin' ? { ok: true } : forbidden;
}

export interface UpdateMentorProfileOptions {
  db: Db;
  mentorId: string;
  input: ProfileForm;
  actorId: string;
  ip?: string;
}

/** Validates and saves a mentor's profile; on any error nothing is stored. */
export async function updateMentorProfile(options: UpdateMentorProfileOptions): Promise<Outcome> {
  const parsed = profileSchema.safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const v = parsed.data;
  const next = {
    headline: v.headline,
    bio: v.bio,
    skills: v.skills,
    hourlyRateCents: v.hourlyRate,
    currency: v.currency,
    sessionLengths: v.sessionLengths,
    minNoticeMinutes: v.minNoticeHours * 60,
    horizonDays: v.horizonDays,
    bufferMinutes: v.bufferMinutes,
  };
  return inTransaction(options.db, async (tx) => {
    const allowed = await lockMentorForEdit(tx, options.mentorId, options.actorId);
    if (!allowed.ok) throw new Refused(allowed);
    const [before] = await tx.select().from(mentorProfiles).where(eq(mentorProfiles.userId, options.mentorId));
    await tx.update(mentorProfiles).set(next).where(eq(mentorProfiles.userId, options.mentorId));
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => JSON.stringify(before?.[k]) !== JSON.stringify(next[k]));
    await recordAudit(tx, {
      actorId: options.actorId, action: 'mentor.profile.update', subjectType: 'user', subjectId: options.mentorId,
      data: { changed }, ip: options.ip,
    });
  });
}
