import type { FastifyInstance } from 'fastify';
import { listSessionsFor, parseCursor } from '../sessions/queries';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { mentorEarnings } from './earnings';
import { renderMenteeLists } from './mentee-lists';
import { MenteeDashboard, MentorDashboard } from './views';

/** "My Sessions" for mentees and the Mentor Dashboard: each lists only its viewer's own sessions. */
export async function dashboardRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  app.get<{ Querystring: { before?: string; after?: string } }>('/dashboard', { preHandler: requireRole('mentee'), config: { query: { before: 80, after: 80 } } }, async (request, reply) => {
    const ctx = pageContext(request, reply);
    const lists = await renderMenteeLists({
      db: database.db, user: request.user!, clock: ctx.clock, now: now(), version: request.dataVersion,
      before: parseCursor(request.query.before), after: parseCursor(request.query.after),
    });
    return sendPage(reply, <MenteeDashboard ctx={ctx} lists={lists} />);
  });
  app.get<{ Querystring: { before?: string; after?: string } }>('/mentor/dashboard', { preHandler: requireRole('mentor'), config: { query: { before: 80, after: 80 } } }, async (request, reply) => {
    const t = now();
    const [lists, earnings] = await Promise.all([
      listSessionsFor({ db: database.db, userId: request.user!.id, as: 'mentor', now: t, before: parseCursor(request.query.before), after: parseCursor(request.query.after) }),
      mentorEarnings({ db: database.db, mentorId: request.user!.id, now: t, version: request.dataVersion }),
    ]);
    return sendPage(reply, <MentorDashboard ctx={pageContext(request, reply)} {...lists} earnings={earnings} now={t} />);
  });
}
