import { createServer } from 'node:http';

/**
 * A bare node:http server answering every request with an HTML body of BODY_BYTES bytes (UTF-8, with
 * the few non-ASCII characters our pages carry), to measure what a response's size alone costs on
 * this machine: the question behind keeping admin Sessions under 64 KB (issue 15).
 */
const size = Number(process.env.BODY_BYTES);
const row = '<tr><td><a href="/admin/sessions/00000000-0000-4000-8000-000000000000">Mentor 1 · Dec 10, 2026 →</a></td></tr>\n';
// BODY_KIND=one-byte-string: the arrow written as a character reference (src/web/glyph.ts), so V8
// keeps the page one byte per character.
const line = process.env.BODY_KIND === 'one-byte-string' ? row.replace('→', '&#8594;') : row;
const body = Buffer.from(line.repeat(Math.ceil(size / Buffer.byteLength(line)))).subarray(0, size);
// BODY_KIND=string sends the same page as a JavaScript string, as the app did before (render.ts);
// with the arrow it is a two-byte string, and past 64 K characters V8 keeps it in large-object space.
const text = process.env.BODY_KIND === 'one-byte-string' ? body.toString('latin1') : body.toString('utf8');
const asString = process.env.BODY_KIND !== 'bytes';
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': asString ? Buffer.byteLength(text) : body.length });
  res.end(asString ? text : body);
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('sizes ready'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
