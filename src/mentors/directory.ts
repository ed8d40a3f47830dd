import { and, asc, count, eq, ilike, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { busyTimes, firstFreeStarts, listFreeSlots, loadMentorSchedules, LONGEST_SESSION_MS, type BusyTime, type MentorSchedule } from '../booking/slots';
import { busyColumn, busyOf, mentorColumns, ratingOf, scheduleOf, sinceDayFor } from './page-query';
import type { Db } from '../db/client';
import { literalLimit, oncePerDatabase } from '../db/prepared';
import { mentorProfiles, reviews, users } from '../db/schema';
import { NO_RATINGS, summarizeRatings, type PublicReview, type RatingSummary } from '../feedback/reviews';

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

/** The directory: search by name, headline or skill; filter by skill, rate and a free slot; sort; each with its next free slot. */
export const DIRECTORY_PAGE = 20;
export const DIRECTORY_SORTS = ['name', 'rating', 'price', 'soonest'] as const;
export type DirectorySort = (typeof DIRECTORY_SORTS)[number];
/** "This week" of the filter and the soonest sort: the next 7 days from now. */
const WEEK_MS = 7 * 86_400_000;
/** The filtered set the soonest sort and the free filter work on in memory (bench data has 2,000 mentors). */
const MAX_IN_MEMORY = 10_000;

export interface DirectoryOptions {
  db: Db;
  query: string;
  /** One skill, matched whole and without regard to case (a clicked tag). */
  skill?: string;
  maxRateCents?: number;
  sort?: DirectorySort;
  /** Only mentors with a free slot in the next 7 days. */
  freeThisWeek?: boolean;
  now: Date;
  page?: number;
}

export async function listDirectory(options: DirectoryOptions): Promise<{ entries: DirectoryEntry[]; hasMore: boolean }> {
  const { db, now } = options;
  const sort = options.sort ?? 'name';
  const page = options.page ?? 0;
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
  const skill = options.skill?.trim();
  if (skill) filters.push(sql`exists (select 1 from unnest(${mentorProfiles.skills}) skill where lower(skill) = lower(${skill}))`);
  // Rates are a PostgreSQL integer: a ceiling above its range (?max=99999999999) means "no ceiling", not an error.
  if (options.maxRateCents) filters.push(lte(mentorProfiles.hourlyRateCents, Math.min(options.maxRateCents, 2_147_483_647)));

  // Rating: the visible reviews' average, best first; mentors without ratings after those with some.
  const ratings = db
    .select({ mentorId: reviews.mentorId, average: sql<number>`avg(${reviews.rating})`.as('average'), count: count().as('count') })
    .from(reviews).where(isNull(reviews.hiddenAt)).groupBy(reviews.mentorId).as('ratings');
  const order = {
    name: [asc(users.name), asc(users.id)],
    rating: [sql`${ratings.average} desc nulls last`, sql`${ratings.count} desc nulls last`, asc(users.name), asc(users.id)],
    // Amounts compare as numbers whatever their currency, as the rate ceiling does.
    price: [asc(mentorProfiles.hourlyRateCents), asc(users.name), asc(users.id)],
    soonest: [asc(users.name), asc(users.id)],
  }[sort];
  const base = () => {
    const select = db.select(cardColumns).from(mentorProfiles).innerJoin(users, eq(users.id, mentorProfiles.userId));
    return (sort === 'rating' ? select.leftJoin(ratings, eq(ratings.mentorId, users.id)) : select).where(and(...filters)).orderBy(...order);
  };
  // A page of mentors with their ratings, schedules and first day's sessions in the same statement (see
  // mentorColumns and busyColumn).
  const firstDay = firstStretchBusy(now);
  const withSchedules = () => {
    const select = db.select({ ...mentorColumns(sinceDayFor(now)), busy: busyColumn(firstDay.from, firstDay.to) })
      .from(mentorProfiles).innerJoin(users, eq(users.id, mentorProfiles.userId));
    return (sort === 'rating' ? select.leftJoin(ratings, eq(ratings.mentorId, users.id)) : select).where(and(...filters)).orderBy(...order);
  };

  let mentors: MentorCard[];
  let schedules: Map<string, MentorSchedule>;
  let hasMore: boolean;
  let weekFree: Map<string, Date> | undefined;
  let firstDayBusy: Map<string, BusyTime[]> | undefined;
  if (sort === 'soonest' || options.freeThisWeek) {
    // Every matching mentor's first free slot this week decides the filter and the order, so compute it
    // for all of them: schedules, days off and the week's sessions in four queries, then in memory a
    // walk of each mentor's days that stops at the first free start (see firstFreeStarts).
    const all = await base().limit(MAX_IN_MEMORY);
    weekFree = await firstFreeThisWeek(db, all.map((m) => m.id), now);
    let ranked = options.freeThisWeek ? all.filter((m) => weekFree!.has(m.id)) : all;
    if (sort === 'soonest') {
      const at = (id: string) => weekFree!.get(id)?.getTime() ?? Infinity;
      // Stable: mentors with the same first slot, and those with none this week (last), stay by name.
      ranked = ranked.map((m, i) => ({ m, i })).sort((a, b) => at(a.m.id) - at(b.m.id) || a.i - b.i).map(({ m }) => m);
    }
    const found = ranked.slice(page * DIRECTORY_PAGE, (page + 1) * DIRECTORY_PAGE);
    hasMore = ranked.length > (page + 1) * DIRECTORY_PAGE;
    mentors = await withRatings(db, found);
    schedules = await loadMentorSchedules(db, mentors.map((m) => m.id));
  } else {
    // Offset paging: mentors number in the thousands, not millions; each page computes 20 next slots.
    // The directory as it opens (no search, no filter) is most of its traffic: that shape is prepared,
    // so PostgreSQL plans its subqueries once per connection instead of on every page.
    const plain = filters.length === 2 && sort !== 'rating';
    const rows = plain
      ? await plainPageStatement(db, sort === 'price' ? 'price' : 'name', page === 0).execute({
        offset: page * DIRECTORY_PAGE, sinceDay: sinceDayFor(now), busyFrom: firstDay.from, busyTo: firstDay.to })
      : await withSchedules().offset(page * DIRECTORY_PAGE).limit(DIRECTORY_PAGE + 1);
    hasMore = rows.length > DIRECTORY_PAGE;
    const pageRows = rows.slice(0, DIRECTORY_PAGE);
    mentors = pageRows.map((r) => ({ id: r.id, name: r.name, headline: r.headline, skills: r.skills, hourlyRateCents: r.hourlyRateCents, currency: r.currency, rating: ratingOf(r) }));
    schedules = new Map(pageRows.map((r) => [r.id, scheduleOf(r)]));
    firstDayBusy = new Map(pageRows.map((r) => [r.id, busyOf(r.busy)]));
  }
  const ids = mentors.map((m) => m.id);
  weekFree ??= await firstFreeThisWeek(db, ids, now, schedules, firstDayBusy);
  // Only a mentor with no free slot this week costs a look further ahead, up to the horizon.
  const entries = await Promise.all(mentors.map(async (m) => {
    const schedule = schedules.get(m.id);
    const shortestLength = schedule?.sessionLengths[0] ?? 60;
    if (!schedule) return { ...m, nextFreeSlot: null, shortestLength };
    const next = weekFree!.get(m.id) ?? (await listFreeSlots({ db, schedule, durationMinutes: shortestLength, now }))[0] ?? null;
    return { ...m, nextFreeSlot: next, shortestLength };
  }));
  return { entries, hasMore };
}

/** The unfiltered directory page in name or price order, prepared once per database and order. */
function buildPlainPage(db: Db, sort: 'name' | 'price', first: boolean) {
  const query = db.select({ ...mentorColumns(sql.placeholder('sinceDay')), busy: busyColumn(sql.placeholder('busyFrom'), sql.placeholder('busyTo')) })
    .from(mentorProfiles).innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.role, 'mentor'), isNull(users.deactivatedAt)))
    .orderBy(...(sort === 'price' ? [asc(mentorProfiles.hourlyRateCents), asc(users.name), asc(users.id)] : [asc(users.name), asc(users.id)]))
    .limit(literalLimit(DIRECTORY_PAGE + 1));
  // The first page (most of the traffic) has no OFFSET: with one as a parameter, PostgreSQL's generic
  // plan must assume a deep page, judged it dearer than a custom one, and planned every call again.
  return (first ? query : query.offset(sql.placeholder('offset'))).prepare(`directory_${sort}${first ? '_first' : ''}`);
}
const plainPages = oncePerDatabase(() => new Map<string, ReturnType<typeof buildPlainPage>>());
function plainPageStatement(db: Db, sort: 'name' | 'price', first: boolean) {
  const cache = plainPages(db);
  const key = `${sort}:${first}`;
  const found = cache.get(key);
  if (found) return found;
  const prepared = buildPlainPage(db, sort, first);
  cache.set(key, prepared);
  return prepared;
}

/** The week is searched in stretches of these many days (see firstFreeThisWeek). */
const STRETCH_DAYS = [1, 2, 4];

/**
 * The sessions the first stretch needs (before each mentor's buffer): what a directory page reads with
 * its mentors. A slot starting before the stretch's end ends at most the longest session later.
 */
function firstStretchBusy(now: Date) {
  const until = Math.min(now.getTime() + STRETCH_DAYS[0]! * 86_400_000, now.getTime() + WEEK_MS);
  return { from: now.toISOString(), to: new Date(until + LONGEST_SESSION_MS).toISOString() };
}

/**
 * Each mentor's first free start of the shortest length in the next 7 days (absent: none). The week is
 * searched in growing stretches (1, 2, then 4 days): most mentors have a free slot in the first one,
 * so only the sessions of that stretch are read for all of them, and later stretches only for the rest.
 * `firstDay` holds the first stretch's sessions where the caller read them already (firstStretchBusy).
 */
async function firstFreeThisWeek(db: Db, ids: string[], now: Date, known?: Map<string, MentorSchedule>, firstDay?: Map<string, BusyTime[]>): Promise<Map<string, Date>> {
  const found = new Map<string, Date>();
  if (ids.length === 0) return found;
  const schedules = known ?? await loadMentorSchedules(db, ids);
  let left = [...schedules.values()];
  let from = now.getTime();
  for (const [i, days] of STRETCH_DAYS.entries()) {
    if (left.length === 0) break;
    const until = Math.min(from + days * 86_400_000, now.getTime() + WEEK_MS);
    const pad = Math.max(0, ...left.map((s) => s.bufferMinutes)) * 60_000;
    const busy = i === 0 && firstDay
      ? left.flatMap((s) => (firstDay.get(s.mentorId) ?? []).map((b) => ({ mentorId: s.mentorId, ...b })))
      : await busyTimes(db, left.map((s) => s.mentorId), new Date(from - pad), new Date(until + LONGEST_SESSION_MS + pad));
    const first = firstFreeStarts({ schedules: left, busy, now, from: new Date(from), until: new Date(until) });
    for (const [id, at] of first) found.set(id, at);
    left = left.filter((s) => !first.has(s.mentorId));
    from = until;
  }
  return found;
}
