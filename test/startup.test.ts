import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyPostgresDatabase, onPostgres } from './helpers/db';

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(cond: () => boolean, ms: number, message: () => string) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

describe(`npm start (${onPostgres ? 'PostgreSQL' : 'embedded database'})`, () => {
  it('starts on a fresh database with demo data, serves pages and health, and stops gracefully on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmh-start-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    const env: Record<string, string> = { DATA_DIR: dataDir };
    if (onPostgres) {
      const pgDb = await createEmptyPostgresDatabase();
      cleanups.push(pgDb.drop);
      env.DATABASE_URL = pgDb.url;
    }
    const port = await freePort();

    // What `npm start` runs (tsx src/main.ts), without npm in between so the signal reaches the app.
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })));
    cleanups.push(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });

    // The banner is several writes and may arrive in several chunks: wait for its last line (the last demo login).
    await waitFor(() => /bob@example\.com/.test(stdout) || child.exitCode !== null, 90_000, () => `no start-up banner within 90 s:\n${stdout}\n${stderr}`);
    expect(child.exitCode, `${stdout}\n${stderr}`).toBeNull();

    expect(stdout).toContain(`CodeMentorHub is running at http://localhost:${port}`);
    expect(stdout).toContain(onPostgres ? 'Database: PostgreSQL' : `Database: embedded (${dataDir})`);
    expect(stdout).toMatch(/Demo data created\. Demo logins \(password "[^"]+"\)/);
    expect(stdout).toMatch(/admin\s+admin@example\.com/);
    expect(stdout).toMatch(/mentor\s+priya@example\.com/);
    expect(stdout).toMatch(/mentee\s+alice@example\.com/);
    if (!onPostgres) expect(existsSync(join(dataDir, 'codementorhub.pid'))).toBe(true);

    const base = `http://127.0.0.1:${port}`;
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await home.text();
    expect(page).toContain('CodeMentorHub');
    // The seeded mentors are listed on the home page.
    expect(page).toContain('Priya Raman');

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const startedStop = Date.now();
    child.kill('SIGTERM');
    const result = await Promise.race([
      exited,
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    expect(result, `${stdout}\n${stderr}`).toEqual({ code: 0, signal: null });
    expect(Date.now() - startedStop).toBeLessThan(10_000);
    // The graceful stop closed the embedded database and released its lock.
    if (!onPostgres) expect(existsSync(join(dataDir, 'codementorhub.pid'))).toBe(false);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 150_000);
});
