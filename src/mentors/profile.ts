import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { accountFields, fieldErrors, type FieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import { isTimeZone } from '../config';
import type { Db, Tx } from '../db/client';
import { availabilityWindows, mentorProfiles, users } from '../db/schema';
import { TIME_ZONES } from '../web/zones';
import { isUuid } from '../db/ids';
import { text } from '../web/input';

/**
 * Editing a mentor's profile and weekly availability, and any user's name and time zone.
 * Each change is validated here (not only in the form), written in one transaction with its audit row,
 * and allowed only to the mentor themselves or an admin: the routes check that too, this is the backstop.
 */

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR'] as const;
export const SESSION_LENGTH_CHOICES = [30, 45, 60, 90, 120] as const;
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

/** Monday first, as people read a week; `value` is the stored weekday (0 = Sunday). */
export const WEEK = [
  { value: 1, key: 'monday', label: 'Monday' },
  { value: 2, key: 'tuesday', label: 'Tuesday' },
  { value: 3, key: 'wednesday', label: 'Wednesday' },
  { value: 4, key: 'thursday', label: 'Thursday' },
  { value: 5, key: 'friday', label: 'Friday' },
  { value: 6, key: 'saturday', label: 'Saturday' },
  { value: 0, key: 'sunday', label: 'Sunday' },
] as const;

export type Outcome = { ok: true } | { ok: false; errors: FieldErrors; reason: 'invalid' | 'not-found' | 'forbidden' };

type Refusal = Extract<Outcome, { ok: false }>;
const notFound: Refusal = { ok: false, reason: 'not-found', errors: { form: 'This mentor does not exist.' } };
const forbidden: Refusal = { ok: false, reason: 'forbidden', errors: { form: 'You may not change this account.' } };

/** "react, TypeScript , react" -> ["react", "TypeScript"]: trimmed, first spelling of each kept (the field is already clean text). */
export function parseSkills(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const skill = part.replace(/\s+/g, ' ').trim();
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

const profileSchema = z.object({
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
});

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
}

export interface WindowRow {
  weekday: number;
  startMinute: number;
  endMinute: number;
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
      minNoticeMinutes: mentorProfiles.minNoticeMinutes, horizonDays: mentorProfiles.horizonDays,
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
  };
}

/**
 * Locks the mentor's profile row for the rest of the transaction and checks the actor may edit it:
 * the mentor themselves, or an admin. Concurrent edits of one mentor queue behind the lock.
 */
async function lockMentorForEdit(tx: Tx, mentorId: string, actorId: string): Promise<Outcome> {
  if (!isUuid(mentorId) || !isUuid(actorId)) return notFound;
  const [mentor] = await tx
    .select({ id: mentorProfiles.userId, role: users.role })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(eq(mentorProfiles.userId, mentorId))
    .for('update', { of: mentorProfiles });
  if (!mentor || mentor.role !== 'mentor') return notFound;
  if (actorId === mentorId) return { ok: true };
  const [actor] = await tx.select({ role: users.role }).from(users).where(eq(users.id, actorId));
  return actor?.role === 'admin' ? { ok: true } : forbidden;
}

class Refused extends Error {
  constructor(readonly outcome: Outcome) {
    super('refused');
  }
}

/** Runs `work` in a transaction; a Refused thrown inside rolls it back and becomes the outcome. */
async function inTransaction(db: Db, work: (tx: Tx) => Promise<void>): Promise<Outcome> {
  try {
    await db.transaction(async (tx) => work(tx));
    return { ok: true };
  } catch (err) {
    if (err instanceof Refused) return err.outcome;
    throw err;
  }
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

export interface WindowInput {
  /** Names the form row, so an error lands next to it; defaults to the index. */
  id?: string;
  weekday: number;
  start: string;
  end: string;
}

/** "09:30" -> 570; "24:00" -> 1440; seconds (":00") are tolerated. Null if not a time of day. */
export function parseTime(raw: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::00(?:\.0+)?)?$/.exec(raw.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** 570 -> "09:30"; 1440 -> "24:00". */
export function formatMinute(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** What a time input can hold: it has no 24:00, so midnight at the end of a day shows as 00:00 (read back as 24:00). */
export function timeInputValue(m: number): string {
  return m === 1440 ? '00:00' : formatMinute(m);
}

const HALF_HOUR = 30;

const windowsSchema = z
  .array(z.object({ id: text({ max: 40 }), weekday: z.number().int().min(0).max(6), start: text({ max: 10 }), end: text({ max: 10 }) }))
  .transform((rows, ctx) => {
    const out: (WindowRow & { id: string })[] = [];
    for (const row of rows) {
      const startRaw = row.start.trim();
      const endRaw = row.end.trim();
      if (!startRaw && !endRaw) continue;
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [row.id], message });
      if (!startRaw || !endRaw) { fail('Enter both a start and an end, or leave both empty'); continue; }
      const start = parseTime(startRaw);
      let end = parseTime(endRaw);
      if (start === null || end === null) { fail('Enter times like 09:00 or 17:30'); continue; }
      // An end of 00:00 is midnight at the end of the day: a time input cannot say 24:00.
      if (end === 0) end = 1440;
      if (start % HALF_HOUR !== 0 || end % HALF_HOUR !== 0) { fail('Use times on the hour or half hour, like 09:00 or 09:30'); continue; }
      if (start >= end) {
        fail(start === 1440 ? 'A window cannot start at 24:00' : 'The end must be after the start. For a window past midnight, end it at 00:00 and add one on the next day');
        continue;
      }
      out.push({ id: row.id, weekday: row.weekday, startMinute: start, endMinute: end });
    }
    for (const day of WEEK) {
      const sorted = out.filter((w) => w.weekday === day.value).sort((a, b) => a.startMinute - b.startMinute);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1]!;
        const cur = sorted[i]!;
        if (cur.startMinute < prev.endMinute) {
          ctx.addIssue({
            code: 'custom', path: [cur.id],
            message: `This window overlaps ${formatMinute(prev.startMinute)}–${formatMinute(prev.endMinute)} on ${day.label}`,
          });
        }
      }
    }
    return out.map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute }));
  });

export interface ReplaceAvailabilityOptions {
  db: Db;
  mentorId: string;
  /** Every row of the form; rows with neither start nor end are ignored. Times are in the mentor's zone. */
  windows: WindowInput[];
  actorId: string;
  ip?: string;
}

/** Replaces all of a mentor's weekly windows at once; errors are keyed by row id. */
export async function replaceAvailability(options: ReplaceAvailabilityOptions): Promise<Outcome> {
  const parsed = windowsSchema.safeParse(options.windows.map((w, i) => ({ ...w, id: w.id ?? String(i) })));
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const windows = parsed.data.sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  return inTransaction(options.db, async (tx) => {
    const allowed = await lockMentorForEdit(tx, options.mentorId, options.actorId);
    if (!allowed.ok) throw new Refused(allowed);
    await tx.delete(availabilityWindows).where(eq(availabilityWindows.mentorId, options.mentorId));
    if (windows.length) await tx.insert(availabilityWindows).values(windows.map((w) => ({ ...w, mentorId: options.mentorId })));
    await recordAudit(tx, {
      actorId: options.actorId, action: 'mentor.availability.replace', subjectType: 'user', subjectId: options.mentorId,
      data: { windows: windows.map((w) => [w.weekday, w.startMinute, w.endMinute]) }, ip: options.ip,
    });
  });
}

/**
 * The zone as the zone list spells it ("europe/berlin" -> "Europe/Berlin"). A valid zone not in the list
 * (e.g. "Asia/Kathmandu", which browsers send but older ICU lists as "Asia/Katmandu") is kept as given:
 * the runtime's own canonical form would silently rename it.
 */
function listedSpelling(zone: string): string {
  const lower = zone.toLowerCase();
  return TIME_ZONES.find((z) => z.toLowerCase() === lower) ?? zone;
}

const settingsSchema = z.object({
  name: accountFields.name,
  timezone: text({ max: 64 })
    .refine((v) => v !== '' && v.length <= 64 && isTimeZone(v), 'Choose a time zone from the list')
    .transform(listedSpelling),
});

export interface AccountSettingsForm {
  name: string;
  timezone: string;
}

export interface UpdateAccountSettingsOptions {
  db: Db;
  userId: string;
  input: AccountSettingsForm;
  actorId: string;
  ip?: string;
}

/** A user's own name and time zone (the zone every time is shown in, and a mentor's availability is in). */
export async function updateAccountSettings(options: UpdateAccountSettingsOptions): Promise<Outcome> {
  const parsed = settingsSchema.safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const next = parsed.data;
  return inTransaction(options.db, async (tx) => {
    if (!isUuid(options.userId) || !isUuid(options.actorId)) throw new Refused(notFound);
    const [before] = await tx.select({ name: users.name, timezone: users.timezone }).from(users).where(eq(users.id, options.userId)).for('update');
    if (!before) throw new Refused({ ...notFound, errors: { form: 'This account does not exist.' } });
    if (options.actorId !== options.userId) {
      const [actor] = await tx.select({ role: users.role }).from(users).where(eq(users.id, options.actorId));
      if (actor?.role !== 'admin') throw new Refused(forbidden);
    }
    await tx.update(users).set(next).where(eq(users.id, options.userId));
    const changed = (['name', 'timezone'] as const).filter((k) => before[k] !== next[k]);
    await recordAudit(tx, {
      actorId: options.actorId, action: 'account.settings.update', subjectType: 'user', subjectId: options.userId,
      data: { changed, timezone: next.timezone }, ip: options.ip,
    });
  });
}
