import { and, asc, desc, eq, gt, inArray, not, sql } from 'drizzle-orm';
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
  /** The mentee's moves so far (the reschedule rule allows two). */
  menteeReschedules: number;
  /** Set when the mentee asked for a new time: the mentor answers "Accept new time". */
  requestedAt: Date | null;
  /** When the mentee paid: a paid session has a receipt. */
  paidAt: Date | null;
  /** The mentee's "What would you like help with?", as written (plain text), or null. */
  bookingNote: string | null;
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
      menteeReschedules: sessions.menteeReschedules, requestedAt: sessions.requestedAt, paidAt: sessions.paidAt, bookingNote: sessions.bookingNote,
    })
    .from(sessions)
    .innerJoin(mentor, eq(mentor.id, sessions.mentorId))
    .innerJoin(mentee, eq(mentee.id, sessions.menteeId));
}

export const HISTORY_PAGE = 20;
const ACTIVE = ['awaiting_payment', 'pending', 'confirmed'] as const;

/**
 * A participant's sessions: a page of upcoming ones (soonest first), then one page of history
 * (latest first) by keyset on (starts_at, id). Both use the (person, starts_at) index, so the cost
 * does not grow with how many sessions the person has had.
 */
export const UPCOMING_PAGE = 30;

export async function listSessionsFor(options: { db: Db; userId: string; as: 'mentee' | 'mentor'; now: Date; before?: { startsAt: Date; id: string }; after?: { startsAt: Date; id: string } }) {
  const who = options.as === 'mentee' ? sessions.menteeId : sessions.mentorId;
  const now = options.now;
  const live = and(inArray(sessions.status, [...ACTIVE]), gt(sessions.endsAt, now));
  const [upcoming, older] = await Promise.all([
    selectSessions(options.db)
      // No session is longer than a day: the lower bound lets the index range start near now.
      .where(and(
        eq(who, options.userId), gt(sessions.startsAt, new Date(now.getTime() - 86_400_000)), live,
        options.after ? sql`(${sessions.startsAt}, ${sessions.id}) > (${options.after.startsAt}, ${options.after.id})` : undefined,
      ))
      .orderBy(asc(sessions.startsAt), asc(sessions.id))
      .limit(UPCOMING_PAGE + 1),
    selectSessions(options.db)
      .where(and(
        eq(who, options.userId), not(live!),
        options.before ? sql`(${sessions.startsAt}, ${sessions.id}) < (${options.before.startsAt}, ${options.before.id})` : undefined,
      ))
      .orderBy(desc(sessions.startsAt), desc(sessions.id))
      .limit(HISTORY_PAGE + 1),
  ]);
  const history: SessionRow[] = older.slice(0, HISTORY_PAGE);
  const last = history.at(-1);
  const nextHistory = older.length > HISTORY_PAGE && last ? `${last.startsAt.toISOString()}_${last.id}` : null;
  const soon: SessionRow[] = upcoming.slice(0, UPCOMING_PAGE);
  const lastSoon = soon.at(-1);
  const nextUpcoming = upcoming.length > UPCOMING_PAGE && lastSoon ? `${lastSoon.startsAt.toISOString()}_${lastSoon.id}` : null;
  return { upcoming: soon, nextUpcoming, history, nextHistory };
}

/** The `before` cursor of a history page, if well formed. */
export function parseCursor(value: unknown): { startsAt: Date; id: string } | undefined {
  const [at, id] = typeof value === 'string' ? value.split('_') : [];
  return at && id && isUuid(id) && !Number.isNaN(Date.parse(at)) ? { startsAt: new Date(at), id } : undefined;
}

export async function findSession(db: Db, id: string): Promise<SessionRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await selectSessions(db).where(eq(sessions.id, id));
  return row ?? null;
}

export interface Earnings {
  currency: string;
  /** Completed sessions: all time and this calendar month (UTC), net of nothing (refunds never apply to them). */
  completedCents: number;
  completedCount: number;
  monthCents: number;
  /** Confirmed and pending sessions still to come. */
  upcomingCents: number;
  upcomingCount: number;
}

/** A mentor's earnings, from the sessions table in one grouped query over the mentor's index range. */
export async function summarizeEarnings(options: { db: Db; mentorId: string; now: Date }): Promise<Earnings[]> {
  const monthStart = new Date(Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), 1));
  const rows = await options.db
    .select({
      currency: sessions.currency,
      completedCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} = 'completed'), 0)`,
      completedCount: sql<string>`count(*) filter (where ${sessions.status} = 'completed')`,
      monthCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} = 'completed' and ${sessions.startsAt} >= ${monthStart}), 0)`,
      upcomingCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} in ('pending', 'confirmed')), 0)`,
      upcomingCount: sql<string>`count(*) filter (where ${sessions.status} in ('pending', 'confirmed'))`,
    })
    .from(sessions)
    .where(and(eq(sessions.mentorId, options.mentorId), inArray(sessions.status, ['completed', 'pending', 'confirmed'])))
    .groupBy(sessions.currency);
  return rows.map((r) => ({
    currency: r.currency, completedCents: Number(r.completedCents), completedCount: Number(r.completedCount),
    monthCents: Number(r.monthCents), upcomingCents: Number(r.upcomingCents), upcomingCount: Number(r.upcomingCount),
  }));
}
