import type { FastifyInstance } from 'fastify';

export async function opsRoutes(app: FastifyInstance) {
  const { database } = app.services;
  app.get('/healthz', async (_request, reply) => {
    try {
      await withTimeout(database.query('select 1'), 2000);
      return reply.header('cache-control', 'no-store').send({ status: 'ok' });
    } catch {
      return reply.code(503).header('cache-control', 'no-store').header('retry-after', '5').send({ status: 'unavailable', reason: 'database did not answer' });
    }
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
  ]).finally(() => clearTimeout(timer));
}
