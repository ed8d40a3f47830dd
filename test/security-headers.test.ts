import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';

/**
 * Every answer carries the security headers, including the ones Fastify or Node's HTTP parser make
 * on their own (not found, too large, wrong type, too many, overloaded, a malformed request). Sent
 * over a real socket: inject() bypasses Node's parser.
 */
const HELMET = [
  'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy',
  'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster',
  'x-dns-prefetch-control', 'x-download-options', 'x-permitted-cross-domain-policies', 'x-xss-protection',
];

interface RawAnswer { status: number; headers: Record<string, string>; body: string }

/** Writes bytes to the server and reads until it closes the connection. */
function raw(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (err) => (chunks.length ? undefined : reject(err)));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

function expectSecurityHeaders(res: RawAnswer) {
  for (const name of HELMET) expect(res.headers[name], `${name} on ${res.status}`).toBeDefined();
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
}

const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;
const post = (path: string, type: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await buildTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '2' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => { await t.close(); });

describe('security headers', () => {
  it('on a page', async () => {
    const res = await raw(port, get('/login'));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  it('on a static file', async () => {
    const res = await raw(port, get('/static/app.css'));
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  it('on 404', async () => {
    const res = await raw(port, get('/no-such-page'));
    expect(res.status).toBe(404);
    expectSecurityHeaders(res);
    expect((await raw(port, get('/static/no-such-file.css'))).status).toBe(404);
    expectSecurityHeaders(await raw(port, get('/static/no-such-file.css')));
  });

  it('on 413 (body too large)', async () => {
    const res = await raw(port, post('/login', 'application/x-www-form-urlencoded', `a=${'x'.repeat(70 * 1024)}`));
    expect(res.status).toBe(413);
    expectSecurityHeaders(res);
  });

  it('on 415 (a body type we do not read)', async () => {
    const res = await raw(port, post('/login', 'text/x-weird', 'abc'));
    expect(res.status).toBe(415);
    expectSecurityHeaders(res);
  });

  it('on 429 (rate limited)', async () => {
    let res: RawAnswer | undefined;
    for (let i = 0; i < 4; i++) res = await raw(port, post('/signup', 'application/x-www-form-urlencoded', 'name=x'));
    expect(res!.status).toBe(429);
    expectSecurityHeaders(res!);
  });

  it('on 431 from Node\'s parser (headers too large), with our own short body', async () => {
    const res = await raw(port, get('/', `X-Big: ${'a'.repeat(20 * 1024)}\r\n`));
    expect(res.status).toBe(431);
    expectSecurityHeaders(res);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/too large/i);
    // The app's own policy, not a stand-in.
    expect(res.headers['content-security-policy']).toBe((await raw(port, get('/login'))).headers['content-security-policy']);
  });

  it('on 400 from Node\'s parser (a malformed request line)', async () => {
    for (const request of ['GET / HTTP/1.1 junk\r\n\r\n', 'NOT A REQUEST\r\n\r\n', `GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']) {
      const res = await raw(port, request);
      expect(res.status, JSON.stringify(request)).toBe(400);
      expectSecurityHeaders(res);
      expect(res.body).toMatch(/could not be understood/i);
    }
  });
});

describe('security headers when overloaded', () => {
  it('on the 503 from under-pressure', async () => {
    const busy = await buildTestApp({ env: { MAX_EVENT_LOOP_DELAY_MS: '1' } });
    try {
      await busy.app.listen({ port: 0, host: '127.0.0.1' });
      const busyPort = (busy.app.server.address() as AddressInfo).port;
      let res: RawAnswer | undefined;
      // Block the event loop until under-pressure's sampler has seen the lag.
      for (let i = 0; i < 50 && res?.status !== 503; i++) {
        const until = Date.now() + 100;
        while (Date.now() < until) { /* busy */ }
        await new Promise((r) => setTimeout(r, 10));
        res = await raw(busyPort, get('/login'));
      }
      expect(res!.status).toBe(503);
      expect(res!.headers['retry-after']).toBeDefined();
      expectSecurityHeaders(res!);
    } finally {
      await busy.close();
    }
  });
});
