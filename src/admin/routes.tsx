import type { FastifyInstance } from 'fastify';
import { count, sql } from 'drizzle-orm';
import { emailOutbox, paymentProblems, users } from '../db/schema';
import { listMentors, type MentorCard } from '../mentors/directory';
import { formatMoney } from '../web/money';
import { requireRole } from '../web/auth';
import { pageContext, type PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { sendPage } from '../web/render';

export async function adminRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  app.get('/admin', { preHandler: requireRole('admin') }, async (request, reply) => {
    const [roles, outbox, problems] = await Promise.all([
      db.select({ key: sql<string>`${users.role}::text`, n: count() }).from(users).groupBy(users.role),
      db.select({ key: emailOutbox.status, n: count() }).from(emailOutbox).groupBy(emailOutbox.status),
      db.select({ n: count() }).from(paymentProblems),
    ]);
    const toMap = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    return sendPage(reply, <AdminHome ctx={pageContext(request, reply)} roles={toMap(roles)} outbox={toMap(outbox)} paymentProblems={Number(problems[0]?.n ?? 0)} />);
  });

  app.get('/admin/mentors', { preHandler: requireRole('admin') }, async (request, reply) => {
    const mentors = await listMentors({ db, limit: 500 });
    return sendPage(reply, <AdminMentors ctx={pageContext(request, reply)} mentors={mentors} />);
  });
}

function AdminMentors(props: { ctx: PageContext; mentors: MentorCard[] }) {
  return (
    <Layout ctx={props.ctx} title="Mentors" wide>
      <h1>Mentors</h1>
      {props.mentors.length === 0 ? <p class="card empty">No mentors yet. Create one with <code>npm run cli -- user:create --role mentor …</code>.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Mentors</caption>
            <thead><tr><th scope="col">Mentor</th><th scope="col">Headline</th><th scope="col">Rate</th><th scope="col">Edit</th></tr></thead>
            <tbody>
              {props.mentors.map((m) => (
                <tr key={m.id}>
                  <td><a href={`/mentors/${m.id}`}>{m.name}</a></td>
                  <td>{m.headline}</td>
                  <td>{formatMoney(m.hourlyRateCents, m.currency)}/h</td>
                  <td>
                    <a href={`/admin/mentors/${m.id}/profile`}>Profile<span class="sr-only"> of {m.name}</span></a>{' · '}
                    <a href={`/admin/mentors/${m.id}/availability`}>Availability<span class="sr-only"> of {m.name}</span></a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function Stat(props: { label: string; value: number | undefined; href?: string }) {
  const v = <span class="stat-value">{props.value ?? 0}</span>;
  return (
    <div class="stat">
      {v}
      <span class="stat-label">{props.href ? <a href={props.href}>{props.label}</a> : props.label}</span>
    </div>
  );
}

function AdminHome(props: { ctx: PageContext; roles: Record<string, number>; outbox: Record<string, number>; paymentProblems: number }) {
  return (
    <Layout ctx={props.ctx} title="Admin">
      <h1>Admin</h1>
      <section aria-labelledby="people">
        <h2 id="people">People</h2>
        <div class="stats">
          <Stat label="Mentees" value={props.roles.mentee} />
          <Stat label="Mentors" value={props.roles.mentor} href="/admin/mentors" />
          <Stat label="Admins" value={props.roles.admin} />
        </div>
        <p><a href="/admin/users">Find, deactivate or reactivate an account</a></p>
      </section>
      <section aria-labelledby="email">
        <h2 id="email">Email delivery</h2>
        <div class="stats">
          <Stat label="Waiting" value={(props.outbox.pending ?? 0) + (props.outbox.sending ?? 0)} href="/admin/outbox" />
          <Stat label="Sent" value={props.outbox.sent} href="/admin/outbox" />
          <Stat label="Failed" value={props.outbox.failed} href="/admin/outbox?status=failed" />
        </div>
      </section>
      <section aria-labelledby="payments">
        <h2 id="payments">Payments</h2>
        <div class="stats">
          <Stat label="Payment problems" value={props.paymentProblems} href="/admin/payments" />
        </div>
      </section>
      <section aria-labelledby="jobs">
        <h2 id="jobs">Background jobs</h2>
        <p><a href="/admin/jobs">Failed jobs</a>: meeting rooms, refunds and emails that used up their retries, with their last error and Retry.</p>
      </section>
    </Layout>
  );
}
