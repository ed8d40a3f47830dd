import type { FastifyInstance } from 'fastify';
import { asc, ilike, or } from 'drizzle-orm';
import { z } from 'zod';
import { deactivateUser, reactivateUser } from '../accounts/deactivation';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { requireRole } from '../web/auth';
import { pageContext, setFlash, type PageContext } from '../web/context';
import { Field } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { sendPage } from '../web/render';

const USERS_PAGE = 100;
const idParam = z.object({ id: z.uuid() });

type UserRow = { id: string; name: string; email: string; role: string; emailVerifiedAt: Date | null; deactivatedAt: Date | null };

async function searchUsers(db: Db, q: string): Promise<UserRow[]> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, emailVerifiedAt: users.emailVerifiedAt, deactivatedAt: users.deactivatedAt })
    .from(users)
    .where(q ? or(ilike(users.name, like), ilike(users.email, like)) : undefined)
    .orderBy(asc(users.name), asc(users.id))
    .limit(USERS_PAGE);
}

/** Admins find accounts, and deactivate or reactivate them (never their own). */
export async function adminUserRoutes(app: FastifyInstance) {
  const { database, now, wakeWorker } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };

  app.get<{ Querystring: { q?: string } }>('/admin/users', admin, async (request, reply) => {
    const q = String(request.query.q ?? '').trim().slice(0, 200);
    const rows = await searchUsers(db, q);
    return sendPage(reply, <AdminUsers ctx={pageContext(request, reply)} rows={rows} q={q} />);
  });

  app.post<{ Params: { id: string }; Body: { q?: string } }>('/admin/users/:id/:action', admin, async (request, reply) => {
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
    const q = typeof request.body?.q === 'string' && request.body.q ? `?q=${encodeURIComponent(request.body.q)}` : '';
    return reply.redirect(`/admin/users${q}`, 303);
  });
}

function AdminUsers(props: { ctx: PageContext; rows: UserRow[]; q: string }) {
  const me = props.ctx.user!.id;
  return (
    <Layout ctx={props.ctx} title="Users" wide>
      <h1>Users</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new */}
      <form method="get" action="/admin/users" class="search filters-form" role="search">
        <Field id="q" name="q" label="Name or email" type="search" value={props.q} />
        <button type="submit" class="btn">Search</button>
        {props.q ? <a href="/admin/users">Clear search</a> : null}
      </form>
      {props.rows.length === 0 ? <p class="card empty">No accounts match.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Accounts{props.q ? ` matching ${props.q}` : ''}, by name</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {props.rows.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}{u.emailVerifiedAt ? null : <span class="muted small"> (not confirmed)</span>}</td>
                  <td>{u.role}</td>
                  <td>{u.deactivatedAt ? <span class="badge badge-failed">Deactivated</span> : <span class="badge badge-sent">Active</span>}</td>
                  <td>
                    {u.id === me ? <span class="muted small">You</span> : (
                      <form method="post" action={`/admin/users/${u.id}/${u.deactivatedAt ? 'reactivate' : 'deactivate'}`} class="inline-form">
                        <Csrf token={props.ctx.csrf} />
                        {props.q ? <input type="hidden" name="q" value={props.q} /> : null}
                        <button type="submit" class={u.deactivatedAt ? 'btn btn-small' : 'btn btn-small btn-quiet'}>
                          {u.deactivatedAt ? 'Reactivate' : 'Deactivate'}<span class="sr-only"> {u.name}</span>
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.rows.length === USERS_PAGE ? <p class="muted small">Showing the first {USERS_PAGE} by name: search to narrow the list.</p> : null}
    </Layout>
  );
}
