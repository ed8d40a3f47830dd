import { and, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { lockPeople } from '../booking/locks';
import { busyTimeColumns, candidateStarts, isOfferedStart, loadMentorSchedule, sessionWithinBuffer, withoutBusy } from '../booking/slots';
import type { Db } from '../db/client';
import { exclusionConstraint } from '../db/errors';
import { isUuid } from '../db/ids';
import { ACTIVE_STATUSES, sessions, type SessionStatus } from '../db/schema';
import { AppError, noSuchSession } from '../errors';
import { transitionTx, type Actor, type TransitionResult, type Verb } from './machine';
import { rescheduleRefusal } from './refund-policy';
import { queueRescheduleEmails } from './reschedule-emails';
import { prepareRoomUpdate } from './rooms';

export const TIME_TAKEN = 'That time was just taken. Your session keeps its old time.';

export const rescheduleInput = z.object({
  startsAt: z.iso.datetime({ offset: true, message: 'Pick a time from the list.' }),
});

/** What a move is: the status it ends in decides the verb (a mentee's move of a confirmed session is a request again). */
function verbFor(actor: Actor, status: SessionStatus): Verb | null {
  if (status === 'pending') return 'reschedule_pending';
  if (status !== 'confirmed') return null;
  return actor.role === 'mentee' ? 'reschedule_request' : 'reschedule_confirmed';
}

type Moving = { id: string; mentorId: string; menteeId: string; status: SessionStatus; startsAt: Date; durationMinutes: number; menteeReschedules: number };

async function loadMoving(db: Db, sessionId: string, actor: Actor): Promise<Moving | null> {
  if (!isUuid(sessionId)) return null;
  const [s] = await db.select({
    id: sessions.id, mentorId: sessions.mentorId, menteeId: sessions.menteeId, status: sessions.status, startsAt: sessions.startsAt,
    durationMinutes: sessions.durationMinutes, menteeReschedules: sessions.menteeReschedules,
  }).from(sessions).where(eq(sessions.id, sessionId));
  if (!s) return null;
  if (actor.role !== 'admin' && s.mentorId !== actor.id && s.menteeId !== actor.id) return null;
  return s;
}

/** Why this actor cannot move this session now (status, role, the reschedule rule), or null. */
export function whyNotReschedule(s: Pick<Moving, 'status' | 'startsAt' | 'menteeReschedules'>, actor: Actor, now: Date): string | null {
  if (s.status !== 'pending' && s.status !== 'confirmed') return `This session is ${s.status.replace('_', ' ')}, so it cannot be moved.`;
  return rescheduleRefusal({ by: actor.role, startsAt: s.startsAt, now, menteeMoves: s.menteeReschedules });
}

/**
 * The mentor's free starts a session could move to, for the reschedule page: the booking candidates
 * of the session's length, without the times other sessions of the mentor hold (its own time is free to it).
 */
export async function listRescheduleSlots(options: { db: Db; sessionId: string; actor: Actor; now: Date; range?: { from: Date; to: Date } }) {
  const s = await loadMoving(options.db, options.sessionId, options.actor);
  if (!s) return noSuchSession();
  const schedule = await loadMentorSchedule(options.db, s.mentorId);
  if (!schedule) return new AppError('not_found', 'This mentor is no longer available, so the session cannot be moved.');
  const candidates = candidateStarts(schedule, s.durationMinutes, options.now, options.range)
    .filter((c) => c.getTime() !== s.startsAt.getTime());
  if (candidates.length === 0) return { session: s, schedule, slots: [] as Date[] };
  const pad = schedule.bufferMinutes * 60_000;
  const to = new Date(candidates.at(-1)!.getTime() + s.durationMinutes * 60_000 + pad);
  const busy = await options.db.select(busyTimeColumns).from(sessions).where(and(
    eq(sessions.mentorId, s.mentorId), ne(sessions.id, s.id), inArray(sessions.status, [...ACTIVE_STATUSES]),
    lt(sessions.startsAt, to), gt(sessions.endsAt, new Date(candidates[0]!.getTime() - pad)),
  ));
  return { session: s, schedule, slots: withoutBusy(candidates, s.durationMinutes, busy, schedule.bufferMinutes) };
}

/**
 * Moves a pending or confirmed session to another of the mentor's free slots, keeping its id, payment,
 * price, length and meeting room. One compare-and-swap transaction under the booking's locks: the
 * exclusion constraints claim the new slot (a racing booking or move of it: one wins), the old one is
 * freed, and the room update, the emails and the audit row commit with it or not at all.
 */
export async function rescheduleSession(options: { db: Db; sessionId: string; actor: Actor; input: unknown; now: Date; ip?: string | null }): Promise<TransitionResult> {
  const { db, actor, now } = options;
  const parsed = rescheduleInput.safeParse(options.input);
  if (!parsed.success) return new AppError('invalid', parsed.error.issues[0]!.message);
  const startsAt = new Date(parsed.data.startsAt);
  const s = await loadMoving(db, options.sessionId, actor);
  if (!s) return noSuchSession();
  if (startsAt.getTime() <= now.getTime()) return new AppError('invalid', 'That time has already passed. Pick another slot.');
  if (startsAt.getTime() === s.startsAt.getTime()) return new AppError('invalid', 'That is already the time of this session. Pick another slot.');
  const schedule = await loadMentorSchedule(db, s.mentorId);
  if (!schedule) return new AppError('not_found', 'This mentor is no longer available, so the session cannot be moved.');
  if (!isOfferedStart(schedule, startsAt, s.durationMinutes, now)) {
    return new AppError('invalid', "That time is outside the mentor's availability. Pick a time from the list.");
  }
  const endsAt = new Date(startsAt.getTime() + s.durationMinutes * 60_000);
  try {
    return await db.transaction(async (tx) => {
      await lockPeople(tx, [s.mentorId, s.menteeId]);
      // Re-read under the row lock: the rule is decided on the state the compare-and-swap replaces.
      const [current] = await tx.select({ status: sessions.status, startsAt: sessions.startsAt, menteeReschedules: sessions.menteeReschedules })
        .from(sessions).where(eq(sessions.id, s.id)).for('update');
      if (!current) return noSuchSession();
      const refused = whyNotReschedule(current, actor, now);
      if (refused) return new AppError('conflict', refused);
      if (await sessionWithinBuffer(tx, { mentorId: s.mentorId, startsAt, endsAt, bufferMinutes: schedule.bufferMinutes, exceptSessionId: s.id })) {
        return new AppError('conflict', `That time is too close to another session: the mentor keeps ${schedule.bufferMinutes} minutes free between sessions. Your session keeps its old time.`);
      }
      const verb = verbFor(actor, current.status)!;
      const request = actor.role === 'mentee';
      return transitionTx(tx, {
        sessionId: s.id, verb, actor, now, ip: options.ip,
        set: {
          startsAt, endsAt, inviteSequence: sql`${sessions.inviteSequence} + 1`, movedAt: now,
          ...(request ? { menteeReschedules: sql`${sessions.menteeReschedules} + 1`, requestedAt: now } : {}),
          ...(verb === 'reschedule_request' ? { confirmedAt: null, confirmedBy: null } : {}),
        },
        audit: { fromStartsAt: current.startsAt.toISOString(), toStartsAt: startsAt.toISOString(), by: actor.role },
        effects: async (tx, row) => {
          await prepareRoomUpdate(tx, row);
          await queueRescheduleEmails(tx, { sessionId: row.id, previousStartsAt: current.startsAt, actor, sequence: row.inviteSequence });
        },
      });
    });
  } catch (err) {
    const constraint = exclusionConstraint(err);
    if (constraint === 'sessions_mentee_no_overlap') return new AppError('conflict', 'The mentee already has a session at that time. Your session keeps its old time.');
    if (constraint) return new AppError('conflict', TIME_TAKEN);
    throw err;
  }
}
