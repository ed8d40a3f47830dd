import { and, eq, isNull, sql } from 'drizzle-orm';
import type { MentorSchedule } from '../booking/slots';
import type { Db } from '../db/client';
import { availabilityWindows, mentorProfiles, mentorTimeOff, reviews, users } from '../db/schema';
import { listPublicReviews, NO_RATINGS, type RatingSummary } from '../feedback/reviews';
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

/** The profile page's statement: prepared once per database, so a request sends only the id. */
function buildPageStatement(db: Db) {
  return db
    .select({ ...mentorColumns(sql.placeholder('sinceDay')), bio: mentorProfiles.bio })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, sql.placeholder('id')), eq(users.role, 'mentor'), isNull(users.deactivatedAt)))
    .prepare('mentor_page');
}
const pageStatement = oncePerDatabase(buildPageStatement);

/**
 * A mentor's profile (with rating and latest reviews) and booking schedule, or null when not listed
 * (not a mentor, or deactivated): one round trip for the mentor, one for the reviews, in parallel.
 */
export async function loadMentorPage(db: Db, id: string, now = new Date()): Promise<{ profile: MentorProfileView; schedule: MentorSchedule } | null> {
  const [rows, latestReviews] = await Promise.all([pageStatement(db).execute({ id, sinceDay: sinceDayFor(now) }), listPublicReviews({ db, mentorId: id })]);
  const row = rows[0];
  if (!row) return null;
  return {
    profile: {
      id: row.id, name: row.name, headline: row.headline, skills: row.skills, hourlyRateCents: row.hourlyRateCents,
      currency: row.currency, rating: ratingOf(row), bio: row.bio, timezone: row.timezone, reviews: latestReviews,
    },
    schedule: scheduleOf(row),
  };
}
