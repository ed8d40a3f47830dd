import type { FastifyInstance } from 'fastify';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { countByStatus, listAdminSessions, loadSessionDetail, parseFilters } from './sessions-queries';
import { AdminSessionDetail, AdminSessionsPage, type ListQuery } from './sessions-views';

/** The admin Sessions page (filters, counts, keyset pages) and each session's own page. */
export async function adminSessionRoutes(app: FastifyInstance) {
  const { database } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  app.get<{ Querystring: ListQuery }>('/admin/sessions', { ...admin, config: { query: { status: 30, mentor: 36, mentee: 36, from: 10, to: 10, q: 100, before: 80 } } }, async (request, reply) => {
    const filters = parseFilters(request.query as Record<string, string | undefined>);
    const { rows, next, people } = await listAdminSessions({ db, filters });
    const { counts, cachedAt } = await countByStatus({ db, filters, people });
    const q = request.query;
    const query: ListQuery = {
      status: filters.status, mentor: filters.mentorId, mentee: filters.menteeId, from: filters.from ? q.from : undefined,
      to: filters.to ? q.to : undefined, q: filters.q, before: filters.before ? q.before : undefined,
    };
    return sendPage(reply, <AdminSessionsPage ctx={pageContext(request, reply)} rows={rows} query={query} next={next} counts={counts} countsCachedAt={cachedAt} />);
  });

  app.get<{ Params: { id: string } }>('/admin/sessions/:id', admin, async (request, reply) => {
    const detail = await loadSessionDetail(db, request.params.id);
    if (!detail) return reply.callNotFound();
    return sendPage(reply, <AdminSessionDetail ctx={pageContext(request, reply)} detail={detail} />);
  });
}
