import { rmSync } from 'node:fs';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { describe, expect, it } from 'vitest';
import { openPglite, openPostgres, type Database } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { createEmptyPostgresDatabase, migrationsBefore, onPostgres } from './helpers/db';

describe('the accounts migration', () => {
  it('counts every account that exists before it as having a confirmed email', async () => {
    const before = migrationsBefore('accounts');
    const pg = onPostgres ? await createEmptyPostgresDatabase() : null;
    const silent = { warn() {}, error() {} };
    const database: Database = pg ? openPostgres(pg.url, silent) : await openPglite({});
    try {
      if (pg) await migratePg(database.db as unknown as NodePgDatabase, { migrationsFolder: before });
      else await migratePglite(database.db as unknown as PgliteDatabase, { migrationsFolder: before });
      await database.query(`insert into users (email, name, password_hash, created_at) values ('old@example.com', 'Old Timer', 'x', '2025-01-02T03:04:05Z')`);
      await migrate(database);
      const { rows } = await database.query(`select email_verified_at, deactivated_at from users where email = 'old@example.com'`);
      expect(new Date(rows[0]!.email_verified_at as string).toISOString()).toBe('2025-01-02T03:04:05.000Z');
      expect(rows[0]!.deactivated_at).toBeNull();
    } finally {
      await database.close();
      await pg?.drop();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
