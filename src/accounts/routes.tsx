import type { FastifyInstance, FastifyReply } from 'fastify';
import { pageContext, setFlash } from '../web/context';
import { SESSION_COOKIE, sessionCookieOptions } from '../web/auth';
import { text } from '../web/input';
import { ownPagePath } from '../web/redirect';
import { sendPage } from '../web/render';
import { logIn, logOut } from './login';
import { startSession as startLoginSession } from './sessions';
import { signUp, typedEmail } from './users';
import { LoginPage, SignupPage } from './views';

type Form = Record<string, string | undefined>;

/** Kept with the login session so its owner can recognise it: text only, or nothing. */
const userAgent = text({ max: 300 });

const HOME_BY_ROLE: Record<string, string> = { mentee: '/dashboard', mentor: '/mentor/dashboard', admin: '/admin' };


export async function accountRoutes(app: FastifyInstance) {
  const { database, hasher, now, config, wakeWorker } = app.services;
  const db = database.db;
  const secure = config.env === 'production';
  const limit = { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: '1 minute' } };

  // Only our own pages: an open redirect through ?next= would make our log-in page a phishing tool.
  const safeNext = (next: string | undefined) => ownPagePath(next, config.appUrl);

  const startSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(secure));

  app.get<{ Querystring: { next?: string } }>('/login', { config: { query: { next: 2000 } } }, async (request, reply) => {
    if (request.user) return reply.redirect(HOME_BY_ROLE[request.user.role] ?? '/');
    return sendPage(reply, LoginPage({ ctx: pageContext(request, reply), next: safeNext(request.query.next) }));
  });

  app.post<{ Body: Form }>('/login', { config: limit }, async (request, reply) => {
    const body = request.body ?? {};
    const email = String(body.email ?? '');
    const typed = typedEmail.safeParse(body.email ?? '');
    if (!typed.success) {
      return sendPage(reply, LoginPage({ ctx: pageContext(request, reply), email: '', error: `Email: ${typed.error.issues[0]?.message}`, next: safeNext(body.next) }), 400);
    }
    const result = await logIn({
      db, hasher, email, password: String(body.password ?? ''), ip: request.ip,
      userAgent: userAgent.safeParse(request.headers['user-agent']).data, now: now(),
    });
    if (!result.ok) {
      const error = result.reason === 'throttled'
        ? `Too many failed attempts. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s).`
        : result.reason === 'deactivated'
          ? 'This account has been deactivated. If you think this is a mistake, contact the CodeMentorHub team.'
          : 'Email or password is incorrect.';
      if (result.reason === 'throttled') reply.header('retry-after', String(result.retryAfterSeconds));
      const status = result.reason === 'throttled' ? 429 : result.reason === 'deactivated' ? 403 : 401;
      return sendPage(reply, LoginPage({ ctx: pageContext(request, reply), email, error, next: safeNext(body.next) }), status);
    }
    // Log-in changes the CSRF secret too, so a token fixed before log-in is worthless afterwards. The
    // new secret is set now rather than cleared: the next page then need not mint and sign one.
    delete request.cookies._csrf;
    reply.generateCsrf();
    startSession(reply, result.token);
    return reply.redirect(safeNext(body.next) ?? HOME_BY_ROLE[result.user.role] ?? '/', 303);
  });

  app.post('/logout', async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await logOut({ db, token, ip: request.ip });
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(reply, 'You have been logged out.');
    return reply.redirect('/', 303);
  });

  app.get<{ Querystring: { next?: string } }>('/signup', { config: { query: { next: 2000 } } }, async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next) ?? HOME_BY_ROLE[request.user.role] ?? '/');
    return sendPage(reply, SignupPage({ ctx: pageContext(request, reply), values: {}, errors: {}, next: safeNext(request.query.next) }));
  });

  app.post<{ Body: Form }>('/signup', { config: limit }, async (request, reply) => {
    const body = request.body ?? {};
    const input = {
      name: String(body.name ?? ''),
      email: String(body.email ?? ''),
      password: String(body.password ?? ''),
      timezone: body.timezone ? String(body.timezone) : undefined,
    };
    // Where the new account goes on to (a booking step): after sign-up, and from the email's confirmation link.
    const next = safeNext(body.next);
    const result = await signUp({ db, hasher, input, ip: request.ip, now: now(), next });
    if (!result.ok) {
      return sendPage(reply, SignupPage({ ctx: pageContext(request, reply), values: input, errors: result.errors, next }), 400);
    }
    wakeWorker();
    const token = await startLoginSession({ tx: db, userId: result.value.id, now: now(), ip: request.ip, userAgent: userAgent.safeParse(request.headers['user-agent']).data });
    startSession(reply, token);
    setFlash(reply, next
      ? 'Welcome to CodeMentorHub! Your account is ready. Confirm your email with the link we sent you: it brings you back here to book.'
      : 'Welcome to CodeMentorHub! Your account is ready. Confirm your email with the link we sent you before you book a session.');
    return reply.redirect(next ?? '/dashboard', 303);
  });
}
