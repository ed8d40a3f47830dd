import type { FastifyInstance } from 'fastify';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { auditLog, refunds, sessions, users } from '../db/schema';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { SessionPage, type SessionDetail } from './detail-views';
import { sessionInvite } from '../mail/templates/invite';
import { loadAttendance } from './attendance';
import { findSession } from './queries';
import { REQUEST_EXPIRES_AFTER } from './reminders';

/** Attendance is worth showing once a confirmed (or completed) session has started. */
function hasTakenPlace(s: { status: string; startsAt: Date }, now: Date): boolean {
  return (s.status === 'confirmed' || s.status === 'completed') && s.startsAt <= now;
}

/** The participant's session page, where every email about a session links. */
export async function sessionDetailRoutes(app: FastifyInstance) {
  const { database, now, config } = app.services;
  const db = database.db;

  app.get<{ Params: { id: string } }>('/sessions/:id', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const user = request.user!;
    const s = await findSession(db, request.params.id);
    // Its mentor, its mentee and admins; for everyone else it does not exist.
    if (!s || !(user.role === 'admin' || s.mentorId === user.id || s.menteeId === user.id)) return reply.callNotFound();
    const [extra] = await db
      .select({ paidAt: sessions.paidAt, paymentRef: sessions.paymentRef, cancelledAt: sessions.cancelledAt, cancelledBy: sessions.cancelledBy, declinedAt: sessions.declinedAt, cancellerRole: users.role })
      .from(sessions)
      .leftJoin(users, eq(users.id, sessions.cancelledBy))
      .where(eq(sessions.id, s.id));
    // The refund of the session's own payment (a refused, mismatched payment is refunded separately).
    const [refund] = await db
      .select({ amountCents: refunds.amountCents, currency: refunds.currency, status: refunds.status })
      .from(refunds)
      .where(and(eq(refunds.sessionId, s.id), eq(refunds.paymentRef, extra?.paymentRef ?? `session:${s.id}`)));
    // The reason given when it ended is kept in the ending's audit row (sessions/transitions.ts).
    const [ending] = s.status === 'cancelled' || s.status === 'declined'
      ? await db.select({ data: auditLog.data }).from(auditLog)
        .where(and(eq(auditLog.subjectType, 'session'), eq(auditLog.subjectId, s.id), inArray(auditLog.action, ['session.cancelled', 'session.declined'])))
        .orderBy(desc(auditLog.createdAt)).limit(1)
      : [];
    const endReason = (ending?.data as { reason?: unknown } | null | undefined)?.reason;
    const paidAt = extra?.paidAt ?? null;
    const d: SessionDetail = {
      paidAt,
      cancelledAt: extra?.cancelledAt ?? null,
      cancelledBy: extra?.cancelledBy && extra.cancellerRole ? { role: extra.cancellerRole, self: extra.cancelledBy === user.id } : null,
      declinedAt: extra?.declinedAt ?? null,
      endReason: typeof endReason === 'string' ? endReason : null,
      answerBy: s.status === 'pending' && paidAt ? new Date(Math.min((s.requestedAt ?? paidAt).getTime() + REQUEST_EXPIRES_AFTER, s.startsAt.getTime())) : null,
      refund: refund ?? null,
    };
    const attendance = hasTakenPlace(s, now()) ? await loadAttendance({ db, now: now(), session: s }) : null;
    return sendPage(reply, <SessionPage ctx={pageContext(request, reply)} s={s} d={d} now={now()} attendance={attendance} />);
  });

  // The session as a calendar file, for its two participants only; same UID as the emailed invite.
  app.get<{ Params: { id: string } }>('/sessions/:id/calendar.ics', { preHandler: requireRole('mentee', 'mentor') }, async (request, reply) => {
    const user = request.user!;
    const s = await findSession(db, request.params.id);
    if (!s || (s.mentorId !== user.id && s.menteeId !== user.id) || (s.status !== 'confirmed' && s.status !== 'completed')) return reply.callNotFound();
    const [people] = await db.select({ mentorEmail: users.email }).from(users).where(eq(users.id, s.mentorId));
    const [mentee] = await db.select({ email: users.email }).from(users).where(eq(users.id, s.menteeId));
    const other = user.id === s.mentorId ? s.menteeName : s.mentorName;
    const ics = sessionInvite({
      sessionId: s.id, appUrl: config.appUrl, organizer: { name: config.mailFrom.name || 'CodeMentorHub', email: config.mailFrom.address },
      method: 'PUBLISH', sequence: 0, start: s.startsAt, durationMinutes: s.durationMinutes,
      summary: `CodeMentorHub session with ${other}`,
      description: `Meeting Link: ${s.meetingUrl ?? 'the mentor will share the details'}\n${config.appUrl}/sessions/${s.id}`,
      meetingUrl: s.meetingUrl, attendees: [{ name: s.mentorName, email: people!.mentorEmail }, { name: s.menteeName, email: mentee!.email }],
    });
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="codementorhub-session-${s.id.slice(0, 8)}.ics"`)
      .header('cache-control', 'no-store')
      .send(ics);
  });
}
