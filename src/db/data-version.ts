import { sql } from 'drizzle-orm';
import type { Db } from './client';
import { oncePerDatabase } from './prepared';
import { dataVersions } from './schema';

/**
 * The data version: the number of committed writes to what the cached lists show (sessions, the
 * names on them, reviews). Triggers add one for each statement that changed such a row, in that
 * statement's transaction (migration 0021), so the version a reader sees and the rows it sees come
 * from the same commits.
 *
 * Why that makes a cache exact: the version only grows, and a later snapshot sees every commit an
 * earlier one saw. So if the version read now equals the one read before a cached page's rows were
 * read, no such write has committed in between, and the kept page is what reading again would give.
 * The version must be read before the rows (readDataVersion, then the query): rows read after it can
 * only be as new or newer, never older.
 *
 * Each backend counts in its own row (no two transactions wait on one row), and the version is
 * their sum; foldDataVersions moves the rows of backends that have gone into row 0.
 */

/** The sum of the rows, as text (a bigint exceeds what a JS number holds exactly). */
const versionSum = sql<string>`coalesce(sum(${dataVersions.n}), 0)::text`;

/** The version as a column of another statement (the login-session lookup reads it in passing). */
export const dataVersionColumn = sql<string>`(select ${versionSum} from ${dataVersions})`;

function buildRead(db: Db) {
  return db
    .select({ version: versionSum })
    .from(dataVersions)
    .prepare('data_version');
}
const readStatement = oncePerDatabase(buildRead);

export async function readDataVersion(db: Db): Promise<string> {
  const [row] = await readStatement(db).execute();
  return row!.version;
}

/**
 * Sweep: the rows of backends that are no longer connected are added into row 0 and deleted, in
 * one statement, so the sum (the version) does not change. A backend that starts meanwhile with a
 * reused process id waits for this statement's row lock and then starts a row of its own.
 */
export async function foldDataVersions(options: { db: Db }): Promise<number> {
  const result = await options.db.execute(sql`
    with gone as (
      delete from data_versions
      where backend <> 0 and backend not in (select pid from pg_stat_activity where pid is not null)
      returning n
    )
    update data_versions set n = n + (select coalesce(sum(n), 0) from gone)
    where backend = 0 and (select count(*) from gone) > 0
    returning (select count(*) from gone)::int as folded`);
  const rows = (result as unknown as { rows: { folded: number }[] }).rows;
  return rows[0]?.folded ?? 0;
}
