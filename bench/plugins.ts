/**
 * What the plugin stack costs: a hello-world route served by Fastify bare, then with each of the
 * app's plugins added in turn (as src/app.ts registers them), each measured in its own process.
 */
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import Fastify from 'fastify';

export const STACKS = ['bare', '+cookie', '+formbody', '+helmet', '+csrf', '+rate-limit (route-level only)', '+under-pressure', '+csrf hook on GET (skipped)'] as const;

async function serve(level: number, port: number) {
  const app = Fastify({ logger: false });
  if (level >= 1) await app.register(cookie, { secret: 'x'.repeat(40) });
  if (level >= 2) await app.register(formbody);
  if (level >= 3) await app.register(helmet, { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"] } }, hsts: false });
  if (level >= 4) await app.register(csrf, { sessionPlugin: '@fastify/cookie' });
  if (level >= 5) await app.register(rateLimit, { global: false });
  if (level >= 6) await app.register(underPressure, { maxEventLoopDelay: 2000 });
  if (level >= 7) {
    app.addHook('preHandler', (request, reply, done) => {
      if (request.method === 'GET') return done();
      app.csrfProtection(request, reply, done);
    });
  }
  app.get('/', async () => 'hello world');
  await app.listen({ port, host: '127.0.0.1' });
  console.log('stack ready');
}

if (process.env.STACK_LEVEL) void serve(Number(process.env.STACK_LEVEL), Number(process.env.PORT));
