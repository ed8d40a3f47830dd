import type { FastifyInstance } from 'fastify';
import { requireRole } from '../web/auth';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { ReceiptPage } from './receipt-views';
import { findReceipt } from './receipts';

/**
 * A paid session's receipt, for the mentee who paid and for admins. The mentor is not shown it: it is
 * the payer's document (their email address, what they paid), and the mentor's side of the money is
 * the earnings summary on their dashboard. For everyone else, and for an unpaid session, it does not exist.
 */
export async function receiptRoutes(app: FastifyInstance) {
  const db = app.services.database.db;
  app.get<{ Params: { id: string } }>('/sessions/:id/receipt', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const user = request.user!;
    const receipt = await findReceipt({ db, sessionId: request.params.id });
    if (!receipt || !(user.role === 'admin' || receipt.menteeId === user.id)) return reply.callNotFound();
    return sendPage(reply, <ReceiptPage ctx={pageContext(request, reply)} r={receipt} />);
  });
}
