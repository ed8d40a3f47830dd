import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadDeepHealth } from '../integrations/health';

export async function opsRoutes(app: FastifyInstance) {
  const { config, database, now } = app.services;
  app.get<{ Querystring: { deep?: string } }>('/healthz', { config: { query: { deep: 10 } } }, async (request, reply) => {
    const deep = request.query.deep === '1';
    // Refused before the database is touched: a caller without the right gets no state at all.
    if (deep && !mayReadDeepHealth(request, config.healthzToken)) {
      return reply.code(401).header('cache-control', 'no-store').header('www-authenticate', 'Bearer realm="healthz"')
        .send({ error: 'GET /healthz?deep=1 needs a logged-in admin or Authorization: Bearer <HEALTHZ_TOKEN>.' });
    }
    try {
      await withTimeout(database.query('select 1'), 2000);
    } catch {
      return reply.code(503).header('cache-control', 'no-store').header('retry-after', '5').send({ status: 'unavailable', reason: 'database did not answer', ...(deep ? { database: 'unavailable' } : {}) });
    }
    if (!deep) return reply.header('cache-control', 'no-store').send({ status: 'ok' });
    try {
      const health = await loadDeepHealth({ db: database.db, config, now: now() });
      return reply.header('cache-control', 'no-store').send(health);
    } catch (err) {
      // Still JSON for the monitor; the cause goes to the log, not to the caller.
      request.log.error({ err }, 'deep health check failed');
      return reply.code(503).header('cache-control', 'no-store').header('retry-after', '5').send({ status: 'unavailable', database: 'ok', reason: 'the integrations\' state could not be read' });
    }
  });
}

/**
 * A monitor's bearer token (compared in constant time), or a logged-in admin's cookie. A request
 * that sends a token must send the right one: a monitor with a stale token is told so.
 */
function mayReadDeepHealth(request: FastifyRequest, token: string | undefined): boolean {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    return Boolean(token && given && sameSecret(given, token));
  }
  return request.user?.role === 'admin';
}

/** Equal-length digests, so neither the comparison nor a length check tells anything about the token. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
  ]).finally(() => clearTimeout(timer));
}
