import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountFields } from '../accounts/users';
import type { CheckReport, IntegrationName } from '../integrations/check';
import { checkMail } from '../integrations/mail';
import { checkMeetings } from '../integrations/meetings';
import { checkPayments } from '../integrations/payments';
import { runCheckSafely } from '../integrations/run';
import { describeConfiguration } from '../integrations/settings';
import { loadIntegrationState, loadLatestChecks } from '../integrations/state';
import { recordCheck } from '../integrations/store';
import { createMailTransport } from '../mail';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { IntegrationsPage, type MailForm } from './integrations-views';

const mailInput = z.object({ to: accountFields.email });

/** Each check talks to a provider (and mail sends a real email): a few a minute per admin is plenty. */
const checkRateLimit = {
  max: 5,
  timeWindow: '1 minute',
  // After the log-in cookie is read, so the key is the admin, not a shared office address.
  hook: 'preHandler' as const,
  keyGenerator: (request: FastifyRequest) => `integrations:${request.user?.id ?? request.ip}`,
  errorResponseBuilder: () => Object.assign(new Error('You have run this check several times in the last minute. Wait a minute, then try again.'), { statusCode: 429, friendly: true }),
};

const TITLES: Record<IntegrationName, string> = { mail: 'Mail', meetings: 'Meetings', payments: 'Payments' };

/** /admin/integrations: how mail, meetings and payments are set up, what the data says, and each check on demand. */
export async function adminIntegrationRoutes(app: FastifyInstance) {
  const { config, database, now } = app.services;
  const db = database.db;
  const admin = { preHandler: requireRole('admin') };
  const limited = { ...admin, config: { rateLimit: checkRateLimit } };

  async function showPage(request: FastifyRequest, reply: FastifyReply, mail: MailForm, status = 200) {
    const [state, checks] = await Promise.all([loadIntegrationState({ db, now: now() }), loadLatestChecks(db)]);
    return sendPage(reply, <IntegrationsPage ctx={pageContext(request, reply)} configured={describeConfiguration(config)} state={state} checks={checks} mail={mail} />, status);
  }

  /** Keeps the report and goes back to its section with the outcome in words. */
  async function finish(request: FastifyRequest, reply: FastifyReply, report: CheckReport) {
    await recordCheck({ db, report, source: 'admin', actorId: request.user!.id });
    setFlash(reply, report.ok ? `${TITLES[report.integration]} check passed.` : `${TITLES[report.integration]} check failed: ${report.summary}`, { tone: report.ok ? undefined : 'problem' });
    return reply.redirect(`/admin/integrations#${report.integration}`, 303);
  }

  app.get('/admin/integrations', admin, async (request, reply) => showPage(request, reply, { to: request.user!.email }));

  app.post<{ Body: { to?: string } }>('/admin/integrations/mail', limited, async (request, reply) => {
    const input = mailInput.safeParse({ to: request.body?.to ?? '' });
    if (!input.success) {
      const to = typeof request.body?.to === 'string' ? request.body.to.slice(0, 254) : '';
      return showPage(request, reply, { to, error: input.error.issues[0]?.message ?? 'Enter one valid email address.' }, 400);
    }
    const transport = createMailTransport(config, db);
    try {
      const report = await runCheckSafely({ integration: 'mail', config, now, run: () => checkMail({ config, db, transport, to: input.data.to }) });
      return await finish(request, reply, report);
    } finally {
      await transport.close().catch(() => {});
    }
  });

  app.post('/admin/integrations/meetings', limited, async (request, reply) => {
    const report = await runCheckSafely({ integration: 'meetings', config, now, run: () => checkMeetings({ config, provider: app.services.meetings }) });
    return finish(request, reply, report);
  });

  app.post('/admin/integrations/payments', limited, async (request, reply) => {
    const report = await runCheckSafely({ integration: 'payments', config, now, run: () => checkPayments({ config, db, provider: app.services.payments }) });
    return finish(request, reply, report);
  });
}
