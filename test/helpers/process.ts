import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyPostgresDatabase, onPostgres } from './db';

export async function freePort(): Promise<number> {
  const held = await holdPort();
  await held.release();
  return held.port;
}

/**
 * A free loopback port, kept listening until `release()`: someone who must know the port long before
 * listening on it (an app whose APP_URL names it) releases it just before, so no other test's
 * listen(0) or outgoing connection can take it meanwhile.
 */
export async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, release: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A database for child processes: a fresh data dir (PGlite) or a fresh empty PostgreSQL database. */
export async function childDatabaseEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }> {
  if (onPostgres) {
    const db = await createEmptyPostgresDatabase();
    return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
  }
  return { env: { DATA_DIR: mkdtempSync(join(tmpdir(), 'cmh-proc-')) }, cleanup: async () => {} };
}

export interface AppProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `src/main.ts` as its own process (one process: node with tsx as a loader, so a signal reaches it). */
export async function spawnApp(env: Record<string, string>, timeoutMs = 60_000, script = 'src/main.ts', ready = 'is running at'): Promise<AppProcess> {
  // The child binds the port seconds after it was found free; if another test took it meanwhile, another port.
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnAppOnce(env, timeoutMs, script, ready);
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes('EADDRINUSE')) throw err;
    }
  }
}

async function spawnAppOnce(env: Record<string, string>, timeoutMs: number, script: string, ready: string): Promise<AppProcess> {
  const port = String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, TEST_DATABASE_URL: '', PORT: port, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes(ready)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`app did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => out, exited };
}
