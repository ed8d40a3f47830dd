import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckFailed, runCli, UsageError } from '../src/cli/commands';
import { loadConfig } from '../src/config';
import { integrationChecks, webhookRefusals } from '../src/db/schema';
import { openConfiguredDatabase } from '../src/db/open';
import { formatReport } from '../src/integrations/check';
import { checkPayments } from '../src/integrations/payments';
import { recordCheck } from '../src/integrations/store';
import { createPaymentProvider } from '../src/payments';
import { createStripePaymentProvider } from '../src/payments/stripe';
import { createRefusalRecorder, loadWebhookState } from '../src/payments/webhook-state';
import { FakeStripe, signedWebhook } from './fakes/stripe';
import { buildTestApp, type TestApp } from './helpers/app';
import { createEmptyPostgresDatabase, createTestDatabase, onPostgres, type TestDatabase } from './helpers/db';

const WEBHOOK_SECRET = 'whsec_0123456789abcdefghijklmnopQRST';
const EVENTS = 'checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.async_payment_failed, checkout.session.expired';
const LIVE_KEY = 'sk_live_51LiveKeyOfThisAccountZZZZ9876';
const REVOKED_KEY = 'sk_test_51RevokedLongAgoQQQQQQQwxyz';
const SESSION_SECRET = 'a-session-secret-of-at-least-32-characters';

let fake: FakeStripe;
let database: TestDatabase;
/** Every secret a test configured: none may appear in any output or stored report. */
const secrets = new Set<string>([WEBHOOK_SECRET, LIVE_KEY, REVOKED_KEY]);
const outputs: string[] = [];

beforeAll(async () => {
  fake = await new FakeStripe().start();
  fake.acceptKey(LIVE_KEY);
  secrets.add(fake.secretKey);
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
  await fake?.stop();
});

function stripeEnv(env: Record<string, string> = {}) {
  return loadConfig({
    NODE_ENV: 'test', PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: fake.url, APP_URL: 'https://mentors.example.com', ...env,
  });
}

/** The check as payments:test runs it, recorded as it does; returns the printed lines. */
async function check(config: ReturnType<typeof loadConfig>, options: { provider?: ReturnType<typeof createPaymentProvider>; timeoutMs?: number } = {}) {
  const report = await checkPayments({ config, db: database.db, provider: options.provider ?? createPaymentProvider(config), timeoutMs: options.timeoutMs });
  await recordCheck({ db: database.db, report, source: 'cli' });
  const text = formatReport(report);
  outputs.push(text);
  return { report, text, lines: text.split('\n') };
}

describe('payments check with Stripe', () => {
  it('a good test key: test mode said plainly, the endpoint to register, exit 0', async () => {
    const before = fake.requestsTo('/v1/balance').length;
    const { report, lines } = await check(stripeEnv());
    expect(lines).toEqual([
      '✓ Stripe key: sk_test_…abcd, test mode: no real money moves',
      '✓ Webhook signing secret: STRIPE_WEBHOOK_SECRET whsec_…QRST is set (a wrong one shows as refused webhooks)',
      `✓ Webhook endpoint: Register this endpoint in Stripe: https://mentors.example.com/webhooks/stripe (events: ${EVENTS})`,
      'Stripe payments work, in test mode: no real money moves.',
    ]);
    expect(report.ok).toBe(true);
    // Stripe was asked, with the key, not guessed from its prefix.
    const asked = fake.requestsTo('/v1/balance').slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.authorization).toBe(`Bearer ${fake.secretKey}`);
  });

  it('a bad key: Stripe\'s 401 named as STRIPE_SECRET_KEY, with the fix', async () => {
    const { report, lines } = await check(stripeEnv({ STRIPE_SECRET_KEY: REVOKED_KEY }));
    expect(report.ok).toBe(false);
    expect(lines[0]).toBe('✗ Stripe key: Stripe refused STRIPE_SECRET_KEY (sk_test_…wxyz): invalid or revoked. Copy the secret key from the Stripe dashboard (Developers → API keys) into STRIPE_SECRET_KEY.');
    expect(lines.at(-1)).toBe('Stripe payments are not ready: stripe key failed.');
  });

  it('a publishable key is refused without asking Stripe', async () => {
    const { report, lines } = await check(stripeEnv({ STRIPE_SECRET_KEY: 'pk_test_51PublishableKeyForTheBrowser1234' }));
    expect(report.ok).toBe(false);
    expect(lines[0]).toMatch(/^✗ Stripe key: STRIPE_SECRET_KEY pk_test_…1234 is a publishable key, not the secret key\. Copy the secret key/);
  });

  it('a live key in production: LIVE mode said plainly; outside production it fails', async () => {
    const live = await check(stripeEnv({ STRIPE_SECRET_KEY: LIVE_KEY, NODE_ENV: 'production', SESSION_SECRET }));
    expect(live.lines[0]).toBe('✓ Stripe key: sk_live_…9876, LIVE mode: real payments');
    expect(live.report.ok).toBe(true);
    expect(live.lines.at(-1)).toBe('Stripe payments work, in LIVE mode: real payments.');

    const dev = await check(stripeEnv({ STRIPE_SECRET_KEY: LIVE_KEY, NODE_ENV: 'development' }));
    expect(dev.report.ok).toBe(false);
    expect(dev.lines).toContain('✗ Mode and NODE_ENV: a LIVE key with NODE_ENV=development: this instance would charge real cards. Use a test key (sk_test_…) in STRIPE_SECRET_KEY here, or set NODE_ENV=production on the live server.');
  });

  it('a test key in production is a note, not a failure', async () => {
    const { report, lines } = await check(stripeEnv({ NODE_ENV: 'production', SESSION_SECRET }));
    expect(report.ok).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(/^✓ Mode and NODE_ENV: note: a test key with NODE_ENV=production: bookings are marked paid but no money is collected/));
  });

  it('a missing webhook secret, an API key in its place, a quoted one: each fails naming STRIPE_WEBHOOK_SECRET', async () => {
    const config = stripeEnv();
    const stripe = config.payments.provider === 'stripe' ? config.payments.stripe : undefined;
    const missing = await check(config, { provider: createStripePaymentProvider({ ...stripe!, webhookSecret: undefined }) });
    expect(missing.report.ok).toBe(false);
    expect(missing.lines[1]).toMatch(/^✗ Webhook signing secret: STRIPE_WEBHOOK_SECRET is not set\. Copy the signing secret .* into STRIPE_WEBHOOK_SECRET\.$/);

    const apiKey = await check(stripeEnv({ STRIPE_WEBHOOK_SECRET: fake.secretKey }));
    expect(apiKey.lines[1]).toMatch(/^✗ Webhook signing secret: STRIPE_WEBHOOK_SECRET sk_test_…abcd is an API key, not a webhook signing secret\./);

    const quoted = `"${WEBHOOK_SECRET}"`;
    secrets.add(quoted);
    const odd = await check(stripeEnv({ STRIPE_WEBHOOK_SECRET: quoted }));
    expect(odd.report.ok).toBe(false);
    expect(odd.lines[1]).toMatch(/^✗ Webhook signing secret: STRIPE_WEBHOOK_SECRET …RST" does not look like a signing secret \(whsec_… with no spaces or quotes\)\./);
  });

  it('APP_URL on localhost: a note with `stripe listen` in test mode, a failure in live mode', async () => {
    const test = await check(stripeEnv({ APP_URL: 'http://localhost:3000' }));
    expect(test.report.ok).toBe(true);
    expect(test.lines[2]).toBe('✓ Webhook endpoint: http://localhost:3000/webhooks/stripe is local, so Stripe cannot reach it; in test mode run `stripe listen --forward-to localhost:3000/webhooks/stripe` and put the whsec_… it prints in STRIPE_WEBHOOK_SECRET');

    const live = await check(stripeEnv({ APP_URL: 'http://127.0.0.1:3000', STRIPE_SECRET_KEY: LIVE_KEY, NODE_ENV: 'production', SESSION_SECRET }));
    expect(live.report.ok).toBe(false);
    expect(live.lines[2]).toBe(`✗ Webhook endpoint: Register this endpoint in Stripe: http://127.0.0.1:3000/webhooks/stripe (events: ${EVENTS}) Stripe cannot reach 127.0.0.1: set APP_URL to this app's public https:// address.`);
    expect(live.lines.at(-1)).toBe('Stripe payments are not ready: webhook endpoint failed.');

    const plain = await check(stripeEnv({ APP_URL: 'http://mentors.example.com', STRIPE_SECRET_KEY: LIVE_KEY, NODE_ENV: 'production', SESSION_SECRET }));
    expect(plain.lines[2]).toMatch(/Stripe sends live events only to https:\/\/ endpoints: set APP_URL/);
  });

  it('a hanging Stripe: a bounded wait ending in one clear line naming STRIPE_API_URL', async () => {
    fake.failNext('hang', 1, '/v1/balance');
    const { report, lines } = await check(stripeEnv(), { timeoutMs: 300 });
    expect(report.ok).toBe(false);
    expect(lines[0]).toBe(`✗ Stripe key: no answer from Stripe at 127.0.0.1:${fake.port} within 0.3 s. Check STRIPE_API_URL (${fake.url}/).`);
  });

  it('a restricted key: said as such, and a missing permission named', async () => {
    const full = 'rk_test_51RestrictedAllowedEverything0001';
    const partial = 'rk_test_51RestrictedWithoutRefunds000002';
    secrets.add(full).add(partial);
    fake.acceptKey(full, { permissions: ['checkout_sessions', 'refunds'] });
    fake.acceptKey(partial, { permissions: ['balance', 'checkout_sessions'] });

    const good = await check(stripeEnv({ STRIPE_SECRET_KEY: full }));
    expect(good.report.ok).toBe(true);
    expect(good.lines[0]).toBe('✓ Stripe key: rk_test_…0001, restricted key, test mode: no real money moves (from the key; it may not read the balance, which the app does not need)');
    expect(good.lines[1]).toBe('✓ Restricted key permissions: Checkout Sessions and Refunds allowed (bookings and refunds need "Checkout Sessions: Write" and "Refunds: Write")');

    const lacking = await check(stripeEnv({ STRIPE_SECRET_KEY: partial }));
    expect(lacking.report.ok).toBe(false);
    expect(lacking.lines[0]).toBe('✓ Stripe key: rk_test_…0002, restricted key, test mode: no real money moves');
    expect(lacking.lines[1]).toBe('✗ Restricted key permissions: rk_test_…0002 lacks the Refunds permission. In the Stripe dashboard (Developers → API keys), give the key "Checkout Sessions: Write" and "Refunds: Write", or use the secret key (sk_…) in STRIPE_SECRET_KEY.');
  });
});

describe('payments check with the test provider', () => {
  it('says plainly that payments are simulated', async () => {
    const { report, lines } = await check(loadConfig({ NODE_ENV: 'test', PAYMENT_PROVIDER: 'test' }));
    expect(report.ok).toBe(true);
    expect(lines).toEqual([
      '✓ Payments simulated (PAYMENT_PROVIDER=test): no money moves; bookings are paid on the built-in test checkout page',
      'Payments are simulated (PAYMENT_PROVIDER=test): no money moves; bookings are paid on the built-in test checkout page.',
    ]);
  });
});

describe('refused webhooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: fake.url } });
  });
  afterAll(async () => { await t?.close(); });

  const post = (payload: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/webhooks/stripe', payload, headers });
  const badlySigned = () => {
    const signed = signedWebhook(fake.event('checkout.session.completed', { id: 'cs_test_unknown' }), { secret: 'whsec_someoneElsesSecret0000' });
    return post(signed.body, signed.headers);
  };
  const state = () => loadWebhookState({ db: t.database.db, now: t.clock.now() });

  it('records a badly signed post, and a flood of them as one row a minute', async () => {
    expect(await state()).toEqual({ receivedLast24h: 0, refusedLast24h: 0, lastRefusal: null, lastReceivedAt: null });
    const first = await badlySigned();
    expect(first.statusCode).toBe(400);
    const after = await state();
    expect(after.refusedLast24h).toBe(1);
    expect(after.lastRefusal?.reason).toMatch(/^Webhook signature verification failed: No signatures found matching the expected signature for payload/);
    expect(after.lastRefusal?.at).toBeInstanceOf(Date);

    for (let i = 0; i < 30; i++) expect((await badlySigned()).statusCode).toBe(400);
    expect((await state()).refusedLast24h).toBe(1);

    // Other reasons each get their row: no signature, an empty body, a body that is not JSON.
    expect((await post('{}', { 'content-type': 'application/json' })).statusCode).toBe(400);
    expect((await post('', { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' })).statusCode).toBe(400);
    expect((await post('<hello/>', { 'content-type': 'application/xml', 'stripe-signature': 't=1,v1=00' })).statusCode).toBe(415);
    const reasons = (await t.database.db.select().from(webhookRefusals)).map((r) => r.reason);
    expect(reasons).toHaveLength(4);
    expect(reasons).toContain('Webhook signature verification failed: Missing or repeated Stripe-Signature header.');
    expect(reasons).toContain('Expected a JSON body (Content-Type: application/json).');
    expect(reasons).toContain('Unreadable body: HTTP 415 FST_ERR_CTP_INVALID_MEDIA_TYPE');
    const rows = await t.database.db.select().from(webhookRefusals);
    expect(rows.every((r) => r.provider === 'stripe' && r.ip === '127.0.0.1')).toBe(true);

    // The next minute, the same refusal is recorded again.
    t.clock.advance(61_000);
    await badlySigned();
    expect((await state()).refusedLast24h).toBe(5);
  });

  it('counts webhooks received in the last 24 hours', async () => {
    const signed = signedWebhook(fake.event('checkout.session.completed', { id: 'cs_test_not_ours', payment_status: 'paid' }), { secret: WEBHOOK_SECRET });
    expect((await post(signed.body, signed.headers)).statusCode).toBe(200);
    const now = await state();
    expect(now.receivedLast24h).toBe(1);
    expect(now.lastReceivedAt).toBeInstanceOf(Date);
    const tomorrow = await loadWebhookState({ db: t.database.db, now: new Date(t.clock.now().getTime() + 25 * 3600_000) });
    expect(tomorrow).toMatchObject({ receivedLast24h: 0, refusedLast24h: 0, lastReceivedAt: now.lastReceivedAt });
  });

  it('a database failure while recording is logged, not thrown (the poster still gets its 400)', async () => {
    const dead = await createTestDatabase();
    await dead.close();
    const warnings: string[] = [];
    const record = createRefusalRecorder({ db: dead.db, now: () => new Date(), provider: 'stripe', log: { warn: (_o, msg) => warnings.push(msg) } });
    await expect(record({ reason: 'x', ip: '127.0.0.1' })).resolves.toBeUndefined();
    expect(warnings).toEqual(['could not record a refused webhook']);
  });
});

describe('npm run cli -- payments:test', () => {
  let dir: string;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cmh-payments-'));
    env = { DATA_DIR: join(dir, 'data') };
    if (onPostgres) {
      const pg = await createEmptyPostgresDatabase();
      drop = pg.drop;
      env.DATABASE_URL = pg.url;
    }
    Object.assign(env, {
      NODE_ENV: 'test', LOG_LEVEL: 'silent', PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: fake.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: fake.url, APP_URL: 'https://mentors.example.com',
    });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });
  const inProcess = (extra: Record<string, string> = {}) => {
    for (const [k, v] of Object.entries({ ...env, ...extra })) vi.stubEnv(k, v);
    return runCli(['payments:test']);
  };

  it('prints the report and records it; a bad key is a CheckFailed (exit 1) with the 401 line', async () => {
    const out = await inProcess();
    outputs.push(out);
    expect(out.split('\n').at(-1)).toBe('Stripe payments work, in test mode: no real money moves.');

    const refusal = await inProcess({ STRIPE_SECRET_KEY: REVOKED_KEY }).then(() => null, (err: unknown) => err);
    expect(refusal).toBeInstanceOf(CheckFailed);
    const output = (refusal as CheckFailed).output;
    outputs.push(output);
    expect(output.split('\n')[0]).toMatch(/^✗ Stripe key: Stripe refused STRIPE_SECRET_KEY \(sk_test_…wxyz\): invalid or revoked\./);

    const opened = await openConfiguredDatabase(loadConfig(env), { warn() {}, error() {} });
    try {
      const stored = await opened.db.select().from(integrationChecks).where(eq(integrationChecks.integration, 'payments')).orderBy(integrationChecks.finishedAt);
      expect(stored.map((r) => [r.source, r.ok])).toEqual([['cli', true], ['cli', false]]);
      outputs.push(JSON.stringify(stored));
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('refuses arguments in one line', async () => {
    await expect(runCli(['payments:test', '--now'])).rejects.toThrow(UsageError);
  });

  it('as a command: the 401 line on stdout and exit status 1', async () => {
    // Asynchronous: the fake Stripe answering it runs in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'payments:test'], {
        cwd: process.cwd(), encoding: 'utf8', timeout: 90_000,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, STRIPE_SECRET_KEY: REVOKED_KEY },
      }, (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }));
    });
    outputs.push(run.stdout, run.stderr);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('✗ Stripe key: Stripe refused STRIPE_SECRET_KEY (sk_test_…wxyz): invalid or revoked.');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('Stripe payments are not ready: stripe key failed.');
  }, 120_000);
});

describe('no secret anywhere', () => {
  it('in any printed output or stored report', async () => {
    const stored = await database.db.select().from(integrationChecks);
    expect(stored.length).toBeGreaterThan(10);
    const everything = [...outputs, JSON.stringify(stored)].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
    // Nor the secret part of any, under another prefix or quoting.
    expect(everything).not.toContain('0123456789abcdefghijklmnop');
    expect(everything).not.toContain(fake.secretKey.slice(8, -4));
  });
});
