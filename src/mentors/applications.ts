import { and, asc, count, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { fieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { isUuid } from '../db/ids';
import { ACTIVE_STATUSES, mentorApplications, sessions, users } from '../db/schema';
import { AppError, invalidForm } from '../errors';
import { enqueueEmail } from '../mail/outbox';
import type { Actor } from '../sessions/machine';
import { text } from '../web/input';
import { createMentorProfile, profileFields } from './profile';

/**
 * "Become a mentor": a mentee applies, an admin approves (the account becomes a mentor with a profile
 * made from the application) or declines with a reason. Each decision is one compare-and-swap on the
 * application's status, with its role change, profile, audit row and email in the same transaction.
 */

export const APPLICATION_LIMITS = { bioMin: 20, links: 5, link: 300, reason: 1000 } as const;

/** "https://a.example\n https://b.example" -> two addresses; only http(s) with a host, each once. */
export function parseLinks(raw: string): { links: string[] } | { error: string } {
  const links: string[] = [];
  for (const part of raw.split(/[\s,]+/)) {
    if (!part) continue;
    let url: URL;
    try {
      url = new URL(part);
    } catch {
      return { error: `"${part.slice(0, 60)}" is not a web address: start it with https://` };
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname || url.username || url.password) {
      return { error: `"${part.slice(0, 60)}" is not a web address: only http:// and https:// links are accepted` };
    }
    if (url.href.length > APPLICATION_LIMITS.link) return { error: `Keep each link to ${APPLICATION_LIMITS.link} characters or fewer` };
    if (!links.includes(url.href)) links.push(url.href);
  }
  if (links.length > APPLICATION_LIMITS.links) return { error: `Give at most ${APPLICATION_LIMITS.links} links (you gave ${links.length})` };
  return { links };
}

const applicationSchema = z.object({
  headline: profileFields.headline.pipe(z.string().min(1, 'Write a one-line headline, like "Backend engineer · Go and PostgreSQL"')),
  bio: profileFields.bio.pipe(z.string().min(APPLICATION_LIMITS.bioMin, `Tell mentees about your experience in at least ${APPLICATION_LIMITS.bioMin} characters`)),
  skills: profileFields.skills,
  hourlyRate: profileFields.hourlyRate,
  currency: profileFields.currency,
  links: text({ max: APPLICATION_LIMITS.links * (APPLICATION_LIMITS.link + 1), multiline: true }).transform((raw, ctx) => {
    const parsed = parseLinks(raw);
    if ('links' in parsed) return parsed.links;
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }),
});

/** The application form as typed: what a re-rendered form shows back. */
export interface ApplicationForm {
  headline: string;
  bio: string;
  skills: string;
  hourlyRate: string;
  currency: string;
  links: string;
}

export const emptyApplicationForm: ApplicationForm = { headline: '', bio: '', skills: '', hourlyRate: '', currency: 'USD', links: '' };

export type FormRefusal = AppError<{ fields: Partial<Record<string, string>> }>;

/** A mentee applies. Refused: a field that does not pass (nothing stored), a non-mentee, or an application already open. */
export async function submitMentorApplication(options: { db: Db; userId: string; input: ApplicationForm; ip?: string; now: Date }): Promise<{ ok: true; id: string } | FormRefusal> {
  const parsed = applicationSchema.safeParse(options.input);
  if (!parsed.success) return invalidForm(fieldErrors(parsed.error));
  const v = parsed.data;
  return options.db.transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role }).from(users).where(and(eq(users.id, options.userId), isNull(users.deactivatedAt)));
    if (user?.role !== 'mentee') return new AppError('forbidden', 'Only a mentee account can apply to become a mentor.', { fields: {} });
    const [row] = await tx.insert(mentorApplications).values({
      userId: options.userId, headline: v.headline, bio: v.bio, skills: v.skills, hourlyRateCents: v.hourlyRate, currency: v.currency,
      links: v.links, createdAt: options.now,
    }).onConflictDoNothing().returning({ id: mentorApplications.id });
    // The partial unique index (one pending application per person) refused it.
    if (!row) return new AppError('conflict', 'You already have an application waiting for review.', { fields: {} });
    await recordAudit(tx, { actorId: options.userId, action: 'mentor.application.submitted', subjectType: 'user', subjectId: options.userId, data: { applicationId: row.id }, ip: options.ip });
    return { ok: true, id: row.id } as const;
  });
}

export type Application = typeof mentorApplications.$inferSelect;

/** A person's applications, newest first. */
export async function listApplicationsOf(options: { db: Db; userId: string }): Promise<Application[]> {
  return options.db.select().from(mentorApplications).where(eq(mentorApplications.userId, options.userId))
    .orderBy(desc(mentorApplications.createdAt), desc(mentorApplications.id));
}

export interface OpenApplication extends Application {
  name: string;
  email: string;
  emailVerified: boolean;
  /** A deactivated person's application can only be declined. */
  deactivated: boolean;
  /** Their paid or held sessions still ahead, booked as a mentee: they stay booked after an approval. */
  upcomingAsMentee: number;
}

/** Applications waiting for an admin, oldest first (first come, first served). */
export async function listOpenApplications(options: { db: Db; now: Date; limit?: number }): Promise<OpenApplication[]> {
  const upcoming = options.db.select({ menteeId: sessions.menteeId, n: count().as('n') }).from(sessions)
    .where(and(inArray(sessions.status, [...ACTIVE_STATUSES]), gt(sessions.startsAt, options.now)))
    .groupBy(sessions.menteeId).as('upcoming');
  const rows = await options.db
    .select({ application: mentorApplications, name: users.name, email: users.email, emailVerifiedAt: users.emailVerifiedAt, deactivatedAt: users.deactivatedAt, upcoming: upcoming.n })
    .from(mentorApplications)
    .innerJoin(users, eq(users.id, mentorApplications.userId))
    .leftJoin(upcoming, eq(upcoming.menteeId, mentorApplications.userId))
    .where(eq(mentorApplications.status, 'pending'))
    .orderBy(asc(mentorApplications.createdAt), asc(mentorApplications.id))
    .limit(options.limit ?? 100);
  return rows.map((r) => ({ ...r.application, name: r.name, email: r.email, emailVerified: r.emailVerifiedAt !== null, deactivated: r.deactivatedAt !== null, upcomingAsMentee: Number(r.upcoming ?? 0) }));
}

/** Thrown inside a transaction to roll it back and answer with the refusal it carries. */
class Rollback extends Error {
  constructor(readonly refusal: AppError) {
    super(refusal.message);
  }
}

type Decision = { ok: true; userId: string; name: string } | AppError;

/** Claims a pending application for a decision (compare-and-swap), or says why it cannot be decided. */
async function decide(tx: Tx, options: { applicationId: string; actor: Actor; now: Date; status: 'approved' | 'declined'; reason?: string }) {
  const [row] = await tx.update(mentorApplications)
    .set({ status: options.status, decidedAt: options.now, decidedBy: options.actor.id, declineReason: options.reason ?? null })
    .where(and(eq(mentorApplications.id, options.applicationId), eq(mentorApplications.status, 'pending')))
    .returning();
  if (row) return row;
  const [exists] = await tx.select({ status: mentorApplications.status }).from(mentorApplications).where(eq(mentorApplications.id, options.applicationId));
  return exists ? new AppError('conflict', `This application was already ${exists.status}.`) : new AppError('not_found', 'There is no such application.');
}

/**
 * An admin approves: in one transaction the application is marked approved, the mentee becomes a mentor
 * (only from mentee, only while active), their mentor profile is made from the application, the audit
 * row and the "You are now a mentor" email are written. Anything refused rolls all of it back.
 */
export async function approveMentorApplication(options: { db: Db; applicationId: string; actor: Actor; now: Date; ip?: string }): Promise<Decision> {
  if (options.actor.role !== 'admin') return new AppError('forbidden', 'Only an admin decides applications.');
  if (!isUuid(options.applicationId)) return new AppError('not_found', 'There is no such application.');
  try {
    return await options.db.transaction(async (tx) => {
      const app = await decide(tx, { ...options, status: 'approved' });
      if (app instanceof AppError) return app;
      const [user] = await tx.update(users).set({ role: 'mentor' })
        .where(and(eq(users.id, app.userId), eq(users.role, 'mentee'), isNull(users.deactivatedAt)))
        .returning({ id: users.id, name: users.name, email: users.email });
      if (!user) throw new Rollback(new AppError('conflict', 'This person is no longer an active mentee, so they cannot become a mentor. Decline the application instead.'));
      await createMentorProfile({
        tx, userId: user.id,
        profile: { headline: app.headline, bio: app.bio, skills: app.skills, hourlyRateCents: app.hourlyRateCents, currency: app.currency },
      });
      await recordAudit(tx, {
        actorId: options.actor.id, action: 'mentor.application.approved', subjectType: 'user', subjectId: user.id,
        data: { applicationId: app.id, role: { from: 'mentee', to: 'mentor' } }, ip: options.ip,
      });
      await enqueueEmail({ tx, dedupeKey: `mentor-approved:${app.id}`, template: 'mentor-approved', to: { name: user.name, address: user.email }, payload: { name: user.name } });
      return { ok: true, userId: user.id, name: user.name } as const;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.refusal;
    throw err;
  }
}

const reasonSchema = text({ max: APPLICATION_LIMITS.reason, min: 1, multiline: true, tooShort: 'Write the reason: the applicant reads it in their email' });

/** An admin declines with a reason the applicant is emailed; they may apply again afterwards. */
export async function declineMentorApplication(options: { db: Db; applicationId: string; actor: Actor; reason: string; now: Date; ip?: string }): Promise<Decision | FormRefusal> {
  if (options.actor.role !== 'admin') return new AppError('forbidden', 'Only an admin decides applications.');
  if (!isUuid(options.applicationId)) return new AppError('not_found', 'There is no such application.');
  const reason = reasonSchema.safeParse(options.reason);
  if (!reason.success) return invalidForm({ reason: reason.error.issues[0]?.message ?? 'Write the reason' });
  return options.db.transaction(async (tx) => {
    const app = await decide(tx, { ...options, status: 'declined', reason: reason.data });
    if (app instanceof AppError) return app;
    const [user] = await tx.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, app.userId));
    await recordAudit(tx, {
      actorId: options.actor.id, action: 'mentor.application.declined', subjectType: 'user', subjectId: app.userId,
      data: { applicationId: app.id, reason: reason.data }, ip: options.ip,
    });
    if (user) await enqueueEmail({ tx, dedupeKey: `mentor-declined:${app.id}`, template: 'mentor-declined', to: { name: user.name, address: user.email }, payload: { name: user.name, reason: reason.data } });
    return { ok: true, userId: app.userId, name: user?.name ?? '' } as const;
  });
}

/** How many applications wait, for the admin home. */
export async function countOpenApplications(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(mentorApplications).where(eq(mentorApplications.status, 'pending'));
  return Number(row?.n ?? 0);
}
