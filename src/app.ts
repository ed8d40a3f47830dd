import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import underPressure from '@fastify/under-pressure';
import type { PasswordHasher } from './accounts/password';
import { accountRecoveryRoutes } from './accounts/recovery-routes';
import { accountRoutes } from './accounts/routes';
import { accountSettingsRoutes } from './accounts/settings-routes';
import { adminIntegrationRoutes } from './admin/integrations-routes';
import { adminJobRoutes } from './admin/jobs-routes';
import { adminMentorRoutes } from './admin/mentors-routes';
import { adminRevenueRoutes } from './admin/revenue-routes';
import { adminPaymentRoutes } from './admin/payments-routes';
import { adminRoutes } from './admin/routes';
import { adminSessionRoutes } from './admin/sessions-routes';
import { adminUserRoutes } from './admin/users-routes';
import type { Config } from './config';
import type { Database } from './db/client';
import { createOutageLog, isDatabaseUnavailable, type OutageLog } from './db/unavailable';
import { AppError, httpStatusOf } from './errors';
import { dashboardRoutes } from './dashboards/routes';
import { feedbackRoutes } from './feedback/routes';
import { homeRoutes } from './home/routes';
import { mailAdminRoutes } from './mail/routes';
import { opsRoutes } from './ops/routes';
import { mentorApplicationRoutes } from './mentors/application-routes';
import { mentorProfileRoutes } from './mentors/profile-routes';
import { mentorRoutes } from './mentors/routes';
import { createMeetingProvider } from './meetings';
import type { MeetingProvider } from './meetings/provider';
import { sessionDetailRoutes } from './sessions/detail-routes';
import { rescheduleRoutes } from './sessions/reschedule-routes';
import { sessionRoutes } from './sessions/routes';
import { sessionStepRoutes } from './sessions/step-routes';
import { createPaymentProvider } from './payments';
import type { PaymentProvider } from './payments/provider';
import { receiptRoutes } from './payments/receipt-routes';
import { checkoutRoutes } from './payments/routes';
import { stripeWebhookRoutes } from './payments/webhook';
import { registerAuth } from './web/auth';
import { MAX_HEADER_SIZE, registerClientErrorAnswers } from './web/client-errors';
import { pageContext } from './web/context';
import { ErrorPage, ExpiredFormPage, NotFoundPage } from './web/errors';
import { refuseUnreadableQueries } from './web/query';
import { sendPage } from './web/render';

export interface AppDeps {
  config: Config;
  database: Database;
  hasher: PasswordHasher;
  /** Signs cookies (CSRF secret, flash): SESSION_SECRET, or the database's own in demo mode. */
  cookieSecret: string;
  now?: () => Date;
  /** A pino logger; none in tests. */
  logger?: FastifyBaseLogger;
  /** Called after a commit that queued work (email, a meeting room, a refund), so an in-process worker acts at once. */
  onWorkQueued?: () => void;
  /** Defaults to the provider PAYMENT_PROVIDER names. */
  payments?: PaymentProvider;
  /** Defaults to the provider MEETING_PROVIDER names. */
  meetings?: MeetingProvider;
}

export interface Services {
  config: Config;
  database: Database;
  hasher: PasswordHasher;
  payments: PaymentProvider;
  meetings: MeetingProvider;
  now: () => Date;
  wakeWorker: () => void;
  /** Logs a database outage once (see db/unavailable.ts); every handler that answers 503 for one reports to it. */
  outage: OutageLog;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
  interface FastifyContextConfig {
    /** Set false on routes that authenticate by other means (signed webhooks). */
    csrf?: boolean;
  }
}

const publicDir = fileURLToPath(new URL('./web/public', import.meta.url));

/** Builds the whole HTTP app from its dependencies; main.ts and the tests build it the same way. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const production = deps.config.env === 'production';
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: () => randomUUID(),
    bodyLimit: 64 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: true,
    http: { maxHeaderSize: MAX_HEADER_SIZE },
    // Set just below, once the app exists: it needs the app's own security headers.
    clientErrorHandler: (err, socket) => answerClientError(err, socket),
  });
  const answerClientError = registerClientErrorAnswers(app);

  app.decorate('services', {
    config: deps.config,
    database: deps.database,
    hasher: deps.hasher,
    payments: deps.payments ?? createPaymentProvider(deps.config),
    meetings: deps.meetings ?? createMeetingProvider(deps.config),
    now: deps.now ?? (() => new Date()),
    wakeWorker: deps.onWorkQueued ?? (() => {}),
    outage: createOutageLog({ probe: () => deps.database.query('select 1'), info: (obj, msg) => app.log.info(obj, msg) }),
  } satisfies Services);
  app.addHook('onClose', async () => app.services.outage.stop());

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // A booking form's answer redirects to the payment page: Stripe's is on its own origin.
        formAction: ["'self'", ...(deps.config.payments.provider === 'stripe' ? ['https://checkout.stripe.com'] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        ...(production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    hsts: production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  // After helmet: its onRequest hook must run before under-pressure's 503, or that answer has no headers.
  await app.register(underPressure, { maxEventLoopDelay: deps.config.maxEventLoopDelayMs, retryAfter: 10, exposeStatusRoute: false });
  await app.register(cookie, { secret: deps.cookieSecret });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: production },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(formbody);
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h' });

  // CSRF on every state-changing request. It must run as preHandler: the form body is parsed by then.
  app.addHook('preHandler', (request, reply, done) => {
    const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
    if (safe || request.routeOptions.config.csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });

  registerAuth(app, { db: deps.database.db, now: app.services.now });
  refuseUnreadableQueries(app);

  app.setNotFoundHandler((request, reply) => sendPage(reply, NotFoundPage({ ctx: pageContext(request, reply) }), 404));
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // A database that is down, restarting or saturated is a fault to wait out, not a bug: say "try again".
    const unavailable = isDatabaseUnavailable(error);
    if (unavailable) {
      reply.header('retry-after', '5');
      app.services.outage.report(error, request.log);
    }
    const refusal = error instanceof AppError ? error : null;
    const status = unavailable ? 503 : refusal ? httpStatusOf(refusal) : (error.statusCode ?? 500);
    if (status >= 500 && !unavailable && !refusal) request.log.error({ err: error }, 'request failed');
    const ctx = pageContext(request, reply);
    // The domain refused, in words meant for the person who asked.
    if (refusal?.code === 'not_found') return sendPage(reply, NotFoundPage({ ctx }), 404);
    if (refusal) return sendPage(reply, ErrorPage({ ctx, title: 'Nothing was changed', text: refusal.message }), status);
    if (error.code?.startsWith('FST_CSRF')) return sendPage(reply, ExpiredFormPage({ ctx }), 403);
    if (status === 503) return sendPage(reply, ErrorPage({ ctx, title: 'Temporarily unavailable', text: 'We are busy right now. Please try again in a few seconds.' }), 503);
    if (status === 429) {
      const text = (error as { friendly?: boolean }).friendly ? error.message : 'Too many requests from your address. Wait a minute and try again.';
      return sendPage(reply, ErrorPage({ ctx, text }), 429);
    }
    if (status === 413) return sendPage(reply, ErrorPage({ ctx, text: 'What you sent is too large. Shorten it and try again.' }), 413);
    if (status < 500) return sendPage(reply, ErrorPage({ ctx, text: 'This request could not be understood. Go back and try again.' }), status);
    return sendPage(reply, ErrorPage({ ctx }), 500);
  });

  await app.register(opsRoutes);
  await app.register(homeRoutes);
  await app.register(accountRoutes);
  await app.register(mentorRoutes);
  await app.register(checkoutRoutes);
  await app.register(stripeWebhookRoutes);
  await app.register(dashboardRoutes);
  await app.register(sessionRoutes);
  await app.register(sessionStepRoutes);
  await app.register(adminSessionRoutes);
  await app.register(sessionDetailRoutes);
  await app.register(receiptRoutes);
  await app.register(rescheduleRoutes);
  await app.register(feedbackRoutes);
  await app.register(adminRoutes);
  await app.register(adminPaymentRoutes);
  await app.register(adminJobRoutes);
  await app.register(adminIntegrationRoutes);
  await app.register(mailAdminRoutes);
  await app.register(mentorProfileRoutes);
  await app.register(accountSettingsRoutes);
  await app.register(accountRecoveryRoutes);
  await app.register(adminUserRoutes);
  await app.register(adminMentorRoutes);
  await app.register(adminRevenueRoutes);
  await app.register(mentorApplicationRoutes);
  return app;
}
