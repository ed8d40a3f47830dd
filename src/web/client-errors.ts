import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** The largest request head Node's parser accepts; bigger answers 431. Node's own default, said out loud. */
export const MAX_HEADER_SIZE = 16 * 1024;

// What helmet sets. Answers made before routing (below) copy them from an answer of the app itself.
const SECURITY_HEADERS = [
  'content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster',
  'referrer-policy', 'strict-transport-security', 'x-content-type-options', 'x-dns-prefetch-control',
  'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection',
];

// Until the app has answered once: the strictest set, right for a plain-text error.
const FALLBACK: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const ANSWERS: Record<string, { status: number; reason: string; body: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', body: 'The request headers are too large.\n' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', body: 'The request took too long to arrive.\n' },
};
const BAD_REQUEST = { status: 400, reason: 'Bad Request', body: 'This request could not be understood.\n' };

/**
 * Requests Node's HTTP parser refuses (a malformed request line or header, headers over
 * MAX_HEADER_SIZE, a timeout) never reach Fastify's routing or hooks, so helmet never sees them:
 * Fastify hands us the raw socket. Answer with a short plain-text body and the same security
 * headers as every other answer, copied once from the app's own answer after it starts listening.
 */
export function registerClientErrorAnswers(app: FastifyInstance): (err: Error & { code?: string }, socket: Socket) => void {
  let headers = FALLBACK;
  app.addHook('onListen', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/static/app.css' });
    const copied = Object.fromEntries(SECURITY_HEADERS.filter((h) => res.headers[h] !== undefined).map((h) => [h, String(res.headers[h])]));
    if (copied['content-security-policy']) headers = copied;
  });

  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return socket.destroy();
    const answer = ANSWERS[err.code ?? ''] ?? BAD_REQUEST;
    app.log.debug({ err }, 'client error');
    const head = [
      `HTTP/1.1 ${answer.status} ${answer.reason}`,
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(answer.body)}`,
      'Cache-Control: no-store',
      'Connection: close',
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${answer.body}`);
  };
}
