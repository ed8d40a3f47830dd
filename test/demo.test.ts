import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { availabilityWindows, emailOutbox, sessions } from '../src/db/schema';
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemoData } from '../src/demo/seed';
import { createPasswordHasher } from '../src/accounts/password';
import { buildTestApp, TEST_HASH_COST, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

it('seeds logins for every role, bookable mentors and sessions in several states, once', async () => {
  const hasher = createPasswordHasher(TEST_HASH_COST);
  await seedDemoData({ db: t.database.db, hasher });
  await seedDemoData({ db: t.database.db, hasher });
  const byStatus = Object.fromEntries((await t.database.db.select({ s: sessions.status, n: count() }).from(sessions).groupBy(sessions.status)).map((r) => [r.s, Number(r.n)]));
  expect(byStatus).toEqual({ pending: 2, awaiting_payment: 1, expired: 1, confirmed: 1, declined: 1, cancelled: 1, completed: 1 });
  expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.template, 'session-request'))).toHaveLength(5);
  // The confirmed one waits for the worker to make its room: no link yet, and it is due now.
  const [confirmed] = await t.database.db.select().from(sessions).where(eq(sessions.status, 'confirmed'));
  expect(confirmed!.meetingUrl).toBeNull();
  const { rows: roomJobs } = await t.database.query(`select state from pgboss.job where name = 'sessions.create-room' and singleton_key = $1`, [confirmed!.id]);
  expect(roomJobs).toEqual([{ state: 'created' }]);
  expect((await t.database.db.select().from(availabilityWindows)).length).toBe(30);

  for (const login of DEMO_LOGINS) {
    const agent = t.agent();
    const res = await agent.submit('/login', { email: login.email, password: DEMO_PASSWORD });
    expect(res.statusCode, login.email).toBe(303);
  }
  const directory = await t.agent().get('/mentors');
  expect(directory.body.match(/Next free: /g)).toHaveLength(3);
});
