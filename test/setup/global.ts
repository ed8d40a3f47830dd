import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPglite, openPostgres } from '../../src/db/client';
import { migrate } from '../../src/db/migrate';
import { entityQueues, installJobQueues } from '../../src/jobs/registry';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgTemplate: string;
    /** This run's prefix for its databases: runs sharing one server never touch each other's. */
    pgPrefix: string;
  }
}

const silent = { warn() {}, error() {} };

/** Test databases retry a failed job after a second, not minutes later, so tests see retries (as before) in seconds. */
async function migrateForTests(database: Parameters<typeof migrate>[0]) {
  await migrate(database);
  await installJobQueues(database, Object.fromEntries(entityQueues.map((name) => [name, { retryDelay: 1, retryBackoff: false }])));
}

/**
 * Migrates one database per run and lets every test start from a copy of it: a PGlite data-dir
 * snapshot (~1 s to load instead of ~5 s of initdb) or a PostgreSQL template database (~0.1 s).
 */
export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const run = randomBytes(4).toString('hex');
    const template = `cmh_tpl_${run}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const database = openPostgres(withDatabase(url, template), silent);
    await migrateForTests(database);
    await database.close();
    project.provide('pgTemplate', template);
    project.provide('pgPrefix', `cmh_t_${run}_`);
    project.provide('pgliteSnapshot', '');
    return async () => {
      // Only this run's databases (left behind by a test that failed before closing its own).
      const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where starts_with(datname, $1) or datname = $2`, [`cmh_t_${run}_`, template]);
      for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
      await admin.end();
    };
  }
  project.provide('pgliteSnapshot', await pgliteSnapshot());
  project.provide('pgTemplate', '');
  project.provide('pgPrefix', '');
}

/**
 * The migrated PGlite data dir as a tar file. A fresh PGlite spends ~10 s in initdb, so the
 * snapshot is kept between runs, named after what it is made of: the migrations, the code that
 * opens and migrates the database, and the PGlite and Drizzle versions. A change to any makes a new one.
 */
async function pgliteSnapshot(): Promise<string> {
  const migrations = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));
  const hash = createHash('sha256');
  for (const file of ['node_modules/@electric-sql/pglite/package.json', 'node_modules/drizzle-orm/package.json', 'src/db/client.ts', 'src/db/migrate.ts']) {
    hash.update(readFileSync(new URL(`../../${file}`, import.meta.url)));
  }
  for (const dir of [migrations, join(migrations, 'meta')]) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.sql') || name.endsWith('.json')) hash.update(name).update(readFileSync(join(dir, name)));
    }
  }
  const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/codementorhub/', import.meta.url));
  const file = join(cacheDir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(file)) return file;

  const database = await openPglite({});
  await migrateForTests(database);
  const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const blob = await client.dumpDataDir('none');
  await database.close();
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed: a run that stops half-way never leaves half a snapshot behind.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.from(await blob.arrayBuffer()));
  renameSync(partial, file);
  return file;
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
