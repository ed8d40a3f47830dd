import { desc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client';
import { paymentProblems, refunds, sessions, users } from '../db/schema';

/** Refused payments on one page of /admin/payments. */
export const PROBLEMS_PAGE = 50;

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

export type PaymentProblem = typeof paymentProblems.$inferSelect & { refundStatus: string | null; mentorName: string | null; menteeName: string | null };

/**
 * Refused payments, newest first, a page at a time by keyset (created_at, id). `before` is the id of
 * the last row of the page before, and `older` the id that starts the next one, when there is one.
 * The cursor is the row's id alone: its time is compared in the database, at the microseconds a
 * JavaScript Date would round away.
 */
export async function listPaymentProblems(options: { db: Db; before?: string }): Promise<{ rows: PaymentProblem[]; older: string | null }> {
  const { before } = options;
  const after = before
    ? sql`(${paymentProblems.createdAt}, ${paymentProblems.id}) < (select p.created_at, p.id from payment_problems p where p.id = ${before})`
    : undefined;
  const rows = await options.db
    .select({ problem: paymentProblems, refundStatus: refunds.status, mentorName: mentor.name, menteeName: mentee.name })
    .from(paymentProblems)
    .leftJoin(refunds, eq(refunds.paymentRef, paymentProblems.paymentRef))
    .leftJoin(sessions, eq(sessions.id, paymentProblems.sessionId))
    .leftJoin(mentor, eq(mentor.id, sessions.mentorId))
    .leftJoin(mentee, eq(mentee.id, sessions.menteeId))
    .where(after)
    .orderBy(desc(paymentProblems.createdAt), desc(paymentProblems.id))
    .limit(PROBLEMS_PAGE + 1);
  const page = rows.slice(0, PROBLEMS_PAGE).map((r) => ({ ...r.problem, refundStatus: r.refundStatus, mentorName: r.mentorName, menteeName: r.menteeName }));
  const last = page.at(-1);
  return { rows: page, older: rows.length > PROBLEMS_PAGE && last ? last.id : null };
}
