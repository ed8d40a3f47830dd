import type { FastifyInstance } from 'fastify';
import { desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { emailOutbox, mailboxMessages, outboxStatus } from '../db/schema';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { retryFailedEmail } from './deliver';
import { MailboxList, MailboxMessage, OutboxList } from './views';

const idParam = z.object({ id: z.uuid() });

/** The admin's view of email: the built-in mailbox (demo mode) and the outbox with its failures. */
export async function mailAdminRoutes(app: FastifyInstance) {
  const { database, config, wakeWorker } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  app.get('/admin/mail', admin, async (request, reply) => {
    const messages = await db
      .select({ id: mailboxMessages.id, toName: mailboxMessages.toName, toAddress: mailboxMessages.toAddress, subject: mailboxMessages.subject, createdAt: mailboxMessages.createdAt })
      .from(mailboxMessages)
      .orderBy(desc(mailboxMessages.createdAt))
      .limit(200);
    return sendPage(reply, <MailboxList ctx={pageContext(request, reply)} messages={messages} smtp={Boolean(config.smtp)} />);
  });

  app.get<{ Params: { id: string } }>('/admin/mail/:id', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const [message] = params.success ? await db.select().from(mailboxMessages).where(eq(mailboxMessages.id, params.data.id)) : [];
    if (!message) return reply.callNotFound();
    return sendPage(reply, <MailboxMessage ctx={pageContext(request, reply)} message={message} />);
  });

  // The email's own HTML, served on its own with a sandbox CSP so nothing in it can run or reach our pages.
  app.get<{ Params: { id: string } }>('/admin/mail/:id/html', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const [message] = params.success ? await db.select({ html: mailboxMessages.html }).from(mailboxMessages).where(eq(mailboxMessages.id, params.data.id)) : [];
    if (!message?.html) return reply.callNotFound();
    return reply
      .header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .type('text/html; charset=utf-8')
      .send(message.html);
  });

  app.get<{ Params: { id: string; index: string } }>('/admin/mail/:id/attachments/:index', admin, async (request, reply) => {
    const params = idParam.extend({ index: z.coerce.number().int().min(0) }).safeParse(request.params);
    const [message] = params.success ? await db.select({ attachments: mailboxMessages.attachments }).from(mailboxMessages).where(eq(mailboxMessages.id, params.data.id)) : [];
    const file = params.success ? message?.attachments[params.data.index] : undefined;
    if (!file) return reply.callNotFound();
    const safeName = file.filename.replace(/[^\w.-]+/g, '_');
    return reply
      .header('content-disposition', `attachment; filename="${safeName}"`)
      .type(file.contentType.split(';')[0] ?? 'application/octet-stream')
      .send(Buffer.from(file.contentBase64, 'base64'));
  });

  app.get<{ Querystring: { status?: string } }>('/admin/outbox', { ...admin, config: { query: { status: 20 } } }, async (request, reply) => {
    const status = outboxStatus.find((s) => s === request.query.status);
    const rows = await db
      .select()
      .from(emailOutbox)
      .where(status ? eq(emailOutbox.status, status) : undefined)
      // Failures first: they are what an admin comes here for.
      .orderBy(sql`case when ${emailOutbox.status} = 'failed' then 0 else 1 end`, desc(emailOutbox.createdAt))
      .limit(200);
    return sendPage(reply, <OutboxList ctx={pageContext(request, reply)} rows={rows} status={status} />);
  });

  app.post<{ Params: { id: string } }>('/admin/outbox/:id/retry', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const retried = params.success && (await retryFailedEmail({ db, id: params.data.id }));
    if (retried) wakeWorker();
    setFlash(reply, retried ? 'The email is queued for another delivery attempt.' : 'Only a failed email can be retried.');
    return reply.redirect('/admin/outbox', 303);
  });
}
