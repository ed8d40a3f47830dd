import { and, asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { refunds, sessions, users, type SessionStatus } from '../db/schema';

/**
 * A receipt's number: the day paid and the first 40 bits of the session id. Derived, not stored, so
 * the email and the page always agree and nothing has to be issued in order; one payment per
 * session makes it unique per payment (a collision would need two sessions paid the same day whose
 * random ids share 40 bits).
 */
export function receiptNumber(sessionId: string, paidAt: Date): string {
  const day = paidAt.toISOString().slice(0, 10).replace(/-/g, '');
  return `CMH-${day}-${sessionId.replace(/-/g, '').slice(0, 10).toUpperCase()}`;
}

export interface ReceiptRefund {
  amountCents: number;
  currency: string;
  status: 'requested' | 'succeeded' | 'failed';
  requestedAt: Date;
  completedAt: Date | null;
}

export interface Receipt {
  number: string;
  sessionId: string;
  status: SessionStatus;
  paidAt: Date;
  amountCents: number;
  currency: string;
  startsAt: Date;
  durationMinutes: number;
  mentorName: string;
  menteeId: string;
  menteeName: string;
  menteeEmail: string;
  /** The receipt is the mentee's document: its times are in their zone, whoever reads it. */
  menteeTimezone: string;
  /** Refunds of this payment (at most one today; a list so the page never hides a second). */
  refunds: ReceiptRefund[];
}

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

/** A paid session's receipt, or null when the session does not exist or was never paid. */
export async function findReceipt(options: { db: Db; sessionId: string }): Promise<Receipt | null> {
  const { db, sessionId } = options;
  if (!isUuid(sessionId)) return null;
  const [row] = await db
    .select({
      id: sessions.id, status: sessions.status, paidAt: sessions.paidAt, paymentRef: sessions.paymentRef, priceCents: sessions.priceCents,
      currency: sessions.currency, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes, mentorName: mentor.name,
      menteeId: sessions.menteeId, menteeName: mentee.name, menteeEmail: mentee.email, menteeTimezone: mentee.timezone,
    })
    .from(sessions)
    .innerJoin(mentor, eq(mentor.id, sessions.mentorId))
    .innerJoin(mentee, eq(mentee.id, sessions.menteeId))
    .where(eq(sessions.id, sessionId));
  if (!row?.paidAt) return null;
  // The refund of this payment; a refused second payment has its own reference and is not on this receipt.
  const paid = await db
    .select({ amountCents: refunds.amountCents, currency: refunds.currency, status: refunds.status, requestedAt: refunds.createdAt, completedAt: refunds.completedAt })
    .from(refunds)
    .where(and(eq(refunds.sessionId, row.id), eq(refunds.paymentRef, row.paymentRef ?? `session:${row.id}`)))
    .orderBy(asc(refunds.createdAt));
  return {
    number: receiptNumber(row.id, row.paidAt), sessionId: row.id, status: row.status, paidAt: row.paidAt,
    amountCents: row.priceCents, currency: row.currency, startsAt: row.startsAt, durationMinutes: row.durationMinutes,
    mentorName: row.mentorName, menteeId: row.menteeId, menteeName: row.menteeName, menteeEmail: row.menteeEmail,
    menteeTimezone: row.menteeTimezone, refunds: paid,
  };
}
