import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { approveMentorApplication, declineMentorApplication, listOpenApplications } from '../mentors/applications';
import { listMentors } from '../mentors/directory';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { AdminMentors, type DeclineFormState } from './mentors-views';

const idParam = z.object({ id: z.uuid() });

/** The admin's Mentors page: mentors to edit, and the "Become a mentor" applications to approve or decline. */
export async function adminMentorRoutes(app: FastifyInstance) {
  const { database, now, wakeWorker } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  async function showPage(request: FastifyRequest, reply: FastifyReply, decline?: DeclineFormState, status = 200) {
    const [mentors, applications] = await Promise.all([listMentors({ db, limit: 500 }), listOpenApplications({ db, now: now() })]);
    return sendPage(reply, <AdminMentors ctx={pageContext(request, reply)} mentors={mentors} applications={applications} decline={decline} />, status);
  }

  app.get('/admin/mentors', admin, (request, reply) => showPage(request, reply));

  app.post<{ Params: { id: string } }>('/admin/mentors/applications/:id/approve', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const actor = { id: request.user!.id, role: request.user!.role };
    const result = await approveMentorApplication({ db, applicationId: params.data.id, actor, now: now(), ip: request.ip });
    if (!result.ok && result.code === 'not_found') return reply.callNotFound();
    if (result.ok) wakeWorker();
    setFlash(reply, result.ok ? `${result.name} is now a mentor, and has been emailed.` : result.message);
    return reply.redirect('/admin/mentors', 303);
  });

  app.post<{ Params: { id: string }; Body: { reason?: unknown } }>('/admin/mentors/applications/:id/decline', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const actor = { id: request.user!.id, role: request.user!.role };
    const reason = typeof request.body?.reason === 'string' ? request.body.reason : '';
    const result = await declineMentorApplication({ db, applicationId: params.data.id, actor, reason, now: now(), ip: request.ip });
    if (!result.ok && result.code === 'not_found') return reply.callNotFound();
    if (!result.ok && result.code === 'invalid') {
      const fields = (result.details as { fields?: Record<string, string> }).fields ?? {};
      return showPage(request, reply, { applicationId: params.data.id, reason, error: fields.reason ?? result.message }, 400);
    }
    if (result.ok) wakeWorker();
    setFlash(reply, result.ok ? `The application of ${result.name} is declined, and they have been emailed the reason.` : result.message);
    return reply.redirect('/admin/mentors', 303);
  });
}
