import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { isUuid } from '../db/ids';
import { httpStatusOf } from '../errors';
import { meetingAccesses, sessions } from '../db/schema';
import type { Meeting } from '../meetings/provider';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { ErrorPage } from '../web/errors';
import { sendPage } from '../web/render';
import type { TransitionResult } from './machine';
import { confirmSession } from './transitions';

type IdParams = { Params: { id: string }; Body: Record<string, string> };

/**
 * The seed's routes: mentor "Accept session" (one click: nothing is lost by it) and the guarded join
 * link. Admin set-status, cancel and decline go through a confirmation step (step-routes.tsx).
 */

export async function sessionRoutes(app: FastifyInstance) {
  const { database, meetings, now, wakeWorker } = app.services;
  const db = database.db;

  /** After a transition: back where the form was, with a notice; or a 4xx page saying why nothing changed. */
  const answer = (request: FastifyRequest, reply: FastifyReply, result: TransitionResult, done: string, back: string) => {
    if (!result.ok) return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing was changed', text: result.message, back }), httpStatusOf(result));
    wakeWorker();
    setFlash(reply, done);
    return reply.redirect(back, 303);
  };
  const actor = (request: FastifyRequest) => ({ id: request.user!.id, role: request.user!.role });

  app.post<IdParams>('/mentor/session/:id/accept', { preHandler: requireRole('mentor') }, async (request, reply) => {
    const result = await confirmSession({ db, sessionId: request.params.id, actor: actor(request), meetingProvider: meetings.name, now: now(), ip: request.ip });
    return answer(request, reply, result, meetings.name === 'none'
      ? 'Session accepted. Both of you have been emailed; share the meeting details with your mentee.'
      : 'Session accepted. The meeting link is being prepared and will be emailed to both of you.', '/mentor/dashboard');
  });

  // The only way the dashboards open a meeting: checks who asks, records it, then redirects.
  app.get<{ Params: { id: string } }>('/sessions/:id/join', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const user = request.user!;
    if (!isUuid(request.params.id)) return reply.callNotFound();
    const [s] = await db.select().from(sessions).where(eq(sessions.id, request.params.id));
    const mine = s && (user.role === 'admin' || s.menteeId === user.id || s.mentorId === user.id);
    if (!s || !mine || !s.meetingUrl || !s.meetingExternalId || (s.status !== 'confirmed' && s.status !== 'completed')) return reply.callNotFound();
    await db.insert(meetingAccesses).values({ sessionId: s.id, userId: user.id, ip: request.ip });
    // A room made by another provider than today's (the setting changed since) opens as stored.
    const url = s.meetingProvider !== meetings.name ? s.meetingUrl : await meetings.joinUrlFor(
      { provider: s.meetingProvider as Meeting['provider'], joinUrl: s.meetingUrl, externalId: s.meetingExternalId },
      { id: user.id, name: user.name, email: user.email, moderator: user.id === s.mentorId || user.role === 'admin' },
      { expiresAt: new Date(s.endsAt.getTime() + 2 * 3_600_000) },
    );
    return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').redirect(url, 302);
  });
}

