import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  const dir = mkdtempSync(join(tmpdir(), 'cmh-test-'));
  const database = await openPglite({});
  await migrateForTests(database);
  const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const blob = await client.dumpDataDir('none');
  const file = join(dir, 'snapshot.tar');
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await database.close();
  project.provide('pgliteSnapshot', file);
  project.provide('pgTemplate', '');
  project.provide('pgPrefix', '');
  return () => rmSync(dir, { recursive: true, force: true });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
