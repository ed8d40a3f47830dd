import type { FastifyInstance } from 'fastify';
import { listPaymentProblems } from '../payments/problems';
import { isUuid } from '../db/ids';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { AdminPaymentsPage } from './payments-views';

/** The list of refused payments (GET /admin/payments), newest first; ?before= pages back (a cursor it links to). */
export async function adminPaymentRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  app.get<{ Querystring: { before?: string } }>('/admin/payments', { preHandler: requireRole('admin'), config: { query: { before: 36 } } }, async (request, reply) => {
    // A cursor that is no id (edited by hand) shows the newest page, as the dashboards' do.
    const asked = request.query.before;
    const before = asked !== undefined && isUuid(asked) ? asked : undefined;
    const { rows, older } = await listPaymentProblems({ db, before });
    return sendPage(reply, <AdminPaymentsPage ctx={pageContext(request, reply)} rows={rows} older={older} paged={Boolean(before)} />);
  });
}
