import type { FastifyInstance } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { paymentProblems, refunds, sessions, users } from '../db/schema';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { AdminPaymentsPage } from './payments-views';

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

/** The list of refused payments (GET /admin/payments). */
export async function adminPaymentRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  app.get('/admin/payments', { preHandler: requireRole('admin') }, async (request, reply) => {
    const rows = await db
      .select({ problem: paymentProblems, refundStatus: refunds.status, mentorName: mentor.name, menteeName: mentee.name })
      .from(paymentProblems)
      .leftJoin(refunds, eq(refunds.paymentRef, paymentProblems.paymentRef))
      .leftJoin(sessions, eq(sessions.id, paymentProblems.sessionId))
      .leftJoin(mentor, eq(mentor.id, sessions.mentorId))
      .leftJoin(mentee, eq(mentee.id, sessions.menteeId))
      .orderBy(desc(paymentProblems.createdAt))
      .limit(200);
    return sendPage(reply, <AdminPaymentsPage ctx={pageContext(request, reply)} rows={rows.map((r) => ({ ...r.problem, refundStatus: r.refundStatus, mentorName: r.mentorName, menteeName: r.menteeName }))} />);
  });
}
