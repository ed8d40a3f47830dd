import { and, count, desc, eq, gte, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { literalLimit } from '../db/prepared';
import { auditLog, emailOutbox, meetingAccesses, paymentProblems, refunds, sessions, sessionStatus, users, type SessionStatus } from '../db/schema';
import { selectSessions, selectSessionSummaries, type SessionSummary } from '../sessions/queries';
import { findRoomState } from '../sessions/rooms';

export const PAGE_SIZE = 50;

export interface AdminSessionFilters {
  status?: SessionStatus;
  mentorId?: string;
  menteeId?: string;
  /** Inclusive start and exclusive end of the start time range. */
  from?: Date;
  to?: Date;
  q?: string;
  /** Keyset cursor: the (starts_at, id) of the last row of the previous page. */
  before?: { startsAt: Date; id: string };
}

/** Reads the page's query string; anything malformed is ignored rather than trusted. */
export function parseFilters(query: Record<string, string | undefined>): AdminSessionFilters {
  const date = (v?: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? new Date(`${v}T00:00:00Z`) : undefined);
  const [beforeAt, beforeId] = (query.before ?? '').split('_');
  const before = beforeAt && beforeId && isUuid(beforeId) && !Number.isNaN(Date.parse(beforeAt)) ? { startsAt: new Date(beforeAt), id: beforeId } : undefined;
  const to = date(query.to);
  return {
    status: sessionStatus.enumValues.find((s) => s === query.status),
    mentorId: query.mentor && isUuid(query.mentor) ? query.mentor : undefined,
    menteeId: query.mentee && isUuid(query.mentee) ? query.mentee : undefined,
    from: date(query.from),
    to: to ? new Date(to.getTime() + 86_400_000) : undefined,
    q: query.q?.trim().slice(0, 100) || undefined,
    before,
  };
}

/** People whose name or email matches: searched in users (small), then sessions by indexed ids. */
async function matchingPeople(db: Db, q: string): Promise<string[]> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.select({ id: users.id }).from(users).where(or(ilike(users.name, like), ilike(users.email, like))).limit(500);
  return rows.map((r) => r.id);
}

function personFilters(f: AdminSessionFilters, people: string[] | null): SQL[] {
  const where: SQL[] = [];
  if (f.mentorId) where.push(eq(sessions.mentorId, f.mentorId));
  if (f.menteeId) where.push(eq(sessions.menteeId, f.menteeId));
  if (f.from) where.push(gte(sessions.startsAt, f.from));
  if (f.to) where.push(lt(sessions.startsAt, f.to));
  if (people) where.push(people.length ? or(inArray(sessions.mentorId, people), inArray(sessions.menteeId, people))! : sql`false`);
  return where;
}

/**
 * The page's statement when only a status and the cursor narrow it (the list as it opens, and its
 * status tabs): prepared once per database and shape, so a request sends only its values. The other
 * filters are rarer and vary in shape; they are built per request.
 */
function plainListStatement(db: Db, byStatus: boolean, paged: boolean) {
  const key = `${byStatus}:${paged}`;
  const cache = statements.get(db) ?? new Map<string, PlainList>();
  statements.set(db, cache);
  const found = cache.get(key);
  if (found) return found;
  const prepared = selectSessionSummaries(db)
    .where(and(
      byStatus ? sql`${sessions.status} = ${sql.placeholder('status')}` : undefined,
      paged ? sql`(${sessions.startsAt}, ${sessions.id}) < (${sql.placeholder('beforeAt')}, ${sql.placeholder('beforeId')})` : undefined,
    ))
    .orderBy(desc(sessions.startsAt), desc(sessions.id))
    .limit(literalLimit(PAGE_SIZE + 1))
    .prepare(`admin_sessions_${byStatus ? 's' : ''}${paged ? 'p' : ''}`);
  cache.set(key, prepared);
  return prepared;
}
type PlainList = { execute(values: Record<string, unknown>): Promise<SessionSummary[]> };
const statements = new WeakMap<Db, Map<string, PlainList>>();

/**
 * One page of sessions, latest start first, by keyset on (starts_at, id): the cost of a page does not
 * grow with the table or with how deep the admin pages. Returns the cursor of the next page.
 */
export async function listAdminSessions(options: { db: Db; filters: AdminSessionFilters }) {
  const f = options.filters;
  const people = f.q ? await matchingPeople(options.db, f.q) : null;
  const where = personFilters(f, people);
  let rows: SessionSummary[];
  if (where.length === 0) {
    rows = await plainListStatement(options.db, Boolean(f.status), Boolean(f.before)).execute({
      status: f.status, beforeAt: f.before?.startsAt, beforeId: f.before?.id,
    });
  } else {
    if (f.status) where.push(eq(sessions.status, f.status));
    if (f.before) where.push(sql`(${sessions.startsAt}, ${sessions.id}) < (${f.before.startsAt}, ${f.before.id})`);
    rows = await selectSessionSummaries(options.db)
      .where(and(...where))
      .orderBy(desc(sessions.startsAt), desc(sessions.id))
      .limit(PAGE_SIZE + 1);
  }
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  const next = rows.length > PAGE_SIZE && last ? `${last.startsAt.toISOString()}_${last.id}` : null;
  return { rows: page, next, people };
}

/** The unfiltered counts, per database (several apps can share a process, as the tests' do). */
const countsCache = new WeakMap<Db, { at: number; value: Record<string, number> }>();
const COUNTS_TTL_MS = 30_000;

/**
 * Sessions per status for the same filters (status aside). Counting a million rows takes longer than
 * a page should, so the unfiltered counts are kept for 30 seconds per process; filtered ones are live.
 * `fresh` counts live and refreshes the kept counts: the page shown right after a change must count it.
 */
export async function countByStatus(options: { db: Db; filters: AdminSessionFilters; people: string[] | null; now?: number; fresh?: boolean }): Promise<{ counts: Record<string, number>; cachedAt: number | null }> {
  const where = personFilters(options.filters, options.people);
  const now = options.now ?? Date.now();
  const kept = countsCache.get(options.db);
  if (where.length === 0 && !options.fresh && kept && now - kept.at < COUNTS_TTL_MS) return { counts: kept.value, cachedAt: kept.at };
  const rows = await options.db.select({ status: sessions.status, n: count() }).from(sessions).where(and(...where)).groupBy(sessions.status);
  const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  if (where.length === 0) countsCache.set(options.db, { at: now, value: counts });
  return { counts, cachedAt: where.length === 0 && !options.fresh ? now : null };
}

/** Everything the admin's session page shows: the room at its provider, the audit trail, payment and refund, emails, link accesses. */
export async function loadSessionDetail(db: Db, id: string) {
  if (!isUuid(id)) return null;
  const [session] = await selectSessions(db).where(eq(sessions.id, id));
  if (!session) return null;
  const [raw] = await db.select().from(sessions).where(eq(sessions.id, id));
  const actor = users;
  const [room, audit, refundRows, emails, accesses, problems] = await Promise.all([
    findRoomState({ db, sessionId: id }),
    db.select({ action: auditLog.action, data: auditLog.data, ip: auditLog.ip, createdAt: auditLog.createdAt, actorName: actor.name, actorRole: actor.role })
      .from(auditLog).leftJoin(actor, eq(actor.id, auditLog.actorId))
      .where(and(eq(auditLog.subjectType, 'session'), eq(auditLog.subjectId, id))).orderBy(auditLog.createdAt, auditLog.id),
    db.select().from(refunds).where(eq(refunds.sessionId, id)).orderBy(refunds.createdAt),
    db.select({ id: emailOutbox.id, template: emailOutbox.template, toAddress: emailOutbox.toAddress, status: emailOutbox.status, createdAt: emailOutbox.createdAt, sentAt: emailOutbox.sentAt, attempts: emailOutbox.attempts })
      .from(emailOutbox).where(eq(emailOutbox.sessionId, id)).orderBy(emailOutbox.createdAt),
    db.select({ at: meetingAccesses.at, ip: meetingAccesses.ip, name: users.name, role: users.role })
      .from(meetingAccesses).innerJoin(users, eq(users.id, meetingAccesses.userId))
      .where(eq(meetingAccesses.sessionId, id)).orderBy(meetingAccesses.at),
    db.select().from(paymentProblems).where(eq(paymentProblems.sessionId, id)).orderBy(paymentProblems.createdAt),
  ]);
  return { session, raw: raw!, room, audit, refunds: refundRows, emails, accesses, problems };
}
