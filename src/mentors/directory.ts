import { and, asc, eq, ilike, lte, or, sql, type SQL } from 'drizzle-orm';
import { listFreeSlots, loadMentorSchedule } from '../booking/slots';
import type { Db } from '../db/client';
import { mentorProfiles, users } from '../db/schema';

export interface MentorCard {
  id: string;
  name: string;
  headline: string;
  skills: string[];
  hourlyRateCents: number;
  currency: string;
}

export interface DirectoryEntry extends MentorCard {
  nextFreeSlot: Date | null;
  shortestLength: number;
}

export interface MentorProfileView extends MentorCard {
  bio: string;
  timezone: string;
}

const cardColumns = {
  id: users.id,
  name: users.name,
  headline: mentorProfiles.headline,
  skills: mentorProfiles.skills,
  hourlyRateCents: mentorProfiles.hourlyRateCents,
  currency: mentorProfiles.currency,
};

export async function listMentors(options: { db: Db; limit: number }): Promise<MentorCard[]> {
  return options.db
    .select(cardColumns)
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(eq(users.role, 'mentor'))
    .orderBy(asc(users.name))
    .limit(options.limit);
}

/** The directory: search by name, headline or skill; filter by the hourly rate; each with its next free slot. */
export async function listDirectory(options: { db: Db; query: string; maxRateCents?: number; now: Date }): Promise<DirectoryEntry[]> {
  const filters: SQL[] = [eq(users.role, 'mentor')];
  const q = options.query.trim();
  if (q) {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    filters.push(or(
      ilike(users.name, like),
      ilike(mentorProfiles.headline, like),
      sql`exists (select 1 from unnest(${mentorProfiles.skills}) skill where skill ilike ${like})`,
    )!);
  }
  if (options.maxRateCents) filters.push(lte(mentorProfiles.hourlyRateCents, options.maxRateCents));
  const mentors = await options.db
    .select(cardColumns)
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(...filters))
    .orderBy(asc(users.name))
    .limit(100);
  return Promise.all(mentors.map(async (m) => {
    const schedule = await loadMentorSchedule(options.db, m.id);
    const shortestLength = schedule?.sessionLengths[0] ?? 60;
    const slots = schedule ? await listFreeSlots({ db: options.db, schedule, durationMinutes: shortestLength, now: options.now }) : [];
    return { ...m, nextFreeSlot: slots[0] ?? null, shortestLength };
  }));
}

export async function loadMentorProfile(db: Db, id: string): Promise<MentorProfileView | null> {
  const [row] = await db
    .select({ ...cardColumns, bio: mentorProfiles.bio, timezone: users.timezone })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .where(and(eq(users.id, id), eq(users.role, 'mentor')));
  return row ?? null;
}

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}
