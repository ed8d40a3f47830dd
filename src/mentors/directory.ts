import { and, asc, eq, ilike, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { busyTimes, candidateStarts, listFreeSlots, loadMentorSchedules, withoutBusy } from '../booking/slots';
import type { Db } from '../db/client';
import { mentorProfiles, users } from '../db/schema';
import { listPublicReviews, NO_RATINGS, summarizeRatings, type PublicReview, type RatingSummary } from '../feedback/reviews';

export interface MentorCard {
  id: string;
  name: string;
  headline: string;
  skills: string[];
  hourlyRateCents: number;
  currency: string;
  /** From the visible (not hidden) reviews. */
  rating: RatingSummary;
}

export interface DirectoryEntry extends MentorCard {
  nextFreeSlot: Date | null;
  shortestLength: number;
}

export interface MentorProfileView extends MentorCard {
  bio: string;
  timezone: string;
  /** The latest visible reviews, newest first. */
  reviews: PublicReview[];
}

const cardColumns = {
  id: users.id,
  name: users.name,
  headline: mentorProfiles.headline,
  skills: mentorProfiles.skills,
  hourlyRateCents: mentorProfiles.hourlyRateCents,
  currency: mentorProfiles.currency,
};

/** Each card with its rating: one grouped query for all of them. */
async function withRatings<T extends { id: string }>(db: Db, rows: T[]): Promise<(T & { rating: RatingSummary })[]> {
  const ratings = await summarizeRatings({ db, mentorIds: rows.map((r) => r.id) });
  return rows.map((r) => ({ ...r, rating: ratings.get(r.id) ?? NO_RATINGS }));
}

export async function listMentors(options: { db: Db; limit: number }): Promise<MentorCard[]> {
  const rows = await options.db
    .select(cardColumns)
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    // A deactivated mentor is listed nowhere and cannot be booked (see loadMentorSchedules).
    .where(and(eq(users.role, 'mentor'), isNull(users.deactivatedAt)))
    .orderBy(asc(users.name))
    .limit(options.limit);
  return withRatings(options.db, rows);
}

/** The directory: search by name, headline or skill; filter by the hourly rate; each with its next free slot. */
export const DIRECTORY_PAGE = 20;

export async function listDirectory(options: { db: Db; query: string; maxRateCents?: number; now: Date; page?: number }): Promise<{ entries: DirectoryEntry[]; hasMore: boolean }> {
  const filters: SQL[] = [eq(users.role, 'mentor'), isNull(users.deactivatedAt)];
  const q = options.query.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(
      ilike(users.name, like),
      ilike(mentorProfiles.headline, like),
      sql`exists (select 1 from unnest(${mentorProfiles.skills}) skill where skill ilike ${like})`,
    )!);
  }
  // Rates are a PostgreSQL integer: a ceiling above its range (?max=99999999999) means "no ceiling", not an error.
  if (options.maxRateCents) filters.push(lte(mentorProfiles.hourlyRateCents, Math.min(options.maxRateCents, 2_147_483_647)));
  const found = await options.db
    .select(cardColumns)
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(...filters))
    .orderBy(asc(users.name), asc(users.id))
    // Offset paging: mentors number in the thousands, not millions; each page computes 20 next slots.
    .offset((options.page ?? 0) * DIRECTORY_PAGE)
    .limit(DIRECTORY_PAGE + 1);
  const hasMore = found.length > DIRECTORY_PAGE;
  const mentors = await withRatings(options.db, found.slice(0, DIRECTORY_PAGE));
  // Next free slot of each mentor on the page: schedules and the week's bookings in three queries for
  // all of them (not three per mentor); only a mentor with a fully booked week costs a second look.
  const ids = mentors.map((m) => m.id);
  const week = { from: options.now, to: new Date(options.now.getTime() + 7 * 86_400_000) };
  const [schedules, busy] = await Promise.all([loadMentorSchedules(options.db, ids), busyTimes(options.db, ids, week.from, new Date(week.to.getTime() + 86_400_000))]);
  const entries = await Promise.all(mentors.map(async (m) => {
    const schedule = schedules.get(m.id);
    const shortestLength = schedule?.sessionLengths[0] ?? 60;
    if (!schedule) return { ...m, nextFreeSlot: null, shortestLength };
    let slots = withoutBusy(candidateStarts(schedule, shortestLength, options.now, week), shortestLength, busy.filter((b) => b.mentorId === m.id));
    if (slots.length === 0) slots = await listFreeSlots({ db: options.db, schedule, durationMinutes: shortestLength, now: options.now });
    return { ...m, nextFreeSlot: slots[0] ?? null, shortestLength };
  }));
  return { entries, hasMore };
}

export async function loadMentorProfile(db: Db, id: string): Promise<MentorProfileView | null> {
  const [row] = await db
    .select({ ...cardColumns, bio: mentorProfiles.bio, timezone: users.timezone })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, id), eq(users.role, 'mentor'), isNull(users.deactivatedAt)));
  if (!row) return null;
  const [[withRating], reviews] = await Promise.all([withRatings(db, [row]), listPublicReviews({ db, mentorId: id })]);
  return { ...withRating!, reviews };
}
