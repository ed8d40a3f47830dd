import { and, asc, eq, gt, gte, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, Refused, type Outcome } from '../accounts/outcome';
import { fieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import { isoDate } from '../booking/slots';
import { addDays, localDateOf, localToUtc, type LocalDate } from '../booking/timezones';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { ACTIVE_STATUSES, mentorTimeOff, sessions, users, type SessionStatus } from '../db/schema';
import { text } from '../web/input';
import { lockMentorForEdit } from './profile';

/**
 * A mentor's days off: date ranges of the mentor's own calendar on which no slot is offered. Adding
 * one never touches a session already booked on those days: the mentor is shown them instead, to keep
 * or to cancel one by one.
 */

export const TIME_OFF_LIMITS = { note: 200, days: 366, entries: 100 } as const;

export interface TimeOffForm {
  startDate: string;
  endDate: string;
  note: string;
}

export function parseIsoDate(raw: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = new Date(Date.UTC(date.year, date.month - 1, date.day));
  // 2026-02-30 is not a date (Date.UTC would roll it over into March).
  if (check.getUTCFullYear() !== date.year || check.getUTCMonth() !== date.month - 1 || check.getUTCDate() !== date.day) return null;
  return date;
}

const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;

const dateField = (empty: string) => text({ max: 20 }).transform((raw, ctx) => {
  if (!raw.trim()) { ctx.addIssue({ code: 'custom', message: empty }); return z.NEVER; }
  const date = parseIsoDate(raw);
  if (!date) { ctx.addIssue({ code: 'custom', message: 'Enter a date like 2026-12-24' }); return z.NEVER; }
  return date;
});

const timeOffSchema = (today: LocalDate) => z.object({
  startDate: dateField('Enter the first day off'),
  endDate: dateField('Enter the last day off'),
  note: text({ max: TIME_OFF_LIMITS.note }),
}).superRefine((v, ctx) => {
  if (dayNumber(v.endDate) < dayNumber(v.startDate)) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'The last day cannot be before the first day' });
  } else if (dayNumber(v.endDate) < dayNumber(today)) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'These days have already passed' });
  } else if (dayNumber(v.endDate) - dayNumber(v.startDate) + 1 > TIME_OFF_LIMITS.days) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: `Time off can be at most ${TIME_OFF_LIMITS.days} days at once` });
  }
});

/** The first instant of a local date (midnight, or the first minute that exists when DST skips midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  for (let m = 0; m < 24 * 60; m += 15) {
    const at = localToUtc(date, m, timeZone);
    if (at) return at;
  }
  return new Date(Date.UTC(date.year, date.month - 1, date.day));
}

/** The instants a range of local dates covers: from the first day's start to the start of the day after the last. */
export function timeOffInstants(range: { startDate: string; endDate: string }, timeZone: string): { from: Date; to: Date } {
  return {
    from: startOfLocalDay(parseIsoDate(range.startDate)!, timeZone),
    to: startOfLocalDay(addDays(parseIsoDate(range.endDate)!, 1), timeZone),
  };
}

export interface BookedDuringTimeOff {
  id: string;
  startsAt: Date;
  durationMinutes: number;
  status: SessionStatus;
  menteeName: string;
}

export interface TimeOffEntry {
  id: string;
  startDate: string;
  endDate: string;
  note: string;
  /** Slot-holding sessions of the mentor that start on these days: kept, listed for the mentor to decide. */
  sessions: BookedDuringTimeOff[];
}

/** The mentor's time off that is not over yet (in the mentor's zone), soonest first, each with its sessions. */
export async function listTimeOff(options: { db: Db; mentorId: string; timezone: string; now: Date }): Promise<TimeOffEntry[]> {
  const today = isoDate(localDateOf(options.now, options.timezone));
  const rows = await options.db
    .select({ id: mentorTimeOff.id, startDate: mentorTimeOff.startDate, endDate: mentorTimeOff.endDate, note: mentorTimeOff.note })
    .from(mentorTimeOff)
    .where(and(eq(mentorTimeOff.mentorId, options.mentorId), gte(mentorTimeOff.endDate, today)))
    .orderBy(asc(mentorTimeOff.startDate), asc(mentorTimeOff.endDate));
  if (rows.length === 0) return [];
  const spans = rows.map((r) => timeOffInstants(r, options.timezone));
  const from = new Date(Math.min(...spans.map((s) => s.from.getTime())));
  const to = new Date(Math.max(...spans.map((s) => s.to.getTime())));
  // One query for all entries: the mentor's slot-holding sessions starting anywhere in their span.
  const booked = await options.db
    .select({ id: sessions.id, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes, status: sessions.status, menteeName: users.name })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.menteeId))
    .where(and(eq(sessions.mentorId, options.mentorId), inArray(sessions.status, [...ACTIVE_STATUSES]), gte(sessions.startsAt, from), lt(sessions.startsAt, to), gt(sessions.endsAt, options.now)))
    .orderBy(asc(sessions.startsAt));
  return rows.map((r, i) => ({
    ...r,
    sessions: booked.filter((s) => s.startsAt >= spans[i]!.from && s.startsAt < spans[i]!.to),
  }));
}

export type AddTimeOffOutcome = Outcome & { id?: string };

/** Adds days off; existing sessions on them are left as they are. Errors are keyed by field. */
export async function addTimeOff(options: {
  db: Db; mentorId: string; timezone: string; input: TimeOffForm; actorId: string; now: Date; ip?: string;
}): Promise<AddTimeOffOutcome> {
  const parsed = timeOffSchema(localDateOf(options.now, options.timezone)).safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const v = parsed.data;
  let id: string | undefined;
  const outcome = await inTransaction(options.db, async (tx) => {
    const allowed = await lockMentorForEdit(tx, options.mentorId, options.actorId);
    if (!allowed.ok) throw new Refused(allowed);
    const today = isoDate(localDateOf(options.now, options.timezone));
    const current = await tx.select({ id: mentorTimeOff.id }).from(mentorTimeOff)
      .where(and(eq(mentorTimeOff.mentorId, options.mentorId), gte(mentorTimeOff.endDate, today)));
    if (current.length >= TIME_OFF_LIMITS.entries) {
      throw new Refused({ ok: false, reason: 'invalid', errors: { form: `You can have at most ${TIME_OFF_LIMITS.entries} periods of time off. Remove one first.` } });
    }
    const [row] = await tx.insert(mentorTimeOff)
      .values({ mentorId: options.mentorId, startDate: isoDate(v.startDate), endDate: isoDate(v.endDate), note: v.note })
      .returning({ id: mentorTimeOff.id });
    id = row!.id;
    await recordAudit(tx, {
      actorId: options.actorId, action: 'mentor.time_off.add', subjectType: 'user', subjectId: options.mentorId,
      data: { timeOffId: id, startDate: isoDate(v.startDate), endDate: isoDate(v.endDate) }, ip: options.ip,
    });
  });
  return outcome.ok ? { ok: true, id } : outcome;
}

/** Removes one of the mentor's periods of time off (its days become bookable again). */
export async function removeTimeOff(options: { db: Db; mentorId: string; timeOffId: string; actorId: string; ip?: string }): Promise<Outcome> {
  if (!isUuid(options.timeOffId)) return { ok: false, reason: 'not-found', errors: { form: 'This time off does not exist.' } };
  return inTransaction(options.db, async (tx) => {
    const allowed = await lockMentorForEdit(tx, options.mentorId, options.actorId);
    if (!allowed.ok) throw new Refused(allowed);
    const [gone] = await tx.delete(mentorTimeOff)
      .where(and(eq(mentorTimeOff.id, options.timeOffId), eq(mentorTimeOff.mentorId, options.mentorId)))
      .returning({ startDate: mentorTimeOff.startDate, endDate: mentorTimeOff.endDate });
    if (!gone) throw new Refused({ ok: false, reason: 'not-found', errors: { form: 'This time off does not exist.' } });
    await recordAudit(tx, {
      actorId: options.actorId, action: 'mentor.time_off.remove', subjectType: 'user', subjectId: options.mentorId,
      data: { timeOffId: options.timeOffId, ...gone }, ip: options.ip,
    });
  });
}
