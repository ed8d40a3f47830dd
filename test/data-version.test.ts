import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldDataVersions, readDataVersion } from '../src/db/data-version';
import { dataVersions, reviews, sessions, users } from '../src/db/schema';
import { keepWhileUnchanged } from '../src/web/kept';
import { onPostgres } from './helpers/db';
import { buildTestApp, type TestApp } from './helpers/app';
import { pendingSession } from './helpers/scenario';

let t: TestApp;
let mentor: { id: string; email: string };
let mentee: { id: string; email: string };
let sessionId: string;
const version = async () => BigInt(await readDataVersion(t.database.db));
let hour = 0;
const nextStart = () => new Date(Date.UTC(2031, 0, 1 + Math.floor(hour / 10), 8 + (hour++ % 10)));

beforeAll(async () => {
  t = await buildTestApp();
  mentor = await t.createUser('mentor', { name: 'Vera Version' });
  mentee = await t.createUser('mentee', { name: 'Mo Mentee' });
  sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start: nextStart() });
}, 60_000);
afterAll(async () => { await t.close(); });

describe('the data version', () => {
  it('grows with each committed change to sessions, reviews and people\'s names, and with nothing else', async () => {
    const db = t.database.db;
    const steps: [string, () => Promise<unknown>, boolean][] = [
      ['a new session', () => pendingSession({ db, mentor, mentee, start: nextStart() }), true],
      ['a session changed', () => db.update(sessions).set({ durationMinutes: 30 }).where(eq(sessions.id, sessionId)), true],
      ['an update that matches no session', () => db.update(sessions).set({ durationMinutes: 30 }).where(eq(sessions.id, '00000000-0000-4000-8000-000000000000')), false],
      ['a review', () => db.insert(reviews).values({ sessionId, mentorId: mentor.id, menteeId: mentee.id, rating: 5 }), true],
      ['a review changed', () => db.update(reviews).set({ rating: 4 }).where(eq(reviews.sessionId, sessionId)), true],
      ['a rename', () => db.update(users).set({ name: 'Vera Renamed' }).where(eq(users.id, mentor.id)), true],
      ['another time zone', () => db.update(users).set({ timezone: 'Europe/Oslo' }).where(eq(users.id, mentor.id)), false],
      ['a failed transaction', () => db.transaction(async (tx) => {
        await tx.update(sessions).set({ durationMinutes: 45 }).where(eq(sessions.id, sessionId));
        throw new Error('rolled back');
      }).catch(() => {}), false],
      ['a review removed', () => db.delete(reviews).where(eq(reviews.sessionId, sessionId)), true],
    ];
    for (const [what, step, grows] of steps) {
      const before = await version();
      await step();
      const after = await version();
      expect(after > before, what).toBe(grows);
      if (!grows) expect(after, what).toBe(before);
    }
  });

  it('folds the rows of backends that have gone into one, and the version stays the same', async () => {
    const db = t.database.db;
    if (onPostgres) {
      // A write from a backend of its own, which then disconnects.
      const client = new pg.Client({ connectionString: t.database.url });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      await client.query('update sessions set duration_minutes = 60 where id = $1', [sessionId]);
      await client.end();
      const gone = rows[0]!.pid;
      for (let i = 0; i < 100; i++) {
        const live = await db.execute(sql`select 1 from pg_stat_activity where pid = ${gone}`);
        if ((live as unknown as { rows: unknown[] }).rows.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const before = await version();
      expect(await foldDataVersions({ db })).toBeGreaterThanOrEqual(1);
      expect(await version()).toBe(before);
      expect(await db.select().from(dataVersions).where(eq(dataVersions.backend, gone))).toEqual([]);
    }
    const before = await version();
    await foldDataVersions({ db });
    expect(await version()).toBe(before);
    // Row 0 holds what was folded; a live backend still counts in its own row.
    await db.update(sessions).set({ durationMinutes: 90 }).where(eq(sessions.id, sessionId));
    expect(await version()).toBe(before + 1n);
  });
});

describe.runIf(onPostgres)('the data version on a server with many connections (PostgreSQL)', () => {
  const connect = async () => {
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    return client;
  };

  it('does not count a write until it commits', async () => {
    const writer = await connect();
    try {
      const before = await version();
      await writer.query('begin');
      await writer.query('update sessions set duration_minutes = 45 where id = $1', [sessionId]);
      expect(await version()).toBe(before);
      await writer.query('commit');
      expect(await version()).toBe(before + 1n);
    } finally {
      await writer.end();
    }
  });

  it('never makes one writer wait for another', async () => {
    const second = await pendingSession({ db: t.database.db, mentor, mentee, start: nextStart() });
    const [a, b] = [await connect(), await connect()];
    try {
      await a.query('begin');
      await a.query('update sessions set duration_minutes = 30 where id = $1', [sessionId]);
      await b.query('begin');
      // Would wait until a's commit if both counted in one row; lock_timeout makes waiting fail.
      await b.query("set local lock_timeout = '2s'");
      await b.query('update sessions set duration_minutes = 30 where id = $1', [second]);
      await b.query('commit');
      await a.query('commit');
    } finally {
      await a.end();
      await b.end();
    }
  });
});

describe('keepWhileUnchanged', () => {
  it('makes a value once while nothing changes, again after a change, and never keeps one made across a change', async () => {
    const db = t.database.db;
    const kept = keepWhileUnchanged<number>({ max: 4 });
    let made = 0;
    const make = async () => ({ value: ++made });
    expect(await kept({ db, key: 'a', make })).toBe(1);
    expect(await kept({ db, key: 'a', make })).toBe(1);
    await db.update(sessions).set({ durationMinutes: 60 }).where(eq(sessions.id, sessionId));
    expect(await kept({ db, key: 'a', make })).toBe(2);
    // A change that commits while the value is being made: it was made from newer rows than the
    // version it was read under, so the next request makes it again rather than trusting it.
    const racing = async () => {
      await db.update(sessions).set({ durationMinutes: 30 }).where(eq(sessions.id, sessionId));
      return { value: ++made };
    };
    await db.update(sessions).set({ durationMinutes: 45 }).where(eq(sessions.id, sessionId));
    expect(await kept({ db, key: 'a', make: racing })).toBe(3);
    expect(await kept({ db, key: 'a', make })).toBe(4);
    expect(await kept({ db, key: 'a', make })).toBe(4);
  });

  it('keeps at most max keys, dropping the least recently used', async () => {
    const db = t.database.db;
    const kept = keepWhileUnchanged<string>({ max: 2 });
    const made: string[] = [];
    const make = (key: string) => async () => { made.push(key); return { value: key }; };
    for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await kept({ db, key, make: make(key) });
    // 'b' was the least recently used when 'c' came, so only 'b' is made twice.
    expect(made).toEqual(['a', 'b', 'c', 'b']);
  });
});
