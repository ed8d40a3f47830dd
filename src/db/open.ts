import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config';
import { openPglite, openPostgres, type Database, type Logger } from './client';

export class DataDirInUseError extends Error {}

/**
 * Opens the configured database: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR. PGlite is
 * one process's database, so a lock file keeps a second process (a CLI run, a second app) out of it.
 */
export async function openConfiguredDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, logger);
  const dir = resolve(config.dataDir);
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'codementorhub.pid');
  takeLock(lock);
  try {
    const database = await openPglite({ dataDir: join(dir, 'pglite') });
    return { ...database, close: async () => { await database.close(); rmSync(lock, { force: true }); } };
  } catch (err) {
    rmSync(lock, { force: true });
    throw err;
  }
}

function takeLock(lock: string) {
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new DataDirInUseError(`the embedded database in ${lock.replace(/\/codementorhub\.pid$/, '')} is in use by process ${pid}; stop it first, or use DATABASE_URL`);
    }
    rmSync(lock, { force: true });
  }
  const fd = openSync(lock, 'wx');
  writeSync(fd, String(process.pid));
  closeSync(fd);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
