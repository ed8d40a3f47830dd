import { and, desc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { sessions, users, type SessionStatus } from '../db/schema';

export interface SessionRow {
  id: string;
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  priceCents: number;
  currency: string;
  holdExpiresAt: Date | null;
  checkoutUrl: string | null;
  meetingUrl: string | null;
  meetingProvider: string | null;
  mentorId: string;
  mentorName: string;
  menteeId: string;
  menteeName: string;
}

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

export function selectSessions(db: Db) {
  return db
    .select({
      id: sessions.id, status: sessions.status, startsAt: sessions.startsAt, endsAt: sessions.endsAt, durationMinutes: sessions.durationMinutes,
      priceCents: sessions.priceCents, currency: sessions.currency, holdExpiresAt: sessions.holdExpiresAt, checkoutUrl: sessions.checkoutUrl,
      meetingUrl: sessions.meetingUrl, meetingProvider: sessions.meetingProvider,
      mentorId: sessions.mentorId, mentorName: mentor.name, menteeId: sessions.menteeId, menteeName: mentee.name,
    })
    .from(sessions)
    .innerJoin(mentor, eq(mentor.id, sessions.mentorId))
    .innerJoin(mentee, eq(mentee.id, sessions.menteeId));
}

/** A participant's sessions: upcoming (soonest first), then history (latest first). */
export async function listSessionsFor(options: { db: Db; userId: string; as: 'mentee' | 'mentor'; now: Date; statuses?: SessionStatus[] }) {
  const who = options.as === 'mentee' ? sessions.menteeId : sessions.mentorId;
  const rows: SessionRow[] = await selectSessions(options.db)
    .where(and(eq(who, options.userId), options.statuses ? inArray(sessions.status, options.statuses) : undefined))
    .orderBy(desc(sessions.startsAt))
    .limit(200);
  const t = options.now.getTime();
  const upcoming = rows.filter((r) => r.endsAt.getTime() > t && ['awaiting_payment', 'pending', 'confirmed'].includes(r.status)).reverse();
  const history = rows.filter((r) => !upcoming.includes(r));
  return { upcoming, history };
}

export async function findSession(db: Db, id: string): Promise<SessionRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await selectSessions(db).where(eq(sessions.id, id));
  return row ?? null;
}
