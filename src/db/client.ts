import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database: domain functions accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface RawResult {
  rows: Record<string, unknown>[];
}

/** One database, embedded or a server: the same schema and SQL on both. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Parameterised SQL outside Drizzle (pg-boss, migrations' locks, health checks). */
  query(text: string, values?: unknown[]): Promise<RawResult>;
  close(): Promise<void>;
}

export interface Logger {
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  const client = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.loadDataDir,
    extensions: { btree_gist },
  });
  return {
    kind: 'pglite',
    db: drizzlePglite({ client, schema }) as unknown as Db,
    async query(text, values) {
      // PGlite's query() is one prepared statement; a parameterless script of several goes to exec().
      if (!values?.length && /;\s*\S/.test(text.trim().replace(/;\s*$/, ''))) {
        const results = await client.exec(text);
        return { rows: (results.at(-1)?.rows ?? []) as Record<string, unknown>[] };
      }
      const r = await client.query(text, values as unknown[]);
      return { rows: r.rows as Record<string, unknown>[] };
    },
    close: () => client.close(),
  };
}

export function openPostgres(url: string, logger: Logger, options: { max?: number } = {}): Database & { pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // Without this listener a reset idle connection (server restart, failover, pg_terminate_backend)
  // is an unhandled 'error' event and kills the process. The pool drops the client and makes a new one.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'database connection lost; the pool will reconnect'));
  // pg-pool listens for errors only on idle clients. A connection dropped while checked out (mid-
  // transaction) emits 'error' on the client itself: its query fails, the process must not.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger.warn({ err: err.message }, 'database connection lost during use'));
    releaseWhenBeginFails(client);
  });
  return {
    kind: 'postgres',
    pool,
    db: retryDeadlocks(drizzlePg({ client: pool, schema }) as unknown as Db),
    async query(text, values) {
      const r = await pool.query(text, values as unknown[]);
      // A multi-statement script returns an array of results.
      const last = Array.isArray(r) ? r.at(-1) : r;
      return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
    },
    close: () => pool.end(),
  };
}

/**
 * Drizzle's transaction() checks a client out of the pool and releases it in a `finally` that starts
 * only after `begin` succeeded: when the connection is lost between checkout and `begin`, the client
 * is never released, and each such failure leaks a connection until the pool is exhausted and every
 * request waits for one. Release it here (with the error, so the pool discards it).
 */
function releaseWhenBeginFails(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const first = args[0] as string | { text?: unknown } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    const result = query(...args);
    if (typeof text === 'string' && /^\s*begin\b/i.test(text) && result instanceof Promise) {
      return result.catch((err: Error) => {
        client.release(err);
        throw err;
      });
    }
    return result;
  }) as typeof client.query;
}

/** SQLSTATEs after which the same transaction, run again, can succeed: deadlock and serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

function retryable(err: unknown): boolean {
  // Drizzle wraps the driver's error; the SQLSTATE is on it or on its cause.
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && RETRYABLE.has(e.code)) return true;
  }
  return false;
}

/**
 * PostgreSQL breaks a deadlock by failing one of the transactions in it (40P01). Some are hard to rule
 * out by lock order alone: an UPDATE of a session re-checks the exclusion constraints and waits for a
 * booking in flight, which waits for it. The failed transaction was rolled back whole, so running it
 * again is safe, and is what PostgreSQL's documentation advises. Transactions here hold no outside
 * effects (calls to providers happen after commit, from the outbox or jobs).
 */
function retryDeadlocks(db: Db): Db {
  const transaction = db.transaction.bind(db);
  const retrying = async (...args: Parameters<Db['transaction']>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(...args);
      } catch (err) {
        if (attempt >= ATTEMPTS || !retryable(err)) throw err;
        // A short random pause, so the transactions that met do not meet again in the same order.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
      }
    }
  };
  (db as { transaction: unknown }).transaction = retrying;
  return db;
}
