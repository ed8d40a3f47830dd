import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deactivateUser, reactivateUser } from '../accounts/deactivation';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { loadPerson, parseRole, searchUsers } from './people';
import { AdminUsers, PersonPage } from './people-views';

const idParam = z.object({ id: z.uuid() });

/** Admins find people (by name, email, role), see one person's sessions, and deactivate or reactivate accounts (never their own). */
export async function adminUserRoutes(app: FastifyInstance) {
  const { database, now, wakeWorker } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  app.get<{ Querystring: { q?: string; role?: string } }>('/admin/users', admin, async (request, reply) => {
    const q = String(request.query.q ?? '').trim().slice(0, 200);
    const role = parseRole(request.query.role);
    const rows = await searchUsers({ db, q, role });
    return sendPage(reply, <AdminUsers ctx={pageContext(request, reply)} rows={rows} q={q} role={role} />);
  });

  app.get<{ Params: { id: string } }>('/admin/users/:id', admin, async (request, reply) => {
    const params = idParam.safeParse(request.params);
    const person = params.success ? await loadPerson({ db, userId: params.data.id }) : null;
    if (!person) return reply.callNotFound();
    return sendPage(reply, <PersonPage ctx={pageContext(request, reply)} person={person} />);
  });

  app.post<{ Params: { id: string }; Body: { q?: string; role?: string; back?: string } }>('/admin/users/:id/:action', admin, async (request, reply) => {
    const params = idParam.extend({ action: z.enum(['deactivate', 'reactivate']) }).safeParse(request.params);
    if (!params.success) return reply.callNotFound();
    const actor = { id: request.user!.id, role: request.user!.role };
    const { id, action } = params.data;
    const result = action === 'deactivate'
      ? await deactivateUser({ db, userId: id, actor, now: now(), ip: request.ip })
      : await reactivateUser({ db, userId: id, actor, ip: request.ip });
    if (!result.ok && result.code === 'not_found') return reply.callNotFound();
    if (result.ok) wakeWorker();
    setFlash(reply, !result.ok ? result.message : action === 'reactivate' ? 'The account is active again.'
      : `The account is deactivated and logged out everywhere. Upcoming sessions cancelled: ${result.cancelled}; unpaid holds released: ${result.released}.`);
    if (request.body?.back === 'person') return reply.redirect(`/admin/users/${id}`, 303);
    const search = new URLSearchParams();
    if (typeof request.body?.q === 'string' && request.body.q) search.set('q', request.body.q);
    const role = parseRole(request.body?.role);
    if (role) search.set('role', role);
    const qs = search.toString();
    return reply.redirect(`/admin/users${qs ? `?${qs}` : ''}`, 303);
  });
}
