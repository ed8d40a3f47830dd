import { and, asc, desc, eq, not, sql } from 'drizzle-orm';
import { alias, unionAll } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { ACTIVE_STATUSES, reviews, sessions, users, type SessionStatus } from '../db/schema';
import { literalList, oncePerDatabase } from '../db/prepared';

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

/** What a row of the admin Sessions list shows: no note, hold, checkout or reschedule columns to read and map. */
export type SessionSummary = Pick<SessionRow, 'id' | 'status' | 'startsAt' | 'durationMinutes' | 'priceCents' | 'currency' | 'meetingUrl' | 'meetingProvider' | 'mentorId' | 'mentorName' | 'menteeId' | 'menteeName'>;

const SUMMARY_COLUMNS = {
  id: sessions.id, status: sessions.status, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes,
  priceCents: sessions.priceCents, currency: sessions.currency, meetingUrl: sessions.meetingUrl, meetingProvider: sessions.meetingProvider,
  mentorId: sessions.mentorId, mentorName: mentor.name, menteeId: sessions.menteeId, menteeName: mentee.name,
} satisfies Record<keyof SessionSummary, unknown>;

const SESSION_COLUMNS = {
  ...SUMMARY_COLUMNS, endsAt: sessions.endsAt, holdExpiresAt: sessions.holdExpiresAt, checkoutUrl: sessions.checkoutUrl,
  menteeReschedules: sessions.menteeReschedules, requestedAt: sessions.requestedAt, paidAt: sessions.paidAt, bookingNote: sessions.bookingNote,
} satisfies Record<keyof SessionRow, unknown>;

// Two functions rather than one taking the columns: Drizzle's select types do not survive a generic
// column set (the joins disappear from the type).
/** Sessions as summaries (see SessionSummary), with their two people's names. */
export function selectSessionSummaries(db: Db) {
  return db.select(SUMMARY_COLUMNS).from(sessions).innerJoin(mentor, mentorOfSession).innerJoin(mentee, menteeOfSession);
}

export function selectSessions(db: Db) {
  return db.select(SESSION_COLUMNS).from(sessions).innerJoin(mentor, mentorOfSession).innerJoin(mentee, menteeOfSession);
}
const mentorOfSession = eq(mentor.id, sessions.mentorId);
const menteeOfSession = eq(mentee.id, sessions.menteeId);

/**
 * How many sessions each list shows before its "Older sessions" / "Later sessions" link. A mentee's
 * page opens on their next few sessions and latest few past ones; the rest is a link away. A
 * mentor's upcoming page is longer: their requests and confirmed sessions share it, and a request
 * must not hide behind a week of confirmed ones.
 */
export const HISTORY_PAGE = 10;
export const MENTEE_UPCOMING_PAGE = 10;

/**
 * A participant's sessions: a page of upcoming ones (soonest first), then one page of history
 * (latest first) by keyset on (starts_at, id). Both read off partial (person, starts_at, id)
 * indexes, so the cost does not grow with how many sessions the person has had.
 */
export const UPCOMING_PAGE = 30;
/**
 * A mentor's first page also lists every request waiting for an answer (up to this many), wherever
 * it falls: a request after a month of confirmed sessions would otherwise be off the page, and with
 * it its "Accept session".
 */
export const REQUESTS_MAX = 100;
const upcomingPage = (as: 'mentee' | 'mentor') => (as === 'mentee' ? MENTEE_UPCOMING_PAGE : UPCOMING_PAGE);

type Cursor = { startsAt: Date; id: string };
type Side = 'mentee' | 'mentor';

/**
 * The dashboards' one statement: the upcoming page and the history page in one UNION ALL, each
 * history row with its rating (reviews.session_id is unique, so the left join adds no rows). History
 * is two branches: finished sessions, and live ones whose end has passed (not yet marked completed);
 * each reads in order off its partial index (schema.ts), the statuses written out so the planner
 * can match those indexes. It is a prepared statement: built once per database and shape, then each
 * request sends only its values, and PostgreSQL parses and plans it once per connection.
 * One per viewer side and cursor, so 8 at most.
 */
function listStatement(db: Db, as: Side, after: boolean, before: boolean) {
  const key = `${as}:${after}:${before}`;
  const cache = statements.get(db) ?? new Map();
  statements.set(db, cache);
  const found = cache.get(key);
  if (found) return found;
  const who = as === 'mentee' ? sessions.menteeId : sessions.mentorId;
  const now = sql.placeholder('now');
  const isLive = sql`${sessions.status} in ${literalList(ACTIVE_STATUSES)}`;
  const select = (list: 'u' | 'h' | 'r') => db
    .select({ ...SESSION_COLUMNS, list: sql<'u' | 'h' | 'r'>`${sql.raw(`'${list}'`)}::text`.as('list'), rating: reviews.rating, ratedAt: reviews.createdAt })
    .from(sessions)
    .innerJoin(mentor, mentorOfSession)
    .innerJoin(mentee, menteeOfSession)
    .leftJoin(reviews, eq(reviews.sessionId, sessions.id));
  const mine = sql`${who} = ${sql.placeholder('userId')}`;
  const older = before ? sql`(${sessions.startsAt}, ${sessions.id}) < (${sql.placeholder('beforeAt')}, ${sql.placeholder('beforeId')})` : undefined;
  const upcoming = select('u')
    // No session is longer than a day: the lower bound lets the index range start near now.
    .where(and(
      mine, isLive, sql`${sessions.startsAt} > ${sql.placeholder('dayAgo')}`, sql`${sessions.endsAt} > ${now}`,
      after ? sql`(${sessions.startsAt}, ${sessions.id}) > (${sql.placeholder('afterAt')}, ${sql.placeholder('afterId')})` : undefined,
    ))
    .orderBy(asc(sessions.startsAt), asc(sessions.id))
    .limit(upcomingPage(as) + 1);
  const finished = select('h')
    .where(and(mine, not(isLive), older))
    .orderBy(desc(sessions.startsAt), desc(sessions.id))
    .limit(HISTORY_PAGE + 1);
  const ended = select('h')
    .where(and(mine, isLive, sql`${sessions.startsAt} < ${now}`, sql`${sessions.endsAt} <= ${now}`, older))
    .orderBy(desc(sessions.startsAt), desc(sessions.id))
    .limit(HISTORY_PAGE + 1);
  // The mentor's waiting requests, on the first page only (a later page pages through everything upcoming).
  const requests = select('r')
    .where(and(mine, sql`${sessions.status} in ('pending')`, sql`${sessions.startsAt} > ${sql.placeholder('dayAgo')}`, sql`${sessions.endsAt} > ${now}`))
    .orderBy(asc(sessions.startsAt), asc(sessions.id))
    .limit(REQUESTS_MAX);
  const branches = as === 'mentor' && !after && !before ? unionAll(upcoming, finished, ended, requests) : unionAll(upcoming, finished, ended);
  const prepared = branches.prepare(`dashboard_${as}_${after ? 'a' : ''}${before ? 'b' : ''}`);
  cache.set(key, prepared);
  return prepared;
}
const statements = new WeakMap<Db, Map<string, { execute(values: Record<string, unknown>): Promise<(SessionRow & { list: 'u' | 'h' | 'r'; rating: number | null; ratedAt: Date | null })[]> }>>();

export async function listSessionsFor(options: { db: Db; userId: string; as: Side; now: Date; before?: Cursor; after?: Cursor }) {
  const now = options.now;
  const rows = await listStatement(options.db, options.as, Boolean(options.after), Boolean(options.before)).execute({
    userId: options.userId, now, dayAgo: new Date(now.getTime() - 86_400_000),
    afterAt: options.after?.startsAt, afterId: options.after?.id, beforeAt: options.before?.startsAt, beforeId: options.before?.id,
  });
  const upcoming: SessionRow[] = [];
  const older: SessionRow[] = [];
  /** A mentor's first page: every request waiting for an answer (REQUESTS_MAX). */
  const requests: SessionRow[] = [];
  /** The viewer's rating of each rated session in the history, with when it was first given. */
  const ratings = new Map<string, { rating: number; createdAt: Date }>();
  for (const { list, rating, ratedAt, ...row } of rows) {
    (list === 'u' ? upcoming : list === 'r' ? requests : older).push(row);
    if (list === 'h' && rating !== null && ratedAt !== null) ratings.set(row.id, { rating, createdAt: ratedAt });
  }
  // The two history branches, merged: latest start first, then id (the keyset order).
  older.sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const history = older.slice(0, HISTORY_PAGE);
  const last = history.at(-1);
  const nextHistory = older.length > HISTORY_PAGE && last ? `${last.startsAt.toISOString()}_${last.id}` : null;
  const soon = upcoming.slice(0, upcomingPage(options.as));
  const lastSoon = soon.at(-1);
  const nextUpcoming = upcoming.length > upcomingPage(options.as) && lastSoon ? `${lastSoon.startsAt.toISOString()}_${lastSoon.id}` : null;
  return { upcoming: soon, nextUpcoming, history, nextHistory, ratings, requests: options.as === 'mentor' && !options.after && !options.before ? requests : undefined };
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

/**
 * A mentor's earnings, from the sessions table in one grouped query over the mentor's index range: a
 * prepared statement (on the Mentor Dashboard with every request), so it is planned once per connection.
 */
function buildEarningsStatement(db: Db) {
  const monthStart = sql.placeholder('monthStart');
  return db
    .select({
      currency: sessions.currency,
      completedCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} = 'completed'), 0)`,
      completedCount: sql<string>`count(*) filter (where ${sessions.status} = 'completed')`,
      monthCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} = 'completed' and ${sessions.startsAt} >= ${monthStart}), 0)`,
      upcomingCents: sql<string>`coalesce(sum(${sessions.priceCents}) filter (where ${sessions.status} in ('pending', 'confirmed')), 0)`,
      upcomingCount: sql<string>`count(*) filter (where ${sessions.status} in ('pending', 'confirmed'))`,
    })
    .from(sessions)
    // The statuses written out, not bound: only then can the planner use the partial index made for this
    // sum (sessions_mentor_earnings_idx) and read it alone.
    .where(and(sql`${sessions.mentorId} = ${sql.placeholder('mentorId')}`, sql`${sessions.status} in ('completed', 'pending', 'confirmed')`))
    .groupBy(sessions.currency)
    .prepare('mentor_earnings');
}
const earningsStatement = oncePerDatabase(buildEarningsStatement);

export async function summarizeEarnings(options: { db: Db; mentorId: string; now: Date }): Promise<Earnings[]> {
  const monthStart = new Date(Date.UTC(options.now.getUTCFullYear(), options.now.getUTCMonth(), 1));
  const rows = await earningsStatement(options.db).execute({ mentorId: options.mentorId, monthStart });
  return rows.map((r) => ({
    currency: r.currency, completedCents: Number(r.completedCents), completedCount: Number(r.completedCount),
    monthCents: Number(r.monthCents), upcomingCents: Number(r.upcomingCents), upcomingCount: Number(r.upcomingCount),
  }));
}
