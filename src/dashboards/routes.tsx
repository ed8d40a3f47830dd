import type { FastifyInstance } from 'fastify';
import { requireRole } from '../web/auth';
import { pageContext, type PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { sendPage } from '../web/render';

/** The role dashboards. Their session lists arrive with booking; here they greet and guide. */
export async function dashboardRoutes(app: FastifyInstance) {
  app.get('/dashboard', { preHandler: requireRole('mentee') }, async (request, reply) =>
    sendPage(reply, <MenteeDashboard ctx={pageContext(request, reply)} />));
  app.get('/mentor/dashboard', { preHandler: requireRole('mentor') }, async (request, reply) =>
    sendPage(reply, <MentorDashboard ctx={pageContext(request, reply)} />));
}

function MenteeDashboard(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="My Sessions">
      <h1>My Sessions</h1>
      <section class="card empty">
        <h2>No sessions yet</h2>
        <p>When you book a session with a mentor it appears here, with its status and, once confirmed, the meeting link.</p>
      </section>
    </Layout>
  );
}

function MentorDashboard(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="Mentor Dashboard">
      <h1>Mentor Dashboard</h1>
      <section class="card empty">
        <h2>No session requests yet</h2>
        <p>Requests from mentees appear here for you to accept. Confirmed sessions show their meeting link.</p>
      </section>
    </Layout>
  );
}
