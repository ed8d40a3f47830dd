import { and, asc, count, desc, eq, ilike, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { mentorProfiles, sessions, userRole, users, type Role } from '../db/schema';
import { listApplicationsOf } from '../mentors/applications';
import { selectSessions, type SessionRow } from '../sessions/queries';

/** The admin's people pages: the account list (search, role filter) and one person's page. */

export const USERS_PAGE = 100;
/** Sessions per side shown on a person's page; the admin Sessions page, filtered by person, has them all. */
export const PERSON_SESSIONS = 50;

export type UserRow = { id: string; name: string; email: string; role: Role; emailVerifiedAt: Date | null; deactivatedAt: Date | null };

export const parseRole = (v: unknown): Role | undefined => userRole.enumValues.find((r) => r === v);

export async function searchUsers(options: { db: Db; q: string; role?: Role }): Promise<UserRow[]> {
  const like = `%${options.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return options.db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, emailVerifiedAt: users.emailVerifiedAt, deactivatedAt: users.deactivatedAt })
    .from(users)
    .where(and(options.q ? or(ilike(users.name, like), ilike(users.email, like)) : undefined, options.role ? eq(users.role, options.role) : undefined))
    .orderBy(asc(users.name), asc(users.id))
    .limit(USERS_PAGE);
}

export interface Person {
  user: typeof users.$inferSelect;
  hasMentorProfile: boolean;
  asMentee: { rows: SessionRow[]; total: number };
  asMentor: { rows: SessionRow[]; total: number };
  applications: Awaited<ReturnType<typeof listApplicationsOf>>;
}

/** One person: the account, their sessions on each side (latest start first) and their mentor applications. */
export async function loadPerson(options: { db: Db; userId: string }): Promise<Person | null> {
  const { db, userId } = options;
  if (!isUuid(userId)) return null;
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) return null;
  const side = async (column: typeof sessions.menteeId | typeof sessions.mentorId) => {
    const [rows, [total]] = await Promise.all([
      selectSessions(db).where(eq(column, userId)).orderBy(desc(sessions.startsAt), desc(sessions.id)).limit(PERSON_SESSIONS),
      db.select({ n: count() }).from(sessions).where(eq(column, userId)),
    ]);
    return { rows, total: Number(total?.n ?? 0) };
  };
  const [asMentee, asMentor, profile, applications] = await Promise.all([
    side(sessions.menteeId),
    side(sessions.mentorId),
    db.select({ id: mentorProfiles.userId }).from(mentorProfiles).where(eq(mentorProfiles.userId, userId)),
    listApplicationsOf({ db, userId }),
  ]);
  // password_hash stays on the server: the page never needs it.
  return { user: { ...user, passwordHash: '' }, hasMentorProfile: profile.length > 0, asMentee, asMentor, applications };
}
