import { and, eq, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { LIVE_STATUSES, type BusyTime, type MentorSchedule } from '../booking/slots';
import type { Db } from '../db/client';
import { availabilityWindows, mentorProfiles, mentorTimeOff, reviews, sessions, users } from '../db/schema';
import { firstName, NO_RATINGS, PROFILE_REVIEWS, type PublicReview, type RatingSummary } from '../feedback/reviews';
import type { MentorProfileView } from './directory';
import { oncePerDatabase } from '../db/prepared';

type Window = MentorSchedule['windows'][number];
type TimeOff = MentorSchedule['timeOff'][number];

/**
 * A mentor with their rating and booking schedule, as columns of one row: the profile page and a
 * directory page read mentors with these in one statement (it took five more before: the rating,
 * then the schedule's three, per page). Same rules as summarizeRatings and loadMentorSchedules:
 * visible reviews only; time off that ended before `sinceDay` cannot touch a future slot.
 */
export function mentorColumns(sinceDay: string | ReturnType<typeof sql.placeholder>) {
  return {
    id: users.id, name: users.name, timezone: users.timezone,
    headline: mentorProfiles.headline, skills: mentorProfiles.skills,
    hourlyRateCents: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency,
    sessionLengths: mentorProfiles.sessionLengths, minNoticeMinutes: mentorProfiles.minNoticeMinutes,
    horizonDays: mentorProfiles.horizonDays, bufferMinutes: mentorProfiles.bufferMinutes,
    ratingAverage: sql<string | null>`(select round(avg(${reviews.rating}), 1)::text from ${reviews} where ${reviews.mentorId} = ${users.id} and ${reviews.hiddenAt} is null)`,
    ratingCount: sql<string | number>`(select count(*) from ${reviews} where ${reviews.mentorId} = ${users.id} and ${reviews.hiddenAt} is null)`,
    windows: sql<Window[]>`(select coalesce(json_agg(json_build_object('weekday', ${availabilityWindows.weekday}, 'startMinute', ${availabilityWindows.startMinute}, 'endMinute', ${availabilityWindows.endMinute})), '[]'::json) from ${availabilityWindows} where ${availabilityWindows.mentorId} = ${users.id})`,
    timeOff: sql<TimeOff[]>`(select coalesce(json_agg(json_build_object('startDate', ${mentorTimeOff.startDate}, 'endDate', ${mentorTimeOff.endDate})), '[]'::json) from ${mentorTimeOff} where ${mentorTimeOff.mentorId} = ${users.id} and ${mentorTimeOff.endDate} >= ${sinceDay})`,
  };
}

type Bound = string | ReturnType<typeof sql.placeholder>;

/**
 * The mentor's slot-holding sessions that overlap [from, to) widened by the mentor's own buffer, as
 * [start, end] pairs in epoch milliseconds (busyTimes' rule). A directory page reads its mentors' first
 * day of sessions in its own statement this way, not in a second round trip; as JSON the driver
 * parses the hundreds of times natively. `from` and `to` are ISO instants. No session lasts a day, so
 * a lower bound on the start keeps the read to the range of the mentor's live-sessions index.
 */
export function busyColumn(from: Bound, to: Bound) {
  const pad = sql`make_interval(mins => ${mentorProfiles.bufferMinutes})`;
  return sql<[number, number][]>`(select coalesce(json_agg(json_build_array(extract(epoch from ${sessions.startsAt}) * 1000, extract(epoch from ${sessions.endsAt}) * 1000)), '[]'::json)
    from ${sessions} where ${sessions.mentorId} = ${users.id} and ${sessions.status} in ${LIVE_STATUSES}
    and ${sessions.startsAt} < ${to}::timestamptz + ${pad} and ${sessions.endsAt} > ${from}::timestamptz - ${pad}
    and ${sessions.startsAt} > ${from}::timestamptz - ${pad} - interval '1 day')`;
}

/** busyColumn's pairs as busy times. */
export const busyOf = (pairs: [number, number][]): BusyTime[] => pairs.map(([startsAt, endsAt]) => ({ startsAt, endsAt }));

/** Time off that ended more than a day ago (UTC) cannot touch any future slot in any zone. */
export const sinceDayFor = (now: Date) => new Date(now.getTime() - 2 * 86_400_000).toISOString().slice(0, 10);

/** A row of mentorColumns, as the driver gives it. */
interface MentorRow {
  id: string; name: string; timezone: string; headline: string; skills: string[]; hourlyRateCents: number; currency: string;
  sessionLengths: number[]; minNoticeMinutes: number; horizonDays: number; bufferMinutes: number;
  ratingAverage: string | null; ratingCount: string | number; windows: Window[]; timeOff: TimeOff[];
}

export function ratingOf(row: Pick<MentorRow, 'ratingAverage' | 'ratingCount'>): RatingSummary {
  const count = Number(row.ratingCount);
  return count > 0 && row.ratingAverage !== null ? { average: Number(row.ratingAverage), count } : NO_RATINGS;
}

export function scheduleOf(row: MentorRow): MentorSchedule {
  return {
    mentorId: row.id, name: row.name, timezone: row.timezone, hourlyRateCents: row.hourlyRateCents, currency: row.currency,
    sessionLengths: [...row.sessionLengths].sort((a, b) => a - b), minNoticeMinutes: row.minNoticeMinutes,
    horizonDays: row.horizonDays, bufferMinutes: row.bufferMinutes,
    windows: row.windows.map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute })),
    timeOff: row.timeOff.map(({ startDate, endDate }) => ({ startDate, endDate })),
  };
}

// Inside a sql`` fragment an alias renders as its name alone, so the join below names the table itself.
const reviewer = alias(users, 'reviewer');

/**
 * The mentor's latest visible reviews (hidden ones never show), newest first, as a JSON column: the
 * profile page reads them in its one statement rather than a second round trip.
 */
const latestReviews = sql<{ id: string; rating: number; comment: string; name: string; createdAt: string }[]>`(select coalesce(json_agg(r order by r."createdAt" desc, r.id desc), '[]'::json) from (
  select ${reviews.id} as id, ${reviews.rating} as rating, ${reviews.comment} as comment, ${reviewer.name} as name, ${reviews.createdAt} as "createdAt"
  from ${reviews} inner join ${users} as "reviewer" on ${reviewer.id} = ${reviews.menteeId}
  where ${reviews.mentorId} = ${users.id} and ${reviews.hiddenAt} is null
  order by ${reviews.createdAt} desc, ${reviews.id} desc limit ${sql.raw(String(PROFILE_REVIEWS))}) r)`;

/** The profile page's statement: prepared once per database, so a request sends only the id and the week. */
function buildPageStatement(db: Db) {
  return db
    .select({
      ...mentorColumns(sql.placeholder('sinceDay')), bio: mentorProfiles.bio, reviews: latestReviews,
      busy: busyColumn(sql.placeholder('busyFrom'), sql.placeholder('busyTo')),
    })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, sql.placeholder('id')), eq(users.role, 'mentor'), isNull(users.deactivatedAt)))
    .prepare('mentor_page');
}
const pageStatement = oncePerDatabase(buildPageStatement);

/**
 * A mentor's profile (with rating and latest reviews), booking schedule and the sessions that hold
 * time in `busyWindow` (busyColumn), or null when not listed (not a mentor, or deactivated): one
 * prepared statement, one round trip. The window is the week the page will show, so its free slots
 * need no second query (listFreeSlots' `known`).
 */
export async function loadMentorPage(db: Db, options: { id: string; now: Date; busyWindow: { from: Date; to: Date } }) {
  const { id, now, busyWindow } = options;
  const [row] = await pageStatement(db).execute({ id, sinceDay: sinceDayFor(now), busyFrom: busyWindow.from.toISOString(), busyTo: busyWindow.to.toISOString() });
  if (!row) return null;
  const latest: PublicReview[] = row.reviews.map((r) => ({ id: r.id, rating: r.rating, comment: r.comment, reviewer: firstName(r.name), createdAt: new Date(r.createdAt) }));
  const profile: MentorProfileView = {
    id: row.id, name: row.name, headline: row.headline, skills: row.skills, hourlyRateCents: row.hourlyRateCents,
    currency: row.currency, rating: ratingOf(row), bio: row.bio, timezone: row.timezone, reviews: latest,
  };
  return { profile, schedule: scheduleOf(row), known: { ...busyWindow, busy: busyOf(row.busy) } };
}
