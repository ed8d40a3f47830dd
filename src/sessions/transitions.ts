import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { isUuid } from '../db/ids';
import { sessions, type Role, type SessionStatus } from '../db/schema';
import { queueCompletionEmails } from '../feedback/completion-emails';
import { createRoomJob } from '../jobs/definitions/create-room';
import { queueJob } from '../jobs/queue';
import { queueRefund } from '../payments/record';
import { queueCancellationEmails } from './cancellation-emails';
import { queueConfirmationEmails } from './confirmation-emails';
import { refundOnCancel } from './refund-policy';

export interface Actor {
  id: string;
  role: Role;
}

export type TransitionResult =
  | { ok: true; sessionId: string; status: SessionStatus; refund?: 'full' | 'none' }
  | { ok: false; status: 400 | 403 | 404 | 409; error: string };

const STATUS_WORD: Record<SessionStatus, string> = {
  awaiting_payment: 'awaiting payment', pending: 'pending', confirmed: 'confirmed', completed: 'completed',
  declined: 'declined', cancelled: 'cancelled', expired: 'expired',
};

const PAST: Record<string, string> = { accept: 'accepted', confirm: 'confirmed', complete: 'completed', decline: 'declined', cancel: 'cancelled' };

/** Who may see a session at all: its two participants and admins. Everyone else gets 404. */
function visibleTo(actor: Actor) {
  return actor.role === 'admin' ? sql`true` : sql`(${sessions.mentorId} = ${actor.id} or ${sessions.menteeId} = ${actor.id})`;
}

/**
 * One transition: a compare-and-swap UPDATE (… WHERE status IN (from) RETURNING) and its effects in
 * the same transaction. Of two racing requests exactly one matches; the other sees 409.
 */
async function transition(options: {
  db: Db; sessionId: string; actor: Actor; from: SessionStatus[]; to: SessionStatus; set: Partial<typeof sessions.$inferInsert>;
  allowed: (row: { mentorId: string; menteeId: string }) => boolean; verb: string;
  /** A rule beyond the status (e.g. time): an error message refuses the change, nothing changes. */
  guard?: (row: { startsAt: Date; endsAt: Date }) => string | null;
  effects?: (tx: Tx, row: typeof sessions.$inferSelect, from: SessionStatus) => Promise<Partial<TransitionResult & { ok: true }> | void>;
  /** Extra facts for the audit row (e.g. the reason given). */
  audit?: Record<string, unknown>;
  ip?: string | null;
}): Promise<TransitionResult> {
  const { db, sessionId, actor } = options;
  if (!isUuid(sessionId)) return { ok: false, status: 404, error: 'There is no such session.' };
  return db.transaction(async (tx) => {
    // Locked: the status read here is the one the compare-and-swap below replaces, so effects (the refund
    // rule) and the audit's `from` can depend on it.
    const [current] = await tx.select({ status: sessions.status, mentorId: sessions.mentorId, menteeId: sessions.menteeId, startsAt: sessions.startsAt, endsAt: sessions.endsAt })
      .from(sessions).where(and(eq(sessions.id, sessionId), visibleTo(actor))).for('update');
    if (!current) return { ok: false, status: 404, error: 'There is no such session.' } as const;
    if (!options.allowed(current)) return { ok: false, status: 403, error: `You cannot ${options.verb} this session.` } as const;
    const refused = options.from.includes(current.status) ? options.guard?.(current) : null;
    if (refused) return { ok: false, status: 409, error: refused } as const;
    const [row] = await tx
      .update(sessions)
      .set({ ...options.set, status: options.to, updatedAt: new Date() })
      .where(and(eq(sessions.id, sessionId), inArray(sessions.status, options.from)))
      .returning();
    if (!row) {
      // Re-read: the status may have changed since the first read (a racing request won).
      const [now] = await tx.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sessionId));
      const status = now?.status ?? current.status;
      const error = status === options.to
        ? `This session is already ${STATUS_WORD[status]}.`
        : `This session is ${STATUS_WORD[status]}, so it cannot be ${PAST[options.verb]} now.`;
      return { ok: false, status: 409, error } as const;
    }
    const extra = (await options.effects?.(tx, row, current.status)) ?? {};
    await recordAudit(tx, { actorId: actor.id, action: `session.${options.to}`, subjectType: 'session', subjectId: sessionId, data: { from: current.status, to: options.to, ...options.audit }, ip: options.ip });
    return { ok: true, sessionId, status: options.to, ...extra } as const;
  });
}

/**
 * Mentor "Accept session" or admin "Confirm": pending → confirmed. The meeting room is made right
 * after by the room job (sessions/rooms.ts); with no provider, the emails go now.
 */
export function confirmSession(options: { db: Db; sessionId: string; actor: Actor; meetingProvider: 'google-meet' | 'jitsi' | 'none'; now: Date; ip?: string | null }): Promise<TransitionResult> {
  const { actor, now, meetingProvider } = options;
  return transition({
    ...options, from: ['pending'], to: 'confirmed', verb: actor.role === 'mentor' ? 'accept' : 'confirm',
    allowed: (s) => actor.role === 'admin' || (actor.role === 'mentor' && s.mentorId === actor.id),
    set: { confirmedAt: now, confirmedBy: actor.id, meetingProvider },
    effects: async (tx, row) => {
      if (meetingProvider === 'none') await queueConfirmationEmails(tx, { sessionId: row.id, meetingUrl: null, provider: 'none' });
      else await queueJob(tx, createRoomJob, { sessionId: row.id });
    },
  });
}

/**
 * Admin "Mark completed": confirmed → completed. The meeting link stays in the history. Not before
 * the start (nobody has met yet); before the end only with a reason, kept in the audit row.
 */
export function completeSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const reason = (options.reason ?? '').trim().slice(0, 500);
  return transition({
    ...options, from: ['confirmed'], to: 'completed', verb: 'complete',
    allowed: () => options.actor.role === 'admin',
    guard: (s) => {
      if (options.now < s.startsAt) return 'This session has not started yet, so it cannot be marked completed.';
      if (options.now < s.endsAt && !reason) return 'This session has not ended yet. To mark it completed early, give a reason.';
      return null;
    },
    audit: reason ? { reason } : undefined,
    set: { completedAt: options.now },
    effects: async (tx, row) => { await queueCompletionEmails(tx, { sessionId: row.id }); },
  });
}

/** The mentor turns down a paid request: pending → declined, fully refunded. */
export function declineSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; ip?: string | null }): Promise<TransitionResult> {
  return transition({
    ...options, from: ['pending'], to: 'declined', verb: 'decline',
    allowed: (s) => options.actor.role === 'admin' || (options.actor.role === 'mentor' && s.mentorId === options.actor.id),
    set: { declinedAt: options.now },
    effects: async (tx, row) => {
      await queueRefund(tx, { sessionId: row.id, paymentRef: row.paymentRef, amountCents: row.priceCents, currency: row.currency, reason: 'The mentor declined the session.', now: options.now, actorId: options.actor.id });
      await queueCancellationEmails(tx, { sessionId: row.id, kind: 'declined', actor: options.actor, refund: 'full' });
      return { refund: 'full' as const };
    },
  });
}

/** Either participant or an admin cancels a pending or confirmed session; the refund rule decides the money. */
export function cancelSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; ip?: string | null }): Promise<TransitionResult> {
  const { actor, now } = options;
  return transition({
    ...options, from: ['pending', 'confirmed'], to: 'cancelled', verb: 'cancel',
    allowed: () => true,
    set: { cancelledAt: now, cancelledBy: actor.id },
    effects: async (tx, row, from) => {
      const refund = refundOnCancel({ by: actor.role, status: from, startsAt: row.startsAt, now, paid: Boolean(row.paidAt) });
      if (refund === 'full') {
        await queueRefund(tx, { sessionId: row.id, paymentRef: row.paymentRef, amountCents: row.priceCents, currency: row.currency, reason: `Cancelled by the ${actor.role}.`, now, actorId: actor.id });
      }
      await queueCancellationEmails(tx, { sessionId: row.id, kind: 'cancelled', actor, refund });
      return { refund };
    },
  });
}

/** The admin form's `status` field, mapped onto the transitions. */
export function setSessionStatus(options: { db: Db; sessionId: string; actor: Actor; status: string; meetingProvider: 'google-meet' | 'jitsi' | 'none'; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  switch (options.status) {
    case 'confirmed': return confirmSession(options);
    case 'completed': return completeSession(options);
    case 'cancelled': return cancelSession(options);
    case 'declined': return declineSession(options);
    default: return Promise.resolve({ ok: false, status: 400, error: 'Choose a status: confirmed, completed, cancelled or declined.' });
  }
}
