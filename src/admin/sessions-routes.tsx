import type { FastifyInstance } from 'fastify';
import { releaseHold } from '../booking/holds';
import { httpStatusOf } from '../errors';
import { retryRoomNow } from '../sessions/rooms';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { ErrorPage } from '../web/errors';
import { sendPage } from '../web/render';
import { loadAttendance } from '../sessions/attendance';
import { countByStatus, loadSessionDetail, parseFilters } from './sessions-queries';
import { renderAdminSessionList } from './sessions-list';
import { AdminSessionDetail, AdminSessionsPage, type ListQuery } from './sessions-views';

/** The admin Sessions page (filters, counts, keyset pages) and each session's own page. */
export async function adminSessionRoutes(app: FastifyInstance) {
  const { database, payments, now, wakeWorker } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  app.get<{ Querystring: ListQuery }>('/admin/sessions', { ...admin, config: { query: { status: 30, mentor: 36, mentee: 36, from: 10, to: 10, q: 100, before: 80 } } }, async (request, reply) => {
    const filters = parseFilters(request.query as Record<string, string | undefined>);
    const ctx = pageContext(request, reply);
    const { rows, rowCount, next, people } = await renderAdminSessionList({ db, filters, tz: request.user!.timezone, version: request.dataVersion });
    // A page that carries a notice comes right after a change (the admin's own, on whichever app
    // process served it): its counts are live, so they include that change.
    const { counts, cachedAt } = await countByStatus({ db, filters, people, fresh: Boolean(ctx.flash) });
    const q = request.query;
    const query: ListQuery = {
      status: filters.status, mentor: filters.mentorId, mentee: filters.menteeId, from: filters.from ? q.from : undefined,
      to: filters.to ? q.to : undefined, q: filters.q, before: filters.before ? q.before : undefined,
    };
    return sendPage(reply, <AdminSessionsPage ctx={ctx} rows={rows} rowCount={rowCount} query={query} next={next} counts={counts} countsCachedAt={cachedAt} />);
  });

  app.get<{ Params: { id: string } }>('/admin/sessions/:id', admin, async (request, reply) => {
    const detail = await loadSessionDetail(db, request.params.id);
    if (!detail) return reply.callNotFound();
    const attendance = await loadAttendance({ db, now: now(), session: detail.session });
    return sendPage(reply, <AdminSessionDetail ctx={pageContext(request, reply)} detail={detail} attendance={attendance} />);
  });

  // "Retry now" for the meeting room: the room job runs at once instead of after its backoff (or again, after it gave up).
  app.post<{ Params: { id: string } }>('/admin/sessions/:id/retry-room', admin, async (request, reply) => {
    const detail = await loadSessionDetail(db, request.params.id);
    if (!detail) return reply.callNotFound();
    const retried = await retryRoomNow({ db, sessionId: detail.session.id });
    if (retried) wakeWorker();
    setFlash(reply, retried ? 'The meeting room is being made again now.' : 'There is no waiting or failed meeting room to retry.');
    return reply.redirect(`/admin/sessions/${detail.session.id}`, 303);
  });

  // Release an unpaid hold: the slot is free at once, and the provider's checkout is closed if it can be.
  app.post<{ Params: { id: string } }>('/admin/sessions/:id/release', admin, async (request, reply) => {
    const result = await releaseHold({ db, sessionId: request.params.id, actorId: request.user!.id, now: now(), ip: request.ip });
    const back = `/admin/sessions/${request.params.id}`;
    if (!result.ok) {
      if (result.code === 'not_found') return reply.callNotFound();
      return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing was changed', text: result.message, back }), httpStatusOf(result));
    }
    let closed = true;
    if (result.checkoutRef) {
      try {
        await payments.expireCheckout(result.checkoutRef);
      } catch (err) {
        // Already paid or closed, or the provider is down: a payment that still arrives is refunded.
        closed = false;
        request.log.warn({ err, checkoutRef: result.checkoutRef }, 'could not expire checkout');
      }
    }
    setFlash(reply, closed
      ? 'Hold released: the slot is free again and the checkout is closed.'
      : 'Hold released: the slot is free again. The checkout could not be closed; if it is still paid, the payment will be refunded.');
    return reply.redirect(back, 303);
  });
}
