import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { isUuid } from '../db/ids';
import { sessions, type Role, type SessionStatus } from '../db/schema';
import { AppError, noSuchSession } from '../errors';

/** A person acting on a session. */
export interface Actor {
  id: string;
  role: Role;
}

/** Nobody in particular: a scheduled sweep or a provider's callback. Its audit rows have no actor. */
export const SYSTEM = { id: null, role: 'system' } as const;
export type SystemActor = typeof SYSTEM;
type AnyActor = Actor | SystemActor;

type Parties = { mentorId: string; menteeId: string };

export interface TransitionRule {
  from: readonly SessionStatus[];
  to: SessionStatus;
  /** The verb as the refusals say it: "cannot be accepted now". */
  past: string;
  /** Who may. Asked only of those who can see the session (its two participants and admins). */
  may: (actor: AnyActor, session: Parties) => boolean;
  /** A rule beyond the status (e.g. time): an error message refuses the change, nothing changes. */
  guard?: (session: { startsAt: Date; endsAt: Date; paidAt: Date | null; holdReleasedAt: Date | null }, context: { now: Date; reason?: string; actor: AnyActor }) => string | null;
  /** The audit row's action, when it is not `session.<to>`. */
  action?: string;
  /** The refusal of a session in another status, when the general one does not fit. */
  wrongStatus?: (status: SessionStatus) => string;
}

const admin = (actor: AnyActor) => actor.role === 'admin';
const itsMentor = (actor: AnyActor, s: Parties) => actor.role === 'mentor' && s.mentorId === actor.id;
const nobody = (actor: AnyActor) => actor.role === 'system';
const itsMentee = (actor: AnyActor, s: Parties) => actor.role === 'mentee' && s.menteeId === actor.id;

/**
 * The session state machine: every status change there is, by verb. Paying is the mentee's, on the
 * provider's word: payments/record.ts checks the money before it asks for `pay` or `revive`.
 */
export const MACHINE = {
  /** The payment for an unpaid hold arrived: the request goes to the mentor. */
  pay: { from: ['awaiting_payment'], to: 'pending', past: 'paid', may: itsMentee, action: 'session.paid' },
  /**
   * A payment for a hold that lapsed unpaid takes its slot back (the exclusion constraint refuses it if
   * the slot was taken). An expired request that was paid, or a hold an admin released, stays expired.
   */
  revive: {
    from: ['expired'], to: 'pending', past: 'paid', may: itsMentee, action: 'session.paid',
    guard: (s) => (s.paidAt || s.holdReleasedAt ? 'This booking was closed, so a payment cannot reopen it.' : null),
  },
  /** The mentor's "Accept session". The meeting room follows (see confirmSession). */
  accept: { from: ['pending'], to: 'confirmed', past: 'accepted', may: itsMentor },
  /** The admin's "Confirm", the same change. */
  confirm: { from: ['pending'], to: 'confirmed', past: 'confirmed', may: admin },
  /** Not before the start (nobody has met yet); before the end only with a reason. */
  complete: {
    from: ['confirmed'], to: 'completed', past: 'completed', may: admin,
    guard: (s, { now, reason }) => {
      if (now < s.startsAt) return 'This session has not started yet, so it cannot be marked completed.';
      if (now < s.endsAt && !reason) return 'This session has not ended yet. To mark it completed early, give a reason.';
      return null;
    },
  },
  /** The mentee moves a confirmed session: the new time is a request again, for the mentor to accept ("Accept new time") or decline. */
  reschedule_request: { from: ['confirmed'], to: 'pending', past: 'moved', may: itsMentee, action: 'session.rescheduled' },
  /** A move that keeps the status: a pending request (anyone of it), or a confirmed session by its mentor or an admin. */
  reschedule_pending: { from: ['pending'], to: 'pending', past: 'moved', may: (a) => !nobody(a), action: 'session.rescheduled' },
  reschedule_confirmed: { from: ['confirmed'], to: 'confirmed', past: 'moved', may: (a, s) => admin(a) || itsMentor(a, s), action: 'session.rescheduled' },
  /** The mentor turns down a paid request. */
  decline: { from: ['pending'], to: 'declined', past: 'declined', may: (a, s) => admin(a) || itsMentor(a, s) },
  /** Either participant or an admin; the refund rule decides the money. */
  cancel: {
    from: ['pending', 'confirmed'], to: 'cancelled', past: 'cancelled', may: (a) => !nobody(a),
    // Once it has started the session is taking place (or was missed): only an admin can still call it off.
    guard: (s, { now, actor }) => (!admin(actor) && now >= s.startsAt ? 'This session has already started, so it can no longer be cancelled.' : null),
  },
  /** A paid request the mentor did not answer in time. */
  expire: { from: ['pending'], to: 'expired', past: 'expired', may: nobody },
  /** An unpaid hold gives its slot back: its time passed, or its checkout closed or never started. */
  lapse: { from: ['awaiting_payment'], to: 'expired', past: 'expired', may: nobody },
  /**
   * An admin ends an unpaid hold, or its mentee does ("Cancel and go back" at checkout), so the slot is
   * free for others at once; a payment that still arrives is refunded, never revives it.
   */
  release: {
    from: ['awaiting_payment'], to: 'expired', past: 'released', may: (a, s) => admin(a) || itsMentee(a, s), action: 'session.hold_released',
    wrongStatus: (status) => `This session is not an unpaid hold (it is ${status.replace('_', ' ')}), so there is nothing to release.`,
  },
} satisfies Record<string, TransitionRule>;

export type Verb = keyof typeof MACHINE;

export type TransitionResult<E extends object = { refund?: 'full' | 'none' }> = ({ ok: true; sessionId: string; status: SessionStatus } & E) | AppError;

const STATUS_WORD: Record<SessionStatus, string> = {
  awaiting_payment: 'awaiting payment', pending: 'pending', confirmed: 'confirmed', completed: 'completed',
  declined: 'declined', cancelled: 'cancelled', expired: 'expired',
};

/**
 * Why `verb` cannot apply to a session in `status`, in the words of the refusal, or null when it can
 * (its guard aside). Pages that offer a step ask it first, so they say the same as the refusal would.
 */
export function statusRefusal(verb: Verb, status: SessionStatus): string | null {
  const rule: TransitionRule = MACHINE[verb];
  if (rule.from.includes(status)) return null;
  return rule.wrongStatus?.(status) ?? (status === rule.to
    ? `This session is already ${STATUS_WORD[status]}.`
    : `This session is ${STATUS_WORD[status]}, so it cannot be ${rule.past} now.`);
}

export interface TransitionOptions<E extends object> {
  sessionId: string;
  verb: Verb;
  actor: AnyActor;
  now: Date;
  /** Why (e.g. completing early): passed to the guard. */
  reason?: string;
  /** Columns set with the status (confirmedAt, cancelledBy, …). */
  set?: PgUpdateSetSource<typeof sessions>;
  /** What the change causes (refunds, emails), written in its transaction; `from` is the status it replaced. */
  // biome-ignore lint/suspicious/noConfusingVoidType: most effects add nothing to the result
  effects?: (tx: Tx, row: typeof sessions.$inferSelect, from: SessionStatus) => Promise<E | void>;
  /** Extra facts for the audit row (e.g. the reason given). */
  audit?: Record<string, unknown>;
  ip?: string | null;
}

/** Who may see a session at all: its two participants and admins (and the system). To anyone else it does not exist. */
function visibleTo(actor: AnyActor) {
  return actor.role === 'admin' || actor.role === 'system' ? sql`true` : sql`(${sessions.mentorId} = ${actor.id} or ${sessions.menteeId} = ${actor.id})`;
}

/** One transition in its own transaction. */
export async function transition<E extends object = object>(options: TransitionOptions<E> & { db: Db }): Promise<TransitionResult<E>> {
  if (!isUuid(options.sessionId)) return noSuchSession();
  return options.db.transaction((tx) => transitionTx(tx, options));
}

/**
 * The one way a session's status changes: the rule of `verb` (MACHINE), then a compare-and-swap UPDATE
 * (… WHERE status IN (from) RETURNING), its effects and its audit row, all in the caller's transaction.
 * Of two racing changes exactly one matches; the other is refused as a conflict.
 */
export async function transitionTx<E extends object = object>(tx: Tx, options: TransitionOptions<E>): Promise<TransitionResult<E>> {
  const { sessionId, actor } = options;
  const rule: TransitionRule = MACHINE[options.verb];
  if (!isUuid(sessionId)) return noSuchSession();
  // Locked: the status read here is the one the compare-and-swap below replaces, so effects (the refund
  // rule) and the audit's `from` can depend on it.
  const [current] = await tx.select({
    status: sessions.status, mentorId: sessions.mentorId, menteeId: sessions.menteeId, startsAt: sessions.startsAt, endsAt: sessions.endsAt,
    paidAt: sessions.paidAt, holdReleasedAt: sessions.holdReleasedAt,
  })
    .from(sessions).where(and(eq(sessions.id, sessionId), visibleTo(actor))).for('update');
  if (!current) return noSuchSession();
  if (!rule.may(actor, current)) return new AppError('forbidden', `You cannot ${options.verb} this session.`);
  const refused = rule.from.includes(current.status) ? rule.guard?.(current, options) : null;
  if (refused) return new AppError('conflict', refused);
  const [row] = await tx
    .update(sessions)
    .set({ updatedAt: new Date(), ...options.set, status: rule.to })
    .where(and(eq(sessions.id, sessionId), inArray(sessions.status, [...rule.from])))
    .returning();
  if (!row) {
    // Re-read: the status may have changed since the first read (a racing request won).
    const [now] = await tx.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sessionId));
    return new AppError('conflict', statusRefusal(options.verb, now?.status ?? current.status) ?? `This session cannot be ${rule.past} now.`);
  }
  const extra = (await options.effects?.(tx, row, current.status)) ?? ({} as E);
  await recordAudit(tx, {
    actorId: actor.id, action: rule.action ?? `session.${rule.to}`, subjectType: 'session', subjectId: sessionId,
    data: { from: current.status, to: rule.to, ...options.audit }, ip: options.ip,
  });
  return { ok: true, sessionId, status: rule.to, ...extra };
}
