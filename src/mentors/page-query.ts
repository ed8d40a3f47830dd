import { and, eq, isNull, sql } from 'drizzle-orm';
import type { MentorSchedule } from '../booking/slots';
import type { Db } from '../db/client';
import { availabilityWindows, mentorProfiles, mentorTimeOff, reviews, users } from '../db/schema';
import { listPublicReviews, type RatingSummary } from '../feedback/reviews';
import type { MentorProfileView } from './directory';

type Window = MentorSchedule['windows'][number];
type TimeOff = MentorSchedule['timeOff'][number];

/**
 * A mentor's profile page reads the mentor, their rating, weekly windows and days off in one
 * prepared statement (it took six before: the profile, the rating, then the schedule's three), so a
 * page costs one round trip for all of it plus one for the reviews, in parallel. Same rules as
 * loadMentorProfile and loadMentorSchedules: mentors only, not deactivated; visible reviews only;
 * time off that ended more than a day ago (UTC) is left out, as it cannot touch a future slot.
 */
function buildPageStatement(db: Db) {
  return db
    .select({
      id: users.id, name: users.name, timezone: users.timezone,
      headline: mentorProfiles.headline, bio: mentorProfiles.bio, skills: mentorProfiles.skills,
      hourlyRateCents: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency,
      sessionLengths: mentorProfiles.sessionLengths, minNoticeMinutes: mentorProfiles.minNoticeMinutes,
      horizonDays: mentorProfiles.horizonDays, bufferMinutes: mentorProfiles.bufferMinutes,
      ratingAverage: sql<string | null>`(select round(avg(${reviews.rating}), 1)::text from ${reviews} where ${reviews.mentorId} = ${users.id} and ${reviews.hiddenAt} is null)`,
      ratingCount: sql<string>`(select count(*) from ${reviews} where ${reviews.mentorId} = ${users.id} and ${reviews.hiddenAt} is null)`,
      windows: sql<Window[]>`(select coalesce(json_agg(json_build_object('weekday', ${availabilityWindows.weekday}, 'startMinute', ${availabilityWindows.startMinute}, 'endMinute', ${availabilityWindows.endMinute})), '[]'::json) from ${availabilityWindows} where ${availabilityWindows.mentorId} = ${users.id})`,
      timeOff: sql<TimeOff[]>`(select coalesce(json_agg(json_build_object('startDate', ${mentorTimeOff.startDate}, 'endDate', ${mentorTimeOff.endDate})), '[]'::json) from ${mentorTimeOff} where ${mentorTimeOff.mentorId} = ${users.id} and ${mentorTimeOff.endDate} >= ${sql.placeholder('sinceDay')})`,
    })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, sql.placeholder('id')), eq(users.role, 'mentor'), isNull(users.deactivatedAt)))
    .prepare('mentor_page');
}
const statements = new WeakMap<Db, ReturnType<typeof buildPageStatement>>();
function pageStatement(db: Db) {
  const found = statements.get(db);
  if (found) return found;
  const prepared = buildPageStatement(db);
  statements.set(db, prepared);
  return prepared;
}

/** A mentor's profile (with rating and latest reviews) and booking schedule, or null when not listed. */
export async function loadMentorPage(db: Db, id: string): Promise<{ profile: MentorProfileView; schedule: MentorSchedule } | null> {
  const sinceDay = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
  const [rows, latestReviews] = await Promise.all([pageStatement(db).execute({ id, sinceDay }), listPublicReviews({ db, mentorId: id })]);
  const row = rows[0];
  if (!row) return null;
  const count = Number(row.ratingCount);
  const rating: RatingSummary = count > 0 && row.ratingAverage !== null ? { average: Number(row.ratingAverage), count } : { average: null, count: 0 };
  return {
    profile: {
      id: row.id, name: row.name, headline: row.headline, skills: row.skills, hourlyRateCents: row.hourlyRateCents,
      currency: row.currency, rating, bio: row.bio, timezone: row.timezone, reviews: latestReviews,
    },
    schedule: {
      mentorId: row.id, name: row.name, timezone: row.timezone, hourlyRateCents: row.hourlyRateCents, currency: row.currency,
      sessionLengths: [...row.sessionLengths].sort((a, b) => a - b), minNoticeMinutes: row.minNoticeMinutes,
      horizonDays: row.horizonDays, bufferMinutes: row.bufferMinutes,
      windows: row.windows.map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute })),
      timeOff: row.timeOff.map(({ startDate, endDate }) => ({ startDate, endDate })),
    },
  };
}
