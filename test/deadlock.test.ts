import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, onPostgres, type TestDatabase } from './helpers/db';

/**
 * Two transactions that take two rows in opposite orders: PostgreSQL fails one with "deadlock
 * detected" (40P01). The database layer runs that one again, so both callers succeed. (Found by the
 * state-machine test: a booking and a payment of the same mentor at once answered 500.)
 */
describe.skipIf(!onPostgres)('a transaction PostgreSQL fails to break a deadlock (PostgreSQL only: PGlite runs one transaction at a time)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await database.query(`insert into app_secrets (name, value) values ('deadlock-a', '0'), ('deadlock-b', '0')`);
  });
  afterAll(async () => { await database.close(); });

  it('is run again, and both callers succeed', async () => {
    const db = database.db;
    let arrived = 0;
    let release!: () => void;
    const bothHoldOne = new Promise<void>((resolve) => { release = resolve; });
    const attempts = { a: 0, b: 0 };
    const bump = (name: string) => sql`update app_secrets set value = (value::int + 1)::text where name = ${name}`;
    const run = (key: 'a' | 'b', first: string, second: string) => db.transaction(async (tx) => {
      attempts[key]++;
      await tx.execute(bump(first));
      if (++arrived === 2) release();
      await bothHoldOne;
      await tx.execute(bump(second));
    });
    const results = await Promise.allSettled([run('a', 'deadlock-a', 'deadlock-b'), run('b', 'deadlock-b', 'deadlock-a')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    // One of them was the deadlock's victim and ran twice; each committed its two updates once.
    expect(attempts.a + attempts.b).toBe(3);
    const { rows } = await database.query(`select value from app_secrets where name in ('deadlock-a', 'deadlock-b')`);
    expect(rows.map((r) => r.value)).toEqual(['2', '2']);
  });
});
