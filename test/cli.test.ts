import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPasswordHasher } from '../src/accounts/password';
import { runCli, UsageError } from '../src/cli/commands';
import { loadConfig } from '../src/config';
import { emailOutbox, mentorProfiles, sessions, users } from '../src/db/schema';
import { openConfiguredDatabase } from '../src/db/open';
import { DEMO_LOGINS, DEMO_PASSWORD } from '../src/demo/seed';
import { createEmptyPostgresDatabase, onPostgres } from './helpers/db';

const silent = { warn() {}, error() {} };

/** A minimal environment: nothing of the test runner's (DATABASE_URL, PORT …) leaks into the child. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...extra };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The non-empty lines written to stderr. */
  errorLines: string[];
}

/** `npm run cli -- …` without npm: the same script, run by tsx. */
function cli(args: string[], env: Record<string, string>, timeout = 60_000): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: process.cwd(), env: childEnv(env), encoding: 'utf8', timeout });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, errorLines: r.stderr.split('\n').filter((l) => l.trim()) };
}

function expectOneLineError(run: Run, pattern: RegExp) {
  expect(run.status, run.stderr).toBe(1);
  expect(run.errorLines, run.stderr).toHaveLength(1);
  expect(run.errorLines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cmh-cli-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => { for (const d of tempDirs) rmSync(d, { recursive: true, force: true }); });

describe('bad input: status 1 and one clear line', () => {
  // Validation happens before the database is opened; a data dir is given anyway so that a
  // regression could never touch ./data.
  let env: Record<string, string>;
  beforeAll(() => { env = { DATA_DIR: join(tempDir(), 'never-used') }; });
  const good = ['--role', 'mentee', '--email', 'new@example.com', '--password', 'long enough password', '--name', 'New Person'];
  const without = (flag: string) => {
    const i = good.indexOf(flag);
    return [...good.slice(0, i), ...good.slice(i + 2)];
  };
  const withValue = (flag: string, value: string) => good.map((v, i) => (good[i - 1] === flag ? value : v));

  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['user:delete'], /unknown command "user:delete"/],
    ['a missing --email', ['user:create', ...without('--email')], /--email is required/],
    ['a missing --password', ['user:create', ...without('--password')], /--password is required/],
    ['a bad --role', ['user:create', ...withValue('--role', 'superuser')], /--role: must be admin, mentor or mentee/],
    ['an address list as --email', ['user:create', ...withValue('--email', 'a@x, b@y')], /--email: .*valid email address/],
    ['a header injection in --email', ['user:create', ...withValue('--email', 'a@x.test\nBcc: v@x.test')], /--email: /],
    ['a short --password', ['user:create', ...withValue('--password', 'short')], /--password: Use at least 10 characters/],
    ['a common --password', ['user:create', ...withValue('--password', 'password123')], /--password: This is a commonly used password\./],
    ['ten spaces as --password', ['user:create', ...withValue('--password', ' '.repeat(10))], /--password: A password of only spaces is too easy to guess/],
    ['the person\'s name as --password', ['user:create', ...withValue('--password', 'new-person-2026')], /--password: This password is mostly your name or email address/],
    ['a bad --timezone', ['user:create', ...good, '--timezone', 'Mars/Olympus'], /--timezone: must be an IANA time zone/],
    ['an unknown flag', ['user:create', ...good, '--admin'], /Unknown option '--admin'/],
    ['arguments to db:migrate', ['db:migrate', '--force'], /db:migrate takes no arguments/],
    ['session:create without --start', ['session:create', '--mentor', 'm@example.com', '--mentee', 'e@example.com', '--duration', '60'], /--start is required/],
    ['session:create with a bad --start', ['session:create', '--mentor', 'm@example.com', '--mentee', 'e@example.com', '--start', 'next tuesday', '--duration', '60'], /--start: must be an ISO 8601 time/],
    ['session:create with a bad --duration', ['session:create', '--mentor', 'm@example.com', '--mentee', 'e@example.com', '--start', '2030-01-01T10:00:00Z', '--duration', '5'], /--duration: must be at least 15 minutes/],
  ];
  // Each case in this process (a child process costs seconds of start-up); the ones below run the real
  // command, for the one printed line and the exit status.
  it.each(cases)('%s', async (_label, args, pattern) => {
    const refusal = await runCli(args).then(() => null, (err: unknown) => err);
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as Error).message).toMatch(pattern);
    expect((refusal as Error).message).not.toContain('\n');
  });

  it.each(cases.filter(([label]) => ['an unknown command', 'a common --password', 'session:create with a bad --start'].includes(label)))('as a command, %s: status 1 and one line', (_label, args, pattern) => {
    const run = cli(args, env, 30_000);
    expectOneLineError(run, pattern);
    expect(run.stdout.trim()).toBe('');
    expect(existsSync(env.DATA_DIR!)).toBe(false);
  });

  it('prints the usage for help, with status 0', () => {
    const run = cli(['help'], env, 30_000);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('user:create --role admin|mentor|mentee');
  });
});

describe('commands that change the database', () => {
  // One database for the whole sequence: each new embedded data dir costs ~5 s of initdb.
  let dataDir: string;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dataDir = join(tempDir(), 'data');
    if (onPostgres) {
      const pgDb = await createEmptyPostgresDatabase();
      drop = pgDb.drop;
      env = { DATABASE_URL: pgDb.url, DATA_DIR: dataDir };
    } else {
      env = { DATA_DIR: dataDir };
    }
  });
  afterAll(async () => { await drop?.(); });

  /** runCli in this process with the same environment (boot() reads it): refusals are UsageErrors. */
  async function inProcess(args: string[]): Promise<string> {
    vi.stubEnv('DATABASE_URL', env.DATABASE_URL ?? '');
    vi.stubEnv('DATA_DIR', env.DATA_DIR!);
    vi.stubEnv('LOG_LEVEL', 'silent');
    try {
      return await runCli(args);
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      throw err;
    } finally {
      vi.unstubAllEnvs();
    }
  }

  it('migrates, creates a user once, and seeds demo data idempotently', async () => {
    const migrated = cli(['db:migrate'], env);
    expect(migrated.status, migrated.stderr).toBe(0);
    expect(migrated.stdout).toContain('Database is up to date.');

    const created = cli(['user:create', '--role', 'mentor', '--email', 'Grace@Example.com', '--password', 'a long enough password', '--name', 'Grace Hopper', '--timezone', 'America/New_York'], env);
    expect(created.status, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^Created mentor grace@example\.com \([0-9a-f-]{36}\)$/m);
    expect(created.errorLines).toEqual([]);

    // The same address in another case is the same account. (Refusals run in this process: each
    // spawned command costs seconds of start-up, and the spawned ones above already prove the path.)
    await expect(inProcess(['user:create', '--role', 'mentee', '--email', 'GRACE@example.com', '--password', 'another long password', '--name', 'Someone Else'])).rejects.toThrow(/already exists/);

    for (let i = 0; i < 2; i++) {
      const seeded = cli(['demo:seed'], env);
      if (i === 0) {
        const start = new Date(Date.now() + 7 * 86_400_000);
        start.setUTCMinutes(0, 0, 0);
        const args = ['session:create', '--mentor', 'grace@example.com', '--mentee', 'alice@example.com', '--start', start.toISOString(), '--duration', '60'];
        const made = cli(args, env);
        expect(made.status, made.stderr).toBe(0);
        expect(made.stdout).toMatch(/^Created session [0-9a-f-]{36} \(paid, pending the mentor's acceptance\)$/m);
        // The same slot again: the mentor is busy then.
        await expect(inProcess(args)).rejects.toThrow(/--start: the mentor already has a session at that time/);
        await expect(inProcess(['session:create', '--mentor', 'alice@example.com', '--mentee', 'grace@example.com', '--start', start.toISOString(), '--duration', '60'])).rejects.toThrow(/--mentor: no mentor with email alice@example.com/);
      }
      expect(seeded.status, seeded.stderr).toBe(0);
      expect(seeded.stdout).toContain(`password "${DEMO_PASSWORD}"`);
      for (const login of DEMO_LOGINS) expect(seeded.stdout).toContain(login.email);
      expect(seeded.stdout).toContain('admin@example.com');
    }

    const database = await openConfiguredDatabase(loadConfig(env), silent);
    try {
      const grace = await database.db.select().from(users).where(eq(users.email, 'grace@example.com'));
      expect(grace).toHaveLength(1);
      expect(grace[0]).toMatchObject({ role: 'mentor', name: 'Grace Hopper', timezone: 'America/New_York' });
      expect(await createPasswordHasher().verify('a long enough password', grace[0]!.passwordHash)).toBe(true);
      expect(await database.db.select().from(mentorProfiles).where(eq(mentorProfiles.userId, grace[0]!.id))).toHaveLength(1);

      const [made] = await database.db.select().from(sessions).where(eq(sessions.mentorId, grace[0]!.id));
      expect(made).toMatchObject({ status: 'pending', durationMinutes: 60, priceCents: 5000, paymentProvider: 'manual' });
      expect(await database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${made!.id}`))).toHaveLength(1);
      const all = await database.db.select({ email: users.email, role: users.role }).from(users);
      expect(all).toHaveLength(DEMO_LOGINS.length + 1);
      for (const login of DEMO_LOGINS) expect(all).toContainEqual({ email: login.email, role: login.role });
    } finally {
      await database.close();
    }
  }, 180_000);

  it('refuses a second process on an embedded data dir that is in use', async () => {
    // Always the embedded database, even in a PostgreSQL run: the lock only exists there.
    const pgliteEnv = { DATA_DIR: dataDir };
    const holder = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(), env: childEnv({ ...pgliteEnv, PORT: '0', DEMO_SEED: 'false' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    holder.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    holder.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    const exited = new Promise<number | null>((resolve) => holder.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output.includes('is running at') || holder.exitCode !== null, 90_000, () => `the app did not start:\n${output}`);
      expect(holder.exitCode, output).toBeNull();
      expect(readFileSync(join(dataDir, 'codementorhub.pid'), 'utf8').trim()).toBe(String(holder.pid));

      const refused = cli(['db:migrate'], pgliteEnv);
      expectOneLineError(refused, new RegExp(`in use by process ${holder.pid}\\b.*DATABASE_URL`));
    } finally {
      holder.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // A graceful stop releases the lock: the next process gets in.
    expect(existsSync(join(dataDir, 'codementorhub.pid'))).toBe(false);
    const after = cli(['db:migrate'], pgliteEnv);
    expect(after.status, after.stderr).toBe(0);
  }, 180_000);
});

async function waitFor(cond: () => boolean, ms: number, message: () => string) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(message());
    await new Promise((r) => setTimeout(r, 50));
  }
}
