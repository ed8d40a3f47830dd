import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { installJobQueues } from '../jobs/registry';
import type { Database } from './client';

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant: it serialises migrations when several processes start at once on one server.
const MIGRATION_LOCK = 727_001;

/**
 * Installs pg-boss and our job queues (web requests send jobs in their transactions, so they must exist
 * before any request), then applies the committed SQL migrations (src/db/migrations) not run yet.
 */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await installJobQueues(database);
    await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  const pool = (database as Database & { pool: import('pg').Pool }).pool;
  const lockClient = await pool.connect();
  try {
    await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await installJobQueues(database);
    await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder });
  } finally {
    await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    lockClient.release();
  }
}
