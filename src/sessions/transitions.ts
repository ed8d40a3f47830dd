import type { Db, Tx } from '../db/client';
import type { sessions } from '../db/schema';
import { AppError } from '../errors';
import type { MeetingProviderName } from '../meetings/provider';
import { createRoomJob } from '../jobs/definitions/create-room';
import { queueJob } from '../jobs/queue';
import { queueRefund } from '../payments/record';
import { queueCancellationEmails } from './cancellation-emails';
import { queueCompletionEmails } from './completion-emails';
import { queueConfirmationEmails } from './confirmation-emails';
import { transition, type Actor, type TransitionResult } from './machine';
import { refundOnCancel } from './refund-policy';

/** What people do to a session, each one verb of the state machine (machine.ts) with its effects. */

/**
 * Mentor "Accept session" or admin "Confirm": pending → confirmed. The meeting room is made right
 * after by the room job (sessions/rooms.ts); with no provider, the emails go now.
 */
export function confirmSession(options: { db: Db; sessionId: string; actor: Actor; meetingProvider: MeetingProviderName; now: Date; ip?: string | null }): Promise<TransitionResult> {
  const { actor, now } = options;
  return transition({
    ...options, verb: actor.role === 'mentor' ? 'accept' : 'confirm',
    set: { confirmedAt: now, confirmedBy: actor.id, ...meetingRoomOnConfirm(options) },
    effects: (tx, row) => emailsOnConfirm(tx, row, options),
  });
}

// The meeting room of a confirmation: the session records which provider makes it and the room job is
// queued with it; with no provider there is no room to wait for, so the emails go in this transaction.
function meetingRoomOnConfirm(options: { meetingProvider: MeetingProviderName }): Partial<typeof sessions.$inferInsert> {
  return { meetingProvider: options.meetingProvider };
}

async function emailsOnConfirm(tx: Tx, row: typeof sessions.$inferSelect, options: { meetingProvider: MeetingProviderName }): Promise<void> {
  if (options.meetingProvider === 'none') await queueConfirmationEmails(tx, { sessionId: row.id, meetingUrl: null, provider: 'none' });
  else await queueJob(tx, createRoomJob, { sessionId: row.id });
}

/**
 * Admin "Mark completed": confirmed → completed. The meeting link stays in the history. Not before
 * the start (nobody has met yet); before the end only with a reason, kept in the audit row.
 */
export function completeSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  const reason = (options.reason ?? '').trim().slice(0, 500);
  return transition({
    ...options, verb: 'complete', reason,
    audit: reason ? { reason } : undefined,
    set: { completedAt: options.now },
    effects: async (tx, row) => { await queueCompletionEmails(tx, { sessionId: row.id }); },
  });
}

/** The mentor turns down a paid request: pending → declined, fully refunded. */
export function declineSession(options: { db: Db; sessionId: string; actor: Actor; now: Date; ip?: string | null }): Promise<TransitionResult> {
  return transition({
    ...options, verb: 'decline',
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
    ...options, verb: 'cancel',
    set: { cancelledAt: now, cancelledBy: actor.id, },
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
export function setSessionStatus(options: { db: Db; sessionId: string; actor: Actor; status: string; meetingProvider: MeetingProviderName; now: Date; reason?: string; ip?: string | null }): Promise<TransitionResult> {
  switch (options.status) {
    case 'confirmed': return confirmSession(options);
    case 'completed': return completeSession(options);
    case 'cancelled': return cancelSession(options);
    case 'declined': return declineSession(options);
    default: return Promise.resolve(new AppError('invalid', 'Choose a status: confirmed, completed, cancelled or declined.'));
  }
}
