import type { FastifyInstance } from 'fastify';
import { pageContext } from './context';
import { ErrorPage } from './errors';
import { queryText } from './input';
import { sendPage } from './render';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The longest value each query-string parameter of this route may have; others get DEFAULT_MAX. */
    query?: Record<string, number>;
  }
}

const DEFAULT_MAX = 2000;

/**
 * Every query-string value, on every route, is one line of text within its route's limit (the
 * shared text type): NUL, control characters, a repeated parameter or an over-long value answer 400
 * with the reason before any handler (or the database) sees them.
 */
export function refuseUnreadableQueries(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    const limits = request.routeOptions.config?.query ?? {};
    for (const [name, value] of Object.entries(query)) {
      const checked = queryText(limits[name] ?? DEFAULT_MAX).safeParse(value);
      if (checked.success) continue;
      const shown = [...name].slice(0, 40).join('').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
      const text = `The address has a parameter we cannot use ("${shown}": ${checked.error.issues[0]?.message ?? 'not valid'}). Check the link and try again.`;
      return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Bad address', text }), 400);
    }
  });
}
