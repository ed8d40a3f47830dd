import type { FastifyInstance } from 'fastify';
import { count, sql } from 'drizzle-orm';
import { emailOutbox, paymentProblems, users } from '../db/schema';
import { countOpenApplications } from '../mentors/applications';
import { requireRole } from '../web/auth';
import { pageContext, type PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { sendPage } from '../web/render';

export async function adminRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  app.get('/admin', { preHandler: requireRole('admin') }, async (request, reply) => {
    const [roles, outbox, problems, applications] = await Promise.all([
      db.select({ key: sql<string>`${users.role}::text`, n: count() }).from(users).groupBy(users.role),
      db.select({ key: emailOutbox.status, n: count() }).from(emailOutbox).groupBy(emailOutbox.status),
      db.select({ n: count() }).from(paymentProblems),
      countOpenApplications(db),
    ]);
    const toMap = (rows: { key: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
    return sendPage(reply, <AdminHome ctx={pageContext(request, reply)} roles={toMap(roles)} outbox={toMap(outbox)} paymentProblems={Number(problems[0]?.n ?? 0)} applications={applications} />);
  });
}

/** A count and what it counts, read together ("1 Mentee", "3 Mentees"): `one` is the label for a count of one. */
function Stat(props: { label: string; one?: string; value: number | undefined; href?: string }) {
  const value = props.value ?? 0;
  const label = value === 1 && props.one ? props.one : props.label;
  return (
    <div class="stat">
      <span class="stat-value">{value}</span>
      <span class="stat-label">{props.href ? <a href={props.href}>{label}</a> : label}</span>
    </div>
  );
}

function AdminHome(props: { ctx: PageContext; roles: Record<string, number>; outbox: Record<string, number>; paymentProblems: number; applications: number }) {
  return (
    <Layout ctx={props.ctx} title="Admin">
      <h1>Admin</h1>
      <section aria-labelledby="people">
        <h2 id="people">People</h2>
        <div class="stats">
          <Stat label="Mentees" one="Mentee" value={props.roles.mentee} />
          <Stat label="Mentors" one="Mentor" value={props.roles.mentor} href="/admin/mentors" />
          <Stat label="Admins" one="Admin" value={props.roles.admin} />
          <Stat label="Mentor applications" one="Mentor application" value={props.applications} href="/admin/mentors#applications" />
        </div>
        <p><a href="/admin/users">Find people</a>: their sessions as mentee and as mentor; deactivate or reactivate an account.</p>
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
          <Stat label="Payment problems" one="Payment problem" value={props.paymentProblems} href="/admin/payments" />
        </div>
        <p><a href="/admin/revenue">Revenue</a>: paid, refunded and net, per month.</p>
      </section>
      <section aria-labelledby="jobs">
        <h2 id="jobs">Background jobs</h2>
        <p><a href="/admin/jobs">Failed jobs</a>: meeting rooms, refunds and emails that used up their retries, with their last error and Retry.</p>
      </section>
      <section aria-labelledby="integrations">
        <h2 id="integrations">Integrations</h2>
        <p><a href="/admin/integrations">Integrations</a>: how mail, meeting rooms and payments are set up, what last went wrong, and a check of each you can run now.</p>
      </section>
    </Layout>
  );
}
