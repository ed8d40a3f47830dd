import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSessions } from '../src/db/schema';
import { createBoss } from '../src/jobs/boss';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loggerOptions } from '../src/runtime';
import { buildTestApp, TEST_PASSWORD, type TestApp } from './helpers/app';
import { onPostgres } from './helpers/db';
import { eventually } from './helpers/worker';
import { runWorker } from './helpers/scenario';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('/healthz', () => {
  it('answers 200 {"status":"ok"} when the database answers', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect((await t.app.inject('/healthz/')).statusCode).toBe(200);
  });

  it('answers 503 when the database does not', async () => {
    const broken = await buildTestApp();
    await broken.database.close();
    const res = await broken.app.inject('/healthz');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable' });
    await broken.app.close();
  });
});

// PGlite runs inside this process: there is no connection to reset.
describe.runIf(onPostgres)('a PostgreSQL connection reset', () => {
  it('does not crash the process; the next requests get fresh connections', async () => {
    const agent = await t.loginAs('mentee');
    // Several requests at once, so the pool holds several idle connections.
    await Promise.all(Array.from({ length: 5 }, () => agent.get('/dashboard')));
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [new URL(t.database.url!).pathname.slice(1)],
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    // An idle connection's reset surfaced as the pool's 'error' event; without a listener this test
    // process would have died. The app answers from new connections.
    const after = await agent.get('/dashboard');
    expect(after.statusCode).toBe(200);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
  });
});

describe('jobs (pg-boss on this database)', () => {
  it('runs the expired-session purge and the data-version sweep when their jobs are sent', async () => {
    const agent = await t.loginAs('mentee');
    const id = (await t.database.db.select().from(authSessions).where(eq(authSessions.userId, agent.user.id)))[0]!.id;
    await t.database.db.update(authSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authSessions.id, id));

    const worker = await runWorker(t, { jobs: true });
    try {
      const boss = createBoss(t.database);
      await boss.start();
      await boss.send('accounts.purge-expired-sessions', {});
      await eventually(async () => (await t.database.db.select().from(authSessions).where(eq(authSessions.id, id))).length === 0, 20_000);
      // The data version's sweep (src/db/data-version.ts) runs as a job too.
      const fold = await boss.send('db.fold-data-versions', {});
      await eventually(async () => (await boss.getJobById('db.fold-data-versions', fold!))?.state === 'completed', 20_000);
      const schedules = await boss.getSchedules();
      expect(schedules.map((s) => s.name)).toEqual(expect.arrayContaining(['accounts.purge-expired-sessions', 'db.fold-data-versions']));
      await boss.stop({ graceful: false, wait: true });
    } finally {
      await worker.stop();
    }
  });
});

describe('logs', () => {
  it('are JSON lines with a request id, and carry no password, cookie or session token', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
    const logger = pino(loggerOptions('info'), sink);
    const logged = await buildTestApp({ logger });
    try {
      const agent = await logged.loginAs('mentee');
      await agent.get('/dashboard');
      const token = agent.cookies.get('cmh_session')!;
      const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
      const requests = entries.filter((e) => e.msg === 'incoming request');
      expect(requests.length).toBeGreaterThan(2);
      for (const e of requests) expect(e.reqId).toMatch(/^[0-9a-f-]{36}$/);
      const all = lines.join('\n');
      expect(all).not.toContain(TEST_PASSWORD);
      expect(all).not.toContain(token);
      expect(all).not.toContain('_csrf=');
    } finally {
      await logged.close();
    }
  });
});
