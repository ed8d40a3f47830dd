import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { resolveSession, type CurrentUser } from '../accounts/sessions';
import type { Db } from '../db/client';
import type { Role } from '../db/schema';
import { ForbiddenPage } from './errors';
import { pageContext } from './context';
import { sendPage } from './render';

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null;
    /** The data version as the request began, read with the login session; null for a guest. */
    dataVersion: bigint | null;
  }
}

export const SESSION_COOKIE = 'cmh_session';

export function sessionCookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, maxAge: 30 * 24 * 3600 };
}

/** Resolves the login session cookie into request.user on every request. */
export function registerAuth(app: FastifyInstance, options: { db: Db; now: () => Date }): void {
  app.decorateRequest('user', null);
  app.decorateRequest('dataVersion', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token || token.length > 100) return;
    const session = await resolveSession({ db: options.db, token, now: options.now() });
    request.user = session?.user ?? null;
    request.dataVersion = session?.dataVersion ?? null;
  });
}

/** Route guard: guests go to the log-in page; a user of another role gets 403. Checked on the server, every time. */
export function requireRole(...roles: Role[]): preHandlerHookHandler {
  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    if (!request.user) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
      return reply.code(401).send({ error: 'Log in first.' });
    }
    if (!roles.includes(request.user.role)) {
      return sendPage(reply, ForbiddenPage({ ctx: pageContext(request, reply) }), 403);
    }
  };
}
