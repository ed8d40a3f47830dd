import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../src/db/client';
import { createOutageLog, isDatabaseUnavailable } from '../src/db/unavailable';
import { loggerOptions } from '../src/runtime';
import { FakeStripe, signedWebhook } from './fakes/stripe';
import { buildTestApp, type TestApp } from './helpers/app';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db';
import { TcpProxy } from './helpers/tcp-proxy';

const WEBHOOK_SECRET = 'whsec_test';

describe('isDatabaseUnavailable', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  const wrapped = (cause: Error) => new DrizzleQueryError('select 1', [], cause);

  it.each([
    ['admin shutdown 57P01', withCode('57P01', 'terminating connection due to administrator command')],
    ['crash shutdown 57P02', withCode('57P02')],
    ['cannot connect now 57P03', withCode('57P03', 'the database system is starting up')],
    ['connection failure 08006', withCode('08006')],
    ['connection does not exist 08003', withCode('08003')],
    ['too many connections 53300', withCode('53300')],
    ['connection refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')],
    ['connection reset', withCode('ECONNRESET', 'read ECONNRESET')],
    ['timed out', withCode('ETIMEDOUT')],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    ['broken client', new Error('Client has encountered a connection error and is not queryable')],
    ['ended pool', new Error('Cannot use a pool after calling end on the pool')],
    ['PGlite closed', new Error('PGlite is closed')],
    ['wrapped by Drizzle', wrapped(withCode('57P01'))],
    ['wrapped by Drizzle (refused)', wrapped(withCode('ECONNREFUSED'))],
  ])('%s: yes', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['unique violation', wrapped(withCode('23505', 'duplicate key value'))],
    ['exclusion violation', withCode('23P01')],
    ['invalid text (NUL)', withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a bug', new TypeError('Cannot read properties of undefined')],
    ['an HTTP client that could not connect', Object.assign(new TypeError('fetch failed'), { cause: withCode('ECONNREFUSED') })],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('%s: no', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});

describe('the outage log', () => {
  it('logs the first failure, suppresses the rest for a minute, then logs again', () => {
    let clock = 0;
    const errors: unknown[] = [];
    const outage = createOutageLog({ probe: () => Promise.reject(new Error('down')), info: () => {}, now: () => clock });
    const log = { error: (obj: unknown) => errors.push(obj) };
    for (let i = 0; i < 10; i++) outage.report(new Error('Connection terminated'), log);
    expect(errors).toHaveLength(1);
    clock += 59_000;
    outage.report(new Error('Connection terminated'), log);
    expect(errors).toHaveLength(1);
    clock += 1_000;
    outage.report(new Error('Connection terminated'), log);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ suppressed: 10 });
    outage.stop();
  });

  it('logs again after the database has answered', async () => {
    let up = false;
    const errors: unknown[] = [];
    const infos: string[] = [];
    const outage = createOutageLog({ probe: () => (up ? Promise.resolve() : Promise.reject(new Error('down'))), info: (_o, msg) => infos.push(msg ?? ''), probeEveryMs: 10 });
    const log = { error: (obj: unknown) => errors.push(obj) };
    outage.report(new Error('Connection terminated'), log);
    outage.report(new Error('Connection terminated'), log);
    up = true;
    await expect.poll(() => infos, { timeout: 5000 }).toContain('database answers again');
    outage.report(new Error('Connection terminated'), log);
    expect(errors).toHaveLength(2);
    outage.stop();
  });
});

/** Log lines (JSON) of an app, to count how often an outage is logged. */
function capturingLogger() {
  const lines: { msg?: string; level?: number }[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } });
  return { logger: pino(loggerOptions('info'), sink), lines };
}

interface Fixture {
  t: TestApp;
  mentorId: string;
  cookies: { mentee: string; admin: string };
  csrf: { cookie: string; token: string };
}

/** Logged-in cookies and a form token, taken while the database still answers. */
async function prepare(t: TestApp): Promise<Fixture> {
  const mentor = await t.createUser('mentor');
  const mentee = await t.loginAs('mentee');
  const admin = await t.loginAs('admin');
  const guest = t.agent();
  const token = await guest.csrfToken('/login');
  const header = (a: { cookies: Map<string, string> }) => [...a.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return { t, mentorId: mentor.id, cookies: { mentee: header(mentee), admin: header(admin) }, csrf: { cookie: header(guest), token } };
}

/** One request to each kind of route: public and logged-in pages, a form post, the webhook (JSON), /healthz. */
function requests(f: Fixture) {
  const event = { id: `evt_${randomUUID()}`, object: 'event', type: 'checkout.session.completed', data: { object: { id: `cs_${randomUUID()}`, object: 'checkout.session', payment_status: 'paid', payment_intent: `pi_${randomUUID()}`, metadata: { session_id: randomUUID() } } } };
  const signed = signedWebhook(event, { secret: WEBHOOK_SECRET });
  return [
    { name: 'GET /mentors', kind: 'html', run: () => f.t.app.inject('/mentors?q=ann') },
    { name: 'GET /mentors/:id', kind: 'html', run: () => f.t.app.inject(`/mentors/${f.mentorId}`) },
    { name: 'GET /dashboard', kind: 'html', run: () => f.t.app.inject({ url: '/dashboard', headers: { cookie: f.cookies.mentee } }) },
    { name: 'GET /admin/sessions', kind: 'html', run: () => f.t.app.inject({ url: '/admin/sessions?q=x', headers: { cookie: f.cookies.admin } }) },
    { name: 'POST /login', kind: 'html', run: () => f.t.app.inject({ method: 'POST', url: '/login', headers: { cookie: f.csrf.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: f.csrf.token, email: 'nobody@example.com', password: 'wrong password here' }).toString() }) },
    { name: 'POST /webhooks/stripe', kind: 'json', run: () => f.t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: signed.headers, payload: signed.body }) },
    { name: 'GET /healthz', kind: 'json', run: () => f.t.app.inject('/healthz') },
  ] as const;
}

async function expectAll503(f: Fixture) {
  for (const r of requests(f)) {
    const res = await r.run();
    expect(res.statusCode, `${r.name}: ${res.body.slice(0, 200)}`).toBe(503);
    expect(res.headers['retry-after'], r.name).toBeDefined();
    expect(String(res.headers['content-type']), r.name).toContain(r.kind === 'json' ? 'application/json' : 'text/html');
    expect(res.body, r.name).not.toContain('Something went wrong');
  }
}

let stripe: FakeStripe;
beforeAll(async () => { stripe = await new FakeStripe().start(); });
afterAll(async () => { await stripe?.stop(); });
const stripeEnv = () => ({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url });

describe.skipIf(onPostgres)('a closed embedded database', () => {
  it('answers 503 with Retry-After on every route, logged once', async () => {
    const { logger, lines } = capturingLogger();
    const t = await buildTestApp({ env: stripeEnv(), logger });
    const f = await prepare(t);
    await t.database.close();
    await expectAll503(f);
    await expectAll503(f);
    expect(lines.filter((l) => l.msg?.startsWith('database unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'request failed')).toHaveLength(0);
    await t.app.close();
  });
});

describe.runIf(onPostgres)('PostgreSQL going away', () => {
  let own: TestDatabase;
  let proxy: TcpProxy;
  let f: Fixture;
  let lines: { msg?: string }[];
  let pool: pg.Pool;

  beforeAll(async () => {
    own = await createTestDatabase();
    const url = new URL(own.url!);
    proxy = await new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) }).start();
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const proxied = openPostgres(url.toString(), { warn() {}, error() {} });
    pool = proxied.pool;
    const captured = capturingLogger();
    lines = captured.lines;
    const t = await buildTestApp({ env: stripeEnv(), logger: captured.logger, database: { ...proxied, close: async () => { await proxied.close(); } } });
    f = await prepare(t);
  });
  afterAll(async () => {
    await f?.t.close();
    await proxy?.cut();
    await own?.close();
  });

  it('answers 503 with Retry-After on every route when the connection is reset and the port closed; logged once per outage', async () => {
    expect((await f.t.app.inject('/mentors')).statusCode).toBe(200);
    await proxy.cut();
    await expectAll503(f);
    await expectAll503(f);
    expect(lines.filter((l) => l.msg?.startsWith('database unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'request failed')).toHaveLength(0);

    await proxy.restore();
    await expect.poll(async () => (await f.t.app.inject('/mentors')).statusCode, { timeout: 20_000, interval: 200 }).toBe(200);
    await expect.poll(() => lines.some((l) => l.msg === 'database answers again'), { timeout: 10_000 }).toBe(true);
    await proxy.cut();
    await expectAll503(f);
    expect(lines.filter((l) => l.msg?.startsWith('database unavailable'))).toHaveLength(2);
    await proxy.restore();
  });

  it('never answers 500 while the app\'s connections are terminated mid-run', async () => {
    await expect.poll(async () => (await f.t.app.inject('/mentors')).statusCode, { timeout: 20_000, interval: 200 }).toBe(200);
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const name = new URL(own.url!).pathname.slice(1);
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const statuses: number[] = [];
    try {
      for (let round = 0; round < 8; round++) {
        const results = await Promise.all(requests(f).flatMap((r) => [r.run(), r.run()]));
        for (const res of results) {
          statuses.push(res.statusCode);
          expect(res.statusCode, res.body.slice(0, 200)).not.toBe(500);
          if (res.statusCode === 503) expect(res.headers['retry-after']).toBeDefined();
        }
      }
    } finally {
      stop = true;
      await killer;
      await admin.end();
    }
    expect(statuses.length).toBeGreaterThan(100);
    // Every connection came back to the pool (none leaked by a transaction whose `begin` failed).
    await expect.poll(() => pool.totalCount - pool.idleCount, { timeout: 10_000 }).toBe(0);
    expect((await f.t.app.inject('/mentors')).statusCode).toBe(200);
  });
});
