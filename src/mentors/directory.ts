import { asc, eq } from 'drizzle-orm';
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

export async function listMentors(options: { db: Db; limit: number }): Promise<MentorCard[]> {
  return options.db
    .select({
      id: users.id,
      name: users.name,
      headline: mentorProfiles.headline,
      skills: mentorProfiles.skills,
      hourlyRateCents: mentorProfiles.hourlyRateCents,
      currency: mentorProfiles.currency,
    })
    .from(mentorProfiles)
    .innerJoin(users, eq(users.id, mentorProfiles.userId))
    .orderBy(asc(users.name))
    .limit(options.limit);
}

export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
}
