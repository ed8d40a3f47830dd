import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/** Sends a server-rendered page. Preact escapes every interpolated value, so user text stays text. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    // As bytes, not a string: Node writes a string body joined to its headers in one write, which
    // past 64 KB was several times slower to send here than headers and body as two buffers
    // (bench/RESULTS.md, "Response size alone").
    .send(Buffer.from(`<!doctype html>${render(page)}`));
}
