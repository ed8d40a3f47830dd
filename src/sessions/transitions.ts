import { sql } from 'drizzle-orm';
import { sessions } from '../db/schema';
import type { Db } from '../db/client';
import type { MeetingProviderName } from '../meetings/provider';
import { queueRefund } from '../payments/record';
import { queueCancellationEmails } from './cancellation-emails';
import { queueCompletionEmails } from './completion-emails';
import { transition, type Actor, type TransitionResult } from './machine';
import { prepareRoom, prepareRoomCancellation } from './rooms';
import { refundOnCancel } from './refund-policy';

/** What people do to a session, each one verb of the state machine (machine.ts) with its effects. */

/** A reason given for a step (optional; needed to complete early), as it is kept: trimmed, at most 500 characters. */
export const REASON_MAX = 500;
const cleanReason = (reason?: string) => (reason ?? '').trim().slice(0, REASON_MAX);

/**
 * Mentor "Accept session" or admin "Confirm": pending → confirmed, and the session's meeting room
 * (rooms.ts): made by the room job right after, or, with no provider, the emails go now.
 */
export function confirmSession(options: { db: Db; sessionId: string; actor: Actor; meetingProvider: MeetingProviderName; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const { actor, now, meetingProvider } = options;
  const reason = cleanReason(options.reason);
  return transition({
    ...options, verb: actor.role === 'mentor' ? 'accept' : 'confirm', reason,
    audit: reason ? { reason } : undefined,
    // A moved session that already has a room keeps it, and its provider.
    set: { confirmedAt: now, confirmedBy: actor.id, meetingProvider: sql`coalesce(${sessions.meetingProvider}, ${meetingProvider})` },
    effects: (tx, row) => prepareRoom(tx, {
      sessionId: row.id, provider: (row.meetingProvider ?? meetingProvider) as MeetingProviderName, meetingUrl: row.meetingUrl, inviteSequence: row.inviteSequence,
      // An admin's reason is told to both in the confirmation email; a mentor accepting gives none.
      note: reason || undefined,
    }),
  });
}

/**
 * Admin "Mark completed": confirmed → completed. The meeting link stays in the history. Not before
 * the start (nobody has met yet); before the end only with a reason, kept in the audit row.
 */
export function completeSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const reason = cleanReason(options.reason);
  return transition({
    ...options, verb: 'complete', reason,
    audit: reason ? { reason } : undefined,
    set: { completedAt: options.now },
    effects: async (tx, row) => { await queueCompletionEmails(tx, { sessionId: row.id, note: reason || undefined }); },
  });
}

/**
 * The mentor turns down a paid request: pending → declined, fully refunded. The reason, if given, is
 * kept in the audit row and told to both in the email.
 */
export function declineSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const reason = cleanReason(options.reason);
  return transition({
    ...options, verb: 'decline', reason,
    audit: reason ? { reason } : undefined,
    set: { declinedAt: options.now },
    effects: async (tx, row) => {
      await queueRefund(tx, { sessionId: row.id, paymentRef: row.paymentRef, amountCents: row.priceCents, currency: row.currency, reason: 'The mentor declined the session.', now: options.now, actorId: options.actor.id });
      await queueCancellationEmails(tx, { sessionId: row.id, kind: 'declined', actor: options.actor, refund: 'full', reason: reason || null });
      await prepareRoomCancellation(tx, row);
      return { refund: 'full' as const };
    },
  });
}

/**
 * Either participant or an admin cancels a pending or confirmed session; the refund rule decides the
 * money. The reason, if given, is kept in the audit row and told to both in the email.
 */
export function cancelSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const { actor, now } = options;
  const reason = cleanReason(options.reason);
  return transition({
    ...options, verb: 'cancel', reason,
    audit: reason ? { reason } : undefined,
    set: { cancelledAt: now, cancelledBy: actor.id, },
    effects: async (tx, row, from) => {
      const refund = refundOnCancel({ by: actor.role, status: from, startsAt: row.startsAt, now, paid: Boolean(row.paidAt) });
      if (refund === 'full') {
        await queueRefund(tx, { sessionId: row.id, paymentRef: row.paymentRef, amountCents: row.priceCents, currency: row.currency, reason: `Cancelled by the ${actor.role}.`, now, actorId: actor.id });
      }
      await queueCancellationEmails(tx, { sessionId: row.id, kind: 'cancelled', actor, refund, reason: reason || null });
      await prepareRoomCancellation(tx, row);
      return { refund };
    },
  });
}
