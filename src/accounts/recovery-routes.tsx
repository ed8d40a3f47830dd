import type { FastifyInstance } from 'fastify';
import { requireRole, SESSION_COOKIE } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { ownPagePath } from '../web/redirect';
import { sendPage } from '../web/render';
import { EXPIRED_LINK, requestPasswordReset, resetPassword } from './password-reset';
import { ExpiredLinkPage, ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from './recovery-views';
import { peekToken } from './tokens';
import { typedEmail } from './users';
import { resendVerification, verifyEmail } from './verification';

type Form = Record<string, string | undefined>;

/**
 * "Forgot password?" and email verification. Links carry their token in the query string; the page
 * they open only shows a form, and the token is used by that form's POST (a GET changes nothing, and
 * the request log strips `token` from URLs).
 */
export async function accountRecoveryRoutes(app: FastifyInstance) {
  const { database, hasher, now, config, wakeWorker } = app.services;
  const db = database.db;
  const limit = { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: '1 minute' } };

  app.get('/forgot-password', async (request, reply) => {
    return sendPage(reply, <ForgotPasswordPage ctx={pageContext(request, reply)} />);
  });

  app.post<{ Body: Form }>('/forgot-password', { config: limit }, async (request, reply) => {
    const ctx = pageContext(request, reply);
    const typed = typedEmail.safeParse(request.body?.email ?? '');
    if (!typed.success) return sendPage(reply, <ForgotPasswordPage ctx={ctx} error={`Email: ${typed.error.issues[0]?.message}`} />, 400);
    const email = typed.data;
    const result = await requestPasswordReset({ db, email, ip: request.ip, now: now() });
    if (!result.ok) {
      reply.header('retry-after', String(result.retryAfterSeconds));
      const error = `Too many requests for a reset link. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s).`;
      return sendPage(reply, <ForgotPasswordPage ctx={ctx} email={email} error={error} />, 429);
    }
    wakeWorker();
    // The same page whether or not the address has an account.
    return sendPage(reply, <ForgotPasswordPage ctx={ctx} email={email} sent />);
  });

  app.get<{ Querystring: { token?: string } }>('/reset-password', async (request, reply) => {
    const token = String(request.query.token ?? '');
    const ctx = pageContext(request, reply);
    if (!(await peekToken({ db, token, purpose: 'password_reset', now: now() }))) return sendPage(reply, <ExpiredLinkPage ctx={ctx} kind="reset" />, 400);
    return sendPage(reply, <ResetPasswordPage ctx={ctx} token={token} errors={{}} />);
  });

  app.post<{ Body: Form }>('/reset-password', { config: limit }, async (request, reply) => {
    const token = String(request.body?.token ?? '');
    const result = await resetPassword({ db, hasher, token, password: String(request.body?.password ?? ''), ip: request.ip, now: now() });
    if (!result.ok) {
      const ctx = pageContext(request, reply);
      if (result.errors.form === EXPIRED_LINK) return sendPage(reply, <ExpiredLinkPage ctx={ctx} kind="reset" />, 400);
      return sendPage(reply, <ResetPasswordPage ctx={ctx} token={token} errors={result.errors} />, 400);
    }
    wakeWorker();
    // Every session of the account has ended, this browser's too: log in afresh with the new password.
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(reply, 'Your password has been changed. Log in with your new password.');
    return reply.redirect('/login', 303);
  });

  // A link from a sign-up made on the way to booking carries `next` (the booking step): a page of ours only.
  const safeNext = (next: unknown) => ownPagePath(next, config.appUrl);

  app.get<{ Querystring: { token?: string; next?: string } }>('/verify-email', { config: { query: { next: 2000 } } }, async (request, reply) => {
    const token = String(request.query.token ?? '');
    const ctx = pageContext(request, reply);
    if (!(await peekToken({ db, token, purpose: 'email_verification', now: now() }))) return sendPage(reply, <ExpiredLinkPage ctx={ctx} kind="verify" />, 400);
    return sendPage(reply, <VerifyEmailPage ctx={ctx} token={token} next={safeNext(request.query.next)} />);
  });

  app.post<{ Body: Form }>('/verify-email', { config: limit }, async (request, reply) => {
    const result = await verifyEmail({ db, token: String(request.body?.token ?? ''), now: now(), ip: request.ip });
    if (!result.ok) return sendPage(reply, <ExpiredLinkPage ctx={pageContext(request, reply)} kind="verify" />, 400);
    const next = safeNext(request.body?.next);
    setFlash(reply, next ? 'Thank you: your email address is confirmed. You can book now.' : 'Thank you: your email address is confirmed.');
    if (next) return reply.redirect(request.user ? next : `/login?next=${encodeURIComponent(next)}`, 303);
    return reply.redirect(request.user ? '/account' : '/login', 303);
  });

  app.post('/account/verify-email', { config: limit, preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const next = safeNext((request.body as Form | undefined)?.next);
    const sent = await resendVerification({ db, userId: request.user!.id, now: now(), ip: request.ip, next });
    if (sent) wakeWorker();
    setFlash(reply, sent
      ? `We have sent a new confirmation link to ${request.user!.email}.${next ? ' It brings you back to your booking.' : ''}`
      : 'Your email address is already confirmed.');
    return reply.redirect(next ?? '/account', 303);
  });
}
