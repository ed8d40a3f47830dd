import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { emailOutbox, integrationChecks, processedEvents, webhookRefusals } from '../src/db/schema';
import { reportOf } from '../src/integrations/check';
import { runCheckSafely } from '../src/integrations/run';
import { recordCheck } from '../src/integrations/store';
import { createDueMeetings } from '../src/sessions/rooms';
import { buildTestApp, type TestApp } from './helpers/app';
import { moveSession, onTheHour, pendingSession } from './helpers/scenario';

/** Secrets the configuration holds: none of them may appear on the page or in /healthz?deep=1. */
const SMTP_PASSWORD = 'Sup3r-Secret-Passw0rd';
const STRIPE_KEY = 'sk_test_51HrealLookingSecretKey0123456789wxyz';
const WEBHOOK_SECRET = 'whsec_realLookingWebhookSecret9876abcd';
const HEALTHZ_TOKEN = 'healthz-token-0123456789-abcdefghij';
const SECRETS = [SMTP_PASSWORD, STRIPE_KEY, WEBHOOK_SECRET, HEALTHZ_TOKEN];

let t: TestApp;
let ids: { pendingRoom: string; failedRoom: string };
beforeAll(async () => {
  t = await buildTestApp({
    env: {
      // Nothing listens there: nothing in these tests is meant to reach a server.
      SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:9`, SMTP_TIMEOUT_MS: '2000', MAIL_FROM: 'CodeMentorHub <no-reply@example.com>',
      PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: STRIPE_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: 'http://127.0.0.1:9/',
      JITSI_BASE_URL: 'http://127.0.0.1:9/', APP_URL: 'https://mentors.example.com', HEALTHZ_TOKEN,
    },
  });
  ids = await insertState();
});
afterAll(async () => { await t.close(); });

/** Real rows for every figure the page shows. */
async function insertState() {
  const db = t.database.db;
  const now = new Date();
  await db.insert(emailOutbox).values([
    { dedupeKey: `it-sent-${now.getTime()}`, template: 'welcome', toName: 'Ada', toAddress: 'ada.private@example.com', payload: {}, status: 'sent', sentAt: new Date(now.getTime() - 60_000) },
    { dedupeKey: `it-failed-${now.getTime()}`, template: 'session-confirmed', toName: 'Bo', toAddress: 'bo.private@example.com', payload: {}, status: 'failed', lastError: '535 5.7.8 Authentication credentials invalid' },
  ]);
  await db.insert(processedEvents).values({ id: `evt_it_${now.getTime()}`, type: 'checkout.session.completed' });
  await db.insert(webhookRefusals).values({ provider: 'stripe', reason: 'The signature did not match STRIPE_WEBHOOK_SECRET.', ip: '203.0.113.9' });

  // Two confirmed sessions, so two room jobs; the provider refuses both, and one had no retries left.
  const admin = await t.createUser('admin');
  const mentor = await t.createUser('mentor');
  const mentee = await t.createUser('mentee');
  const pendingRoom = await pendingSession({ db, mentor, mentee, start: onTheHour(50) });
  const failedRoom = await pendingSession({ db, mentor, mentee, start: onTheHour(74) });
  for (const sessionId of [pendingRoom, failedRoom]) await moveSession({ db, sessionId, to: 'confirmed', actor: { id: admin.id, role: 'admin' } });
  await t.database.query(`update pgboss.job set retry_limit = retry_count where name = 'sessions.create-room' and singleton_key = $1`, [failedRoom]);
  const refusing = { ...t.app.services.meetings, createMeeting: () => Promise.reject(new Error('Jitsi answered 503 Service Unavailable')) };
  await createDueMeetings({ db, meetings: refusing });
  return { pendingRoom, failedRoom };
}

async function checksRecorded() {
  return t.database.db.select().from(integrationChecks).orderBy(desc(integrationChecks.finishedAt));
}

describe('/admin/integrations', () => {
  it('is for admins only: 403 for mentors and mentees, the log-in page for visitors', async () => {
    expect((await (await t.loginAs('mentor')).get('/admin/integrations')).statusCode).toBe(403);
    expect((await (await t.loginAs('mentee')).get('/admin/integrations')).statusCode).toBe(403);
    const visitor = await t.agent().get('/admin/integrations');
    expect(visitor.statusCode).toBe(302);
    expect(visitor.headers.location).toBe('/login?next=%2Fadmin%2Fintegrations');
    expect((await t.agent().post('/admin/integrations/payments', {})).statusCode).toBe(403); // no CSRF token: refused first
  });

  it('is linked from the admin home and shows the state from the data, with no secret and no recipient address', async () => {
    const admin = await t.loginAs('admin', { timezone: 'Asia/Kathmandu' });
    expect((await admin.get('/admin')).body).toContain('href="/admin/integrations"');
    const page = await admin.get('/admin/integrations');
    expect(page.statusCode).toBe(200);
    const html = page.body;
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    for (const section of ['Mail', 'Meetings', 'Payments', 'Background jobs']) expect(html).toMatch(new RegExp(`<h2 id="[a-z]+-title">${section}</h2>`));
    // Configured, masked.
    expect(text).toContain('smtp://mailer:…@127.0.0.1:9');
    expect(text).toContain('sk_test_…wxyz');
    expect(text).toContain('whsec_…abcd');
    expect(text).toContain('https://mentors.example.com/webhooks/stripe');
    expect(text).toContain('Stripe (test mode)');
    expect(text).toContain('jitsi');
    for (const secret of SECRETS) expect(html).not.toContain(secret);
    // Mail: one sent, one failed with its error; templates, not addresses.
    expect(text).toMatch(/Last delivered [A-Z][a-z]{2} \d+, \d{4}, \d\d:\d\d GMT\+5:45: welcome/);
    expect(text).toContain('session-confirmed');
    expect(text).toContain('535 5.7.8 Authentication credentials invalid');
    expect(html).not.toContain('ada.private@example.com');
    expect(html).not.toContain('bo.private@example.com');
    // Rooms: one waiting to retry, one given up, each linked to its session.
    expect(text).toMatch(/1 Room pending/);
    expect(text).toMatch(/1 Room failed/);
    expect(html).toContain(`href="/admin/sessions/${ids.pendingRoom}"`);
    expect(html).toContain(`href="/admin/sessions/${ids.failedRoom}"`);
    expect(text).toContain('Jitsi answered 503 Service Unavailable');
    // Webhooks: the processed event and the refusal.
    expect(text).toMatch(/1 Webhook received, last 24 h/);
    expect(text).toMatch(/1 Webhook refused, last 24 h/);
    expect(text).toContain('The signature did not match STRIPE_WEBHOOK_SECRET.');
    // The room job that gave up is a failed job.
    expect(text).toMatch(/1 Failed job/);
    expect(text).toContain('Not checked yet');
  });

  it('shows the latest check of each integration, with its time in the admin\'s zone, where it ran, and each step in words', async () => {
    const at = new Date('2026-11-30T10:00:00Z');
    await recordCheck({
      db: t.database.db, source: 'cli',
      report: reportOf({
        integration: 'meetings', startedAt: at, finishedAt: at,
        steps: [
          { label: 'Token refresh', outcome: 'ok', detail: 'got an access token' },
          { label: 'Calendar reachable', outcome: 'failed', detail: 'Google answered 404 for calendar "team"', fix: 'Check GOOGLE_CALENDAR_ID.' },
          { label: 'Meet conference', outcome: 'skipped' },
        ],
        summary: { ok: 'Meetings work.', failed: 'Meetings do not work' },
      }),
    });
    const admin = await t.loginAs('admin', { timezone: 'Europe/Berlin' });
    const html = (await admin.get('/admin/integrations')).body;
    const meetings = html.slice(html.indexOf('id="meetings"'), html.indexOf('id="payments"'));
    expect(meetings).toContain('Last check failed');
    expect(meetings).toContain('Meetings do not work: calendar reachable failed.');
    expect(meetings).toMatch(/Ran Nov 30, 2026, 11:00 GMT\+1, from the command line\./);
    expect(meetings).toMatch(/<span class="sr-only">Passed: <\/span><strong>Token refresh<\/strong>: got an access token/);
    expect(meetings).toMatch(/<span class="sr-only">Failed: <\/span><strong>Calendar reachable<\/strong>: Google answered 404 for calendar &quot;team&quot;<span class="check-fix">Check GOOGLE_CALENDAR_ID.<\/span>/);
    expect(meetings).toMatch(/<span class="sr-only">Skipped: <\/span><strong>Meet conference<\/strong>/);
    expect(meetings).toMatch(/aria-hidden="true">✗</);
  });

  it('a test email to an address that is not one is refused on the form, and nothing is run or recorded', async () => {
    const admin = await t.loginAs('admin');
    const before = (await checksRecorded()).length;
    const page = await admin.get('/admin/integrations');
    expect(page.body).toContain(`value="${admin.user.email}"`);
    const res = await admin.submit('/admin/integrations/mail', { to: 'not an address, evil@example.com' }, '/admin/integrations');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter one valid email address, like name@example.com');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('value="not an address, evil@example.com"');
    expect((await checksRecorded()).length).toBe(before);
  });

  it('a failing check is recorded and shown as a failed report, with its notice shown as a problem', async () => {
    const admin = await t.loginAs('admin', { name: 'Checking Admin' });
    const res = await admin.submit('/admin/integrations/payments', {}, '/admin/integrations');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/integrations#payments');
    const [row] = await checksRecorded();
    expect(row).toMatchObject({ integration: 'payments', source: 'admin', actorId: admin.user.id });
    const page = await admin.get('/admin/integrations');
    const payments = page.body.slice(page.body.indexOf('id="payments"'), page.body.indexOf('id="jobs"'));
    expect(payments).toContain('by Checking Admin on this page.');
    // Nothing listens at STRIPE_API_URL: the key step fails, naming where it looked.
    expect(row!.ok).toBe(false);
    const steps = row!.steps as { label: string; outcome: string; detail?: string }[];
    expect(steps.find((s) => s.outcome === 'failed')?.detail).toContain('127.0.0.1:9');
    expect(page.body).toMatch(/<p class="flash flash-problem" role="status">Payments check failed: /);
    for (const secret of SECRETS) expect(page.body).not.toContain(secret);
  });

  it('each check is rate limited per admin', async () => {
    const admin = await t.loginAs('admin');
    const token = await admin.csrfToken('/admin/integrations');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await admin.post('/admin/integrations/meetings', { _csrf: token })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(statuses[5]).toBe(429);
  });
});

describe('runCheckSafely', () => {
  const config = () => t.config;
  it('turns a check that throws into a failed report with the message, scrubbed of secrets', async () => {
    const report = await runCheckSafely({ integration: 'mail', config: config(), now: () => new Date(), run: () => Promise.reject(new Error(`connect to smtp://mailer:${SMTP_PASSWORD}@host failed (key ${STRIPE_KEY})`)) });
    expect(report.ok).toBe(false);
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({ label: 'Check could not run', outcome: 'failed' });
    expect(JSON.stringify(report)).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(report)).not.toContain(STRIPE_KEY);
    expect(report.steps[0]!.detail).toContain('sk_test_…wxyz');
  });

  it('gives up on a check that does not finish in time', async () => {
    const report = await runCheckSafely({ integration: 'meetings', config: config(), now: () => new Date(), deadlineMs: 50, run: () => new Promise(() => {}) });
    expect(report).toMatchObject({ ok: false, summary: 'The meetings check could not run: it did not finish within 0 seconds' });
  });
});

describe('GET /healthz?deep=1', () => {
  it('plain /healthz is unchanged: database only, no state, for anyone', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 401 without a token, with a wrong one, and to users who are not admins, telling nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-wrong' }, { authorization: `Bearer ${HEALTHZ_TOKEN}x` }, { authorization: HEALTHZ_TOKEN }]) {
      const res = await t.app.inject({ url: '/healthz?deep=1', headers });
      expect(res.statusCode).toBe(401);
      expect(Object.keys(res.json())).toEqual(['error']);
    }
    const mentor = await t.loginAs('mentor');
    expect((await mentor.get('/healthz?deep=1')).statusCode).toBe(401);
  });

  it('reports each integration\'s last known state to the token and to an admin, without secrets; degraded when a latest check failed', async () => {
    const res = await t.app.inject({ url: '/healthz?deep=1', headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      database: 'ok',
      integrations: {
        mail: { provider: 'smtp', failed: 1, lastDelivered: { template: 'welcome' }, lastFailure: { template: 'session-confirmed' } },
        meetings: { provider: 'jitsi', rooms: { pending: 1, failed: 1 } },
        payments: { provider: 'stripe', webhooks: { receivedLast24h: 1, refusedLast24h: 1, lastRefusal: { reason: 'The signature did not match STRIPE_WEBHOOK_SECRET.' } } },
      },
    });
    expect(body.integrations.jobs.failed).toBeGreaterThanOrEqual(1);
    expect(body.status).toBe('degraded');
    expect(Date.parse(body.checkedAt)).not.toBeNaN();
    for (const secret of [...SECRETS, 'ada.private@example.com', '535 5.7.8']) expect(res.body).not.toContain(secret);

    const admin = await t.loginAs('admin');
    const viaCookie = await admin.get('/healthz?deep=1');
    expect(viaCookie.statusCode).toBe(200);
    expect(viaCookie.json().integrations.meetings.rooms).toEqual({ pending: 1, failed: 1 });
  });
});

describe('HEALTHZ_TOKEN', () => {
  it('is optional, and a short one stops start-up with a line naming it', () => {
    expect(loadConfig({}).healthzToken).toBeUndefined();
    expect(loadConfig({ HEALTHZ_TOKEN }).healthzToken).toBe(HEALTHZ_TOKEN);
    expect(() => loadConfig({ HEALTHZ_TOKEN: 'too-short' })).toThrow(/^HEALTHZ_TOKEN: must be at least 24 characters/);
  });
});

describe('GET /healthz?deep=1 on a healthy app', () => {
  it('is ok until the latest check of an integration fails, and ok again once it passes', async () => {
    const fresh = await buildTestApp({ env: { HEALTHZ_TOKEN } });
    try {
      const deep = async () => (await fresh.app.inject({ url: '/healthz?deep=1', headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } })).json();
      expect(await deep()).toMatchObject({ status: 'ok', problems: [], integrations: { mail: { provider: 'mailbox', lastCheck: null, pending: 0, failed: 0 }, payments: { provider: 'test' }, jobs: { failed: 0 } } });
      const report = (ok: boolean, at: Date) => reportOf({
        integration: 'mail', startedAt: at, finishedAt: at,
        steps: [{ label: 'SMTP server accepted the message', outcome: ok ? 'ok' : 'failed', fix: 'Check SMTP_URL.' }],
        summary: { ok: 'Mail works.', failed: 'Mail does not work' },
      });
      await recordCheck({ db: fresh.database.db, report: report(false, new Date(Date.now() - 1000)), source: 'cli' });
      const degraded = await deep();
      expect(degraded).toMatchObject({ status: 'degraded', problems: ['the latest mail check failed'], integrations: { mail: { lastCheck: { ok: false, summary: 'Mail does not work: smtp server accepted the message failed.' } } } });
      await recordCheck({ db: fresh.database.db, report: report(true, new Date()), source: 'cli' });
      expect(await deep()).toMatchObject({ status: 'ok', integrations: { mail: { lastCheck: { ok: true } } } });
      // Without HEALTHZ_TOKEN configured, no bearer token is accepted.
      const noToken = await buildTestApp({ database: fresh.database });
      const res = await noToken.app.inject({ url: '/healthz?deep=1', headers: { authorization: `Bearer ${HEALTHZ_TOKEN}` } });
      expect(res.statusCode).toBe(401);
      await noToken.app.close();
    } finally {
      await fresh.close();
    }
  });
});
