import type { FastifyReply } from 'fastify';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';
import { KEPT_MARKER, renderCollectingKept } from './html';

/** Sends a server-rendered page. Preact escapes every interpolated value, so user text stays text. */
export function sendPage(reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    // As bytes, not a string: Node writes a string body joined to its headers in one write, which
    // past 64 KB was several times slower to send here than headers and body as two buffers
    // (bench/RESULTS.md, "Response size alone").
    .send(pageBytes(page));
}

/**
 * The page as UTF-8. Kept markup (a cached list, src/web/kept.ts) goes in as the bytes it was
 * encoded to the first time: encoding is per character, and the admin Sessions rows are nine
 * tenths of that page (bench/RESULTS.md, issue 15).
 */
function pageBytes(page: VNode): Buffer {
  const { markup, kept } = renderCollectingKept(() => `<!doctype html>${render(page)}`);
  if (kept.length === 0) return Buffer.from(markup);
  const between = markup.split(KEPT_MARKER);
  if (between.length !== kept.length + 1) throw new Error('sendPage: kept markup out of place');
  const parts: Buffer[] = [Buffer.from(between[0]!)];
  kept.forEach((k, i) => {
    parts.push(k.bytes, Buffer.from(between[i + 1]!));
  });
  return Buffer.concat(parts);
}
