import { sql } from 'drizzle-orm';
import type { Db } from './client';

/**
 * A LIMIT written into a prepared statement's text rather than sent as a parameter. PostgreSQL
 * plans a prepared statement once only if its generic plan looks as cheap as a custom one; with the
 * limit as a parameter the generic plan cannot know the page is 51 rows, and a statement with no
 * other narrowing (the admin Sessions list) was planned again on every call (bench/RESULTS.md).
 * Drizzle takes any SQL object where a limit goes; its type only says number.
 */
export function literalLimit(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`limit must be a whole number, not ${n}`);
  return sql.raw(String(n)) as unknown as number;
}

/**
 * What `build` makes for a database, made once per database: a prepared statement is built (its SQL
 * text and Drizzle's row mapping) on first use and reused; several apps can share a process, as the
 * tests' do, so the cache is per database, not global.
 */
export function oncePerDatabase<T>(build: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = build(db);
      made.set(db, value);
    }
    return value;
  };
}

/**
 * `(v1, v2, …)` written into the statement for `column in …`: with the values bound as parameters,
 * a generic plan cannot match a partial index whose predicate names them (schema.ts). Our own
 * constants only (enum values), never input.
 */
export function literalList(values: readonly string[]) {
  if (values.some((v) => !/^[a-z_]+$/.test(v))) throw new Error(`literalList takes enum values, not ${JSON.stringify(values)}`);
  return sql.raw(`(${values.map((v) => `'${v}'`).join(', ')})`);
}
