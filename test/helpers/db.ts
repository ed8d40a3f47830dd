import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, inject } from 'vitest';
import { openPglite, openPostgres, type Database } from '../../src/db/client';
import { withDatabase } from '../setup/global';

export const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const silent = { warn() {}, error() {} };

export interface TestDatabase extends Database {
  /** PostgreSQL only: the URL of this test's own database, for child processes. */
  url?: string;
}

/** A fresh, migrated database for one test (file): a copy of the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const snapshot = readFileSync(inject('pgliteSnapshot'));
    return openPglite({ loadDataDir: new Blob([snapshot]) });
  }
  const name = `${inject('pgPrefix')}${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name} template ${inject('pgTemplate')}`);
  const dbUrl = withDatabase(url, name);
  const database = openPostgres(dbUrl, silent);
  return {
    ...database,
    url: dbUrl,
    async close() {
      await database.close();
      await adminQuery(url, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A fresh empty PostgreSQL database URL (child-process tests migrate it themselves). */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const name = `${inject('pgPrefix')}${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name}`);
  return { url: withDatabase(url, name), drop: () => adminQuery(url, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const migrations = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));

/** A copy of the migrations folder that stops just before the one whose tag ends with `_${name}`. */
export function migrationsBefore(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  cpSync(migrations, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag.endsWith(`_${name}`));
  expect(at, `a migration named ${name}`).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, at);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}
