import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { refunds, sessions, users } from '../db/schema';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { SessionPage, type SessionDetail } from './detail-views';
import { findSession } from './queries';
import { REQUEST_EXPIRES_AFTER } from './reminders';

/** The participant's session page, where every email about a session links. */
export async function sessionDetailRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  const db = database.db;

  app.get<{ Params: { id: string } }>('/sessions/:id', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const user = request.user!;
    const s = await findSession(db, request.params.id);
    // Its mentor, its mentee and admins; for everyone else it does not exist.
    if (!s || !(user.role === 'admin' || s.mentorId === user.id || s.menteeId === user.id)) return reply.callNotFound();
    const [extra] = await db
      .select({ paidAt: sessions.paidAt, cancelledAt: sessions.cancelledAt, cancelledBy: sessions.cancelledBy, declinedAt: sessions.declinedAt, cancellerRole: users.role })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.cancelledBy))
      .where(eq(sessions.id, s.id));
    const [refund] = await db
      .select({ amountCents: refunds.amountCents, currency: refunds.currency, status: refunds.status })
      .from(refunds)
      .where(eq(refunds.sessionId, s.id));
    const paidAt = extra?.paidAt ?? null;
    const d: SessionDetail = {
      paidAt,
      cancelledAt: extra?.cancelledAt ?? null,
      cancelledBy: extra?.cancelledBy && extra.cancellerRole ? { role: extra.cancellerRole, self: extra.cancelledBy === user.id } : null,
      declinedAt: extra?.declinedAt ?? null,
      answerBy: s.status === 'pending' && paidAt ? new Date(Math.min(paidAt.getTime() + REQUEST_EXPIRES_AFTER, s.startsAt.getTime())) : null,
      refund: refund ?? null,
    };
    return sendPage(reply, <SessionPage ctx={pageContext(request, reply)} s={s} d={d} now={now()} />);
  });
}
