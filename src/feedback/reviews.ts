import { and, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { fieldErrors, type FieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { AppError, invalidForm, noSuchSession } from '../errors';
import { reviews, sessions, users } from '../db/schema';
import { text } from '../web/input';
import { pluralize } from '../plural';

/**
 * Ratings of completed sessions. A mentee rates each of their completed sessions once (the unique
 * index on reviews.session_id decides, so two racing first submissions cannot both land), may edit
 * it for 7 days after first submitting, and admins may hide a review: hidden reviews are neither
 * shown publicly nor counted. Every change is validated here and written with its audit row.
 */

export const EDIT_WINDOW_MS = 7 * 86_400_000;
export const COMMENT_MAX = 2000;
/** Reviews listed on a mentor's public profile. */
export const PROFILE_REVIEWS = 10;

export type Review = typeof reviews.$inferSelect;

export interface RatingSummary {
  /** The average of the visible ratings, to one decimal; null when there are none. */
  average: number | null;
  count: number;
}

export const NO_RATINGS: RatingSummary = { average: null, count: 0 };

const RATING_MESSAGE = 'Choose a rating from 1 to 5 stars.';

export const reviewInput = z.object({
  rating: text({ max: 10, notText: RATING_MESSAGE }).pipe(z.string().regex(/^[1-5]$/, RATING_MESSAGE)).transform(Number),
  comment: text({ max: COMMENT_MAX, multiline: true, notText: 'Write the comment as text.', tooLong: `Keep the comment to ${COMMENT_MAX} characters or fewer.` }).optional().default(''),
  /** Present when the form edits an existing rating; absent on a first rating. */
  reviewId: text({ max: 40 }).optional().transform((v) => (v ? v : undefined)),
});

/** The form's fields as typed, to show them again next to their errors. */
export interface ReviewFormValues {
  rating: string;
  comment: string;
}

export function reviewFormValues(input: unknown): ReviewFormValues {
  const body = (input ?? {}) as Record<string, unknown>;
  return {
    rating: typeof body.rating === 'string' ? body.rating : '',
    comment: typeof body.comment === 'string' ? body.comment : '',
  };
}

/** When a rating stops being editable. */
export const editableUntil = (review: Pick<Review, 'createdAt'>) => new Date(review.createdAt.getTime() + EDIT_WINDOW_MS);
export const isEditable = (review: Pick<Review, 'createdAt'>, now: Date) => now.getTime() < editableUntil(review).getTime();

export interface RateableSession {
  id: string;
  mentorId: string;
  mentorName: string;
  startsAt: Date;
  durationMinutes: number;
}

/**
 * The session a mentee may rate, with its rating if there is one: their own, and completed.
 * Null for anything else (another person's session, a mentor's, not completed yet): the route's 404.
 */
export async function findRateableSession(options: { db: Db; sessionId: string; menteeId: string }): Promise<{ session: RateableSession; review: Review | null } | null> {
  if (!isUuid(options.sessionId)) return null;
  const [row] = await options.db
    .select({
      id: sessions.id, mentorId: sessions.mentorId, mentorName: users.name, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes,
      review: reviews,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.mentorId))
    .leftJoin(reviews, eq(reviews.sessionId, sessions.id))
    .where(and(eq(sessions.id, options.sessionId), eq(sessions.menteeId, options.menteeId), eq(sessions.status, 'completed')));
  if (!row) return null;
  const { review, ...session } = row;
  return { session, review };
}

export type SubmitReviewResult =
  | { ok: true; created: boolean; review: Review }
  /** not_found; invalid, with the form's field errors; conflict, with the rating stored (if any). */
  | AppError<{ fields?: FieldErrors; review?: Review | null }>;

/**
 * A mentee's rating of their completed session. Without `reviewId` it is a first rating: refused
 * (conflict) if the session already has one. With it, an edit of that rating: allowed for 7 days after
 * it was first submitted, refused (conflict, nothing changed) after that.
 */
export async function submitReview(options: { db: Db; sessionId: string; menteeId: string; input: unknown; now: Date; ip?: string | null }): Promise<SubmitReviewResult> {
  const { db, sessionId, menteeId, now } = options;
  if (!isUuid(sessionId)) return noSuchSession();
  const parsed = reviewInput.safeParse(options.input ?? {});
  return db.transaction(async (tx): Promise<SubmitReviewResult> => {
    const [session] = await tx
      .select({ mentorId: sessions.mentorId })
      .from(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.menteeId, menteeId), eq(sessions.status, 'completed')));
    // Checked before the input: to anyone but the session's mentee it does not exist.
    if (!session) return noSuchSession();
    if (!parsed.success) return invalidForm(fieldErrors(parsed.error));
    const { rating, comment, reviewId } = parsed.data;

    if (!reviewId) {
      const [created] = await tx
        .insert(reviews)
        .values({ sessionId, mentorId: session.mentorId, menteeId, rating, comment, createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: reviews.sessionId })
        .returning();
      if (created) {
        await recordAudit(tx, { actorId: menteeId, action: 'review.created', subjectType: 'review', subjectId: created.id, data: { sessionId, rating }, ip: options.ip });
        return { ok: true, created: true, review: created };
      }
      const [existing] = await tx.select().from(reviews).where(eq(reviews.sessionId, sessionId));
      return new AppError('conflict', existing && isEditable(existing, now)
        ? 'You have already rated this session, so this new rating was not saved. You can edit your rating below.'
        : 'You have already rated this session, so this new rating was not saved.', { review: existing ?? null });
    }

    const [existing] = await tx.select().from(reviews).where(and(eq(reviews.sessionId, sessionId), eq(reviews.menteeId, menteeId))).for('update');
    if (!existing || existing.id !== reviewId) {
      return new AppError('conflict', 'This rating form is out of date. Reload the page and try again.', { review: existing ?? null });
    }
    if (!isEditable(existing, now)) {
      return new AppError('conflict', 'Ratings can be changed for 7 days after they are first submitted. This one can no longer be changed.', { review: existing });
    }
    const [updated] = await tx
      .update(reviews)
      .set({ rating, comment, updatedAt: now })
      .where(eq(reviews.id, existing.id))
      .returning();
    await recordAudit(tx, {
      actorId: menteeId, action: 'review.updated', subjectType: 'review', subjectId: existing.id,
      data: { sessionId, from: existing.rating, to: rating }, ip: options.ip,
    });
    return { ok: true, created: false, review: updated! };
  });
}

/** The visible ratings of these mentors: one grouped query, whatever the number of mentors. */
export async function summarizeRatings(options: { db: Db; mentorIds: string[] }): Promise<Map<string, RatingSummary>> {
  const out = new Map<string, RatingSummary>();
  if (options.mentorIds.length === 0) return out;
  const rows = await options.db
    .select({ mentorId: reviews.mentorId, average: sql<string>`round(avg(${reviews.rating}), 1)::text`, count: count() })
    .from(reviews)
    .where(and(inArray(reviews.mentorId, options.mentorIds), isNull(reviews.hiddenAt)))
    .groupBy(reviews.mentorId);
  for (const r of rows) out.set(r.mentorId, { average: Number(r.average), count: Number(r.count) });
  return out;
}

/** "★ 4.5 (12 reviews)", or null when there is nothing to show. */
export function formatRating(summary: RatingSummary): string | null {
  if (!summary.count || summary.average === null) return null;
  return `★ ${summary.average.toFixed(1)} (${pluralize(summary.count, 'review')})`;
}

export interface PublicReview {
  id: string;
  rating: number;
  comment: string;
  /** The reviewer's first name only. */
  reviewer: string;
  createdAt: Date;
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? '';

export interface AdminReviewRow {
  id: string;
  sessionId: string;
  rating: number;
  comment: string;
  createdAt: Date;
  updatedAt: Date;
  hiddenAt: Date | null;
  mentorId: string;
  mentorName: string;
  menteeName: string;
}

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

/** Every review, newest first, hidden ones included: the admin's moderation list. */
export async function listReviewsForAdmin(options: { db: Db; limit?: number }): Promise<AdminReviewRow[]> {
  return options.db
    .select({
      id: reviews.id, sessionId: reviews.sessionId, rating: reviews.rating, comment: reviews.comment, createdAt: reviews.createdAt,
      updatedAt: reviews.updatedAt, hiddenAt: reviews.hiddenAt, mentorId: reviews.mentorId, mentorName: mentor.name, menteeName: mentee.name,
    })
    .from(reviews)
    .innerJoin(mentor, eq(mentor.id, reviews.mentorId))
    .innerJoin(mentee, eq(mentee.id, reviews.menteeId))
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(options.limit ?? 200);
}

export type ModerationResult = 'changed' | 'unchanged' | 'not-found';

async function moderateReview(options: { db: Db; reviewId: string; hide: boolean; actorId: string; now: Date; ip?: string | null }): Promise<ModerationResult> {
  if (!isUuid(options.reviewId)) return 'not-found';
  return options.db.transaction(async (tx) => {
    const [row] = await tx
      .update(reviews)
      .set(options.hide ? { hiddenAt: options.now, hiddenBy: options.actorId } : { hiddenAt: null, hiddenBy: null })
      .where(and(eq(reviews.id, options.reviewId), options.hide ? isNull(reviews.hiddenAt) : sql`${reviews.hiddenAt} is not null`))
      .returning({ id: reviews.id, sessionId: reviews.sessionId });
    if (!row) {
      const [exists] = await tx.select({ id: reviews.id }).from(reviews).where(eq(reviews.id, options.reviewId));
      return exists ? 'unchanged' : 'not-found';
    }
    await recordAudit(tx, {
      actorId: options.actorId, action: options.hide ? 'review.hidden' : 'review.unhidden', subjectType: 'review', subjectId: row.id,
      data: { sessionId: row.sessionId }, ip: options.ip,
    });
    return 'changed';
  });
}

/** An admin hides a review: it stays stored, but is no longer shown publicly or counted. */
export function hideReview(options: { db: Db; reviewId: string; actorId: string; now: Date; ip?: string | null }): Promise<ModerationResult> {
  return moderateReview({ ...options, hide: true });
}

/** An admin shows a hidden review again. */
export function unhideReview(options: { db: Db; reviewId: string; actorId: string; now: Date; ip?: string | null }): Promise<ModerationResult> {
  return moderateReview({ ...options, hide: false });
}
