import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from '../src/config';

/** The ConfigError that loading this environment throws (fails the test if none is thrown). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const SECRET = 'x'.repeat(32);
const STRIPE = { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_123', STRIPE_WEBHOOK_SECRET: 'whsec_123' };

describe('loadConfig defaults', () => {
  it('runs in demo mode with nothing set', () => {
    const config = loadConfig({});
    expect(config.env).toBe('development');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.appUrl).toBe('http://localhost:3000');
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(config.mailFrom).toEqual({ name: 'CodeMentorHub', address: 'no-reply@localhost' });
    expect(config.meetings.provider).toBe('jitsi');
    expect(config.meetings).toMatchObject({ jitsi: { baseUrl: 'https://meet.jit.si' } });
    expect(config.payments.provider).toBe('test');
    expect(config.sessionSecret).toBeUndefined();
    expect(config.demoSeed).toBe(true);
    expect(config.runWorker).toBe(true);
  });

  it('derives APP_URL from PORT and drops a trailing slash from an explicit one', () => {
    expect(loadConfig({ PORT: '8080' }).appUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', APP_URL: 'https://mentors.example.com/' }).appUrl).toBe('https://mentors.example.com');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', MEETING_PROVIDER: '' });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.meetings.provider).toBe('jitsi');
  });

  it('reads the values it is given', () => {
    const config = loadConfig({
      PORT: '4000', HOST: '0.0.0.0', DATABASE_URL: 'postgres://u@db:5432/app', SMTP_URL: 'smtps://u:p@mail.example.com:465',
      SMTP_TIMEOUT_MS: '5000', MAIL_FROM: 'Mentors <hello@example.com>', MEETING_PROVIDER: 'none', RUN_WORKER: 'false', DEMO_SEED: 'no',
    });
    expect(config).toMatchObject({
      port: 4000, host: '0.0.0.0', databaseUrl: 'postgres://u@db:5432/app',
      smtp: { url: 'smtps://u:p@mail.example.com:465', timeoutMs: 5000 },
      mailFrom: { name: 'Mentors', address: 'hello@example.com' },
      meetings: { provider: 'none' }, runWorker: false, demoSeed: false,
    });
  });
});

describe('.env.example', () => {
  const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

  it('gives the defaults as it is (copying it to .env changes nothing)', () => {
    expect(loadConfig(parseEnv(text))).toEqual(loadConfig({}));
  });

  it('lists and explains every variable', () => {
    const lines = text.split('\n');
    const listed = lines.map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1]).filter(Boolean);
    expect(listed.sort()).toEqual(Object.keys(envSchema.shape).sort());
    for (const name of listed) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      // Each variable sits under a comment (directly, or with the variables it is grouped with).
      expect(lines.slice(0, at).reverse().find((l) => !/^[A-Z][A-Z0-9_]*=/.test(l)), name).toMatch(/^# /);
    }
  });
});

describe('loadConfig refuses bad values with one line naming the variable', () => {
  const cases: [string, Record<string, string>][] = [
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '70000' }],
    ['PORT', { PORT: '80.5' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['SMTP_URL', { SMTP_URL: 'http://x' }],
    ['MEETING_PROVIDER', { MEETING_PROVIDER: 'zoom' }],
    ['PAYMENT_PROVIDER', { PAYMENT_PROVIDER: 'paypal' }],
    ['MAIL_FROM', { MAIL_FROM: 'a@x, b@y' }],
    ['MAIL_FROM', { MAIL_FROM: 'Name <a@x.test>\nBcc: v@x.test' }],
    ['APP_URL', { APP_URL: 'ftp://example.com' }],
    ['SESSION_SECRET', { SESSION_SECRET: 'too-short' }],
    ['RUN_WORKER', { RUN_WORKER: 'maybe' }],
    ['JITSI_APP_SECRET', { JITSI_APP_ID: 'app' }],
  ];
  it.each(cases)('%s in %j', (variable, env) => {
    const err = configError(env);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
    expect(err.message).not.toContain('\n');
    expect(err.message.length).toBeGreaterThan(variable.length + 2);
  });

  it('requires Google credentials for google-meet, naming the first missing one', () => {
    expect(configError({ MEETING_PROVIDER: 'google-meet' }).message).toMatch(/^GOOGLE_CLIENT_ID: /);
    expect(configError({ MEETING_PROVIDER: 'google-meet', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' }).message).toMatch(/^GOOGLE_REFRESH_TOKEN: /);
    const config = loadConfig({ MEETING_PROVIDER: 'google-meet', GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_REFRESH_TOKEN: 'token' });
    expect(config.meetings.provider).toBe('google-meet');
    expect(config.meetings).toMatchObject({ google: { clientId: 'id', clientSecret: 'secret', refreshToken: 'token' } });
  });

  it('names every invalid variable at once, one line each', () => {
    const err = configError({ PORT: 'abc', DATABASE_URL: 'mysql://x', MEETING_PROVIDER: 'google-meet', GOOGLE_CLIENT_ID: 'id', PAYMENT_PROVIDER: 'stripe' });
    expect(err.problems.map((p) => p.split(':')[0])).toEqual([
      'PORT', 'DATABASE_URL', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET',
    ]);
    expect(err.message.split('\n')).toEqual(err.problems);
  });

  it('requires Stripe keys for stripe payments', () => {
    expect(configError({ PAYMENT_PROVIDER: 'stripe' }).message).toMatch(/^STRIPE_SECRET_KEY: /);
    expect(configError({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'sk_test_123' }).message).toMatch(/^STRIPE_WEBHOOK_SECRET: /);
    expect(loadConfig(STRIPE).payments).toMatchObject({ provider: 'stripe', stripe: { secretKey: 'sk_test_123', webhookSecret: 'whsec_123' } });
  });
});

describe('production refuses unsafe demo defaults', () => {
  it('requires SESSION_SECRET', () => {
    expect(configError({ NODE_ENV: 'production', ...STRIPE }).message).toMatch(/^SESSION_SECRET: /);
  });

  it('refuses test payments', () => {
    expect(configError({ NODE_ENV: 'production', SESSION_SECRET: SECRET }).message).toMatch(/^PAYMENT_PROVIDER: /);
  });

  it('accepts a safe production configuration, without demo data by default', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: SECRET, ...STRIPE });
    expect(config.env).toBe('production');
    expect(config.sessionSecret).toBe(SECRET);
    expect(config.demoSeed).toBe(false);
  });

  it('allows both with ALLOW_DEMO_IN_PRODUCTION=true', () => {
    const config = loadConfig({ NODE_ENV: 'production', ALLOW_DEMO_IN_PRODUCTION: 'true' });
    expect(config.env).toBe('production');
    expect(config.sessionSecret).toBeUndefined();
    expect(config.payments.provider).toBe('test');
    expect(configError({ NODE_ENV: 'production', ALLOW_DEMO_IN_PRODUCTION: 'false' }).message).toMatch(/^SESSION_SECRET: /);
  });
});

describe('start-up with a bad value', () => {
  it('exits 1 with one line on stderr naming the variable and no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\bPORT\b/);
    expect(run.stderr).not.toMatch(/^\s+at |ZodError|node:internal/m);
    expect(run.stdout).not.toContain('is running at');
  });

  it('names every bad variable, one line each, and still exits 1', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: 'abc', PAYMENT_PROVIDER: 'paypal', LOG_LEVEL: 'loud' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.map((l) => /^Configuration error: ([A-Z_]+): ./.exec(l)?.[1])).toEqual(['PORT', 'PAYMENT_PROVIDER', 'LOG_LEVEL']);
    expect(run.stdout).not.toContain('is running at');
  });
});
