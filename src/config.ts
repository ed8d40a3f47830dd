import { z } from 'zod';
import { parseMailbox, type Mailbox } from './mail/address';

/**
 * The environment, parsed once into one typed Config. Every variable of the
 * outside contract is here; nothing else in the code reads process.env.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const timeZone = z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  APP_URL: url(['http:', 'https:']).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  MAIL_FROM: z
    .string()
    .default('CodeMentorHub <no-reply@localhost>')
    .transform((v, ctx) => {
      const box = parseMailbox(v);
      if (!box) ctx.addIssue({ code: 'custom', message: 'must be an address such as "Name <no-reply@example.com>"' });
      return box as Mailbox;
    }),
  MEETING_PROVIDER: z.enum(['google-meet', 'jitsi', 'none']).default('jitsi'),
  JITSI_BASE_URL: url(['http:', 'https:']).default('https://meet.jit.si'),
  JITSI_APP_ID: z.string().min(1).optional(),
  JITSI_APP_SECRET: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_REFRESH_TOKEN: z.string().min(1).optional(),
  GOOGLE_MEET_API_URL: url(['http:', 'https:']).default('https://meet.googleapis.com/'),
  GOOGLE_OAUTH_TOKEN_URL: url(['http:', 'https:']).default('https://oauth2.googleapis.com/token'),
  PAYMENT_PROVIDER: z.enum(['stripe', 'test']).default('test'),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_URL: url(['http:', 'https:']).default('https://api.stripe.com/'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ALLOW_DEMO_IN_PRODUCTION: bool.default(false),
  DEMO_SEED: bool.optional(),
  RUN_WORKER: bool.default(true),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  BOOKING_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  appUrl: string;
  dataDir: string;
  databaseUrl?: string;
  smtp?: { url: string; timeoutMs: number };
  mailFrom: Mailbox;
  meetings: {
    provider: 'google-meet' | 'jitsi' | 'none';
    jitsi: { baseUrl: string; appId?: string; appSecret?: string };
    google: { clientId?: string; clientSecret?: string; refreshToken?: string; apiUrl: string; tokenUrl: string };
  };
  payments: {
    provider: 'stripe' | 'test';
    stripe: { secretKey?: string; webhookSecret?: string; apiUrl: string };
  };
  /** Unset in demo mode: a random secret is then kept in the database. */
  sessionSecret?: string;
  demoSeed: boolean;
  runWorker: boolean;
  /** Log-in and sign-up posts per client address per minute (protects the deliberately slow password hash). */
  authRateLimitPerMinute: number;
  /** Booking posts allowed per account per minute: each may hold a slot. */
  bookingRateLimitPerMinute: number;
  /** Shed load (503 + Retry-After) when the event loop lags this much; 0 turns it off. */
  maxEventLoopDelayMs: number;
  logLevel: string;
}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`${name}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';

  const need = (cond: boolean, variable: string, message: string) => {
    if (cond) throw new ConfigError(`${variable}: ${message}`);
  };
  if (e.MEETING_PROVIDER === 'google-meet') {
    for (const v of ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN'] as const) {
      need(!e[v], v, 'is required when MEETING_PROVIDER=google-meet');
    }
  }
  need(Boolean(e.JITSI_APP_ID) !== Boolean(e.JITSI_APP_SECRET), e.JITSI_APP_ID ? 'JITSI_APP_SECRET' : 'JITSI_APP_ID', 'JITSI_APP_ID and JITSI_APP_SECRET go together');
  if (e.PAYMENT_PROVIDER === 'stripe') {
    need(!e.STRIPE_SECRET_KEY, 'STRIPE_SECRET_KEY', 'is required when PAYMENT_PROVIDER=stripe');
    need(!e.STRIPE_WEBHOOK_SECRET, 'STRIPE_WEBHOOK_SECRET', 'is required when PAYMENT_PROVIDER=stripe');
  }
  if (production && !e.ALLOW_DEMO_IN_PRODUCTION) {
    need(!e.SESSION_SECRET, 'SESSION_SECRET', 'is required when NODE_ENV=production (or set ALLOW_DEMO_IN_PRODUCTION=true)');
    need(e.PAYMENT_PROVIDER === 'test', 'PAYMENT_PROVIDER', 'test payments are refused when NODE_ENV=production (set stripe, or ALLOW_DEMO_IN_PRODUCTION=true)');
  }

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, timeoutMs: e.SMTP_TIMEOUT_MS } : undefined,
    mailFrom: e.MAIL_FROM,
    meetings: {
      provider: e.MEETING_PROVIDER,
      jitsi: { baseUrl: e.JITSI_BASE_URL, appId: e.JITSI_APP_ID, appSecret: e.JITSI_APP_SECRET },
      google: {
        clientId: e.GOOGLE_CLIENT_ID,
        clientSecret: e.GOOGLE_CLIENT_SECRET,
        refreshToken: e.GOOGLE_REFRESH_TOKEN,
        apiUrl: e.GOOGLE_MEET_API_URL,
        tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
      },
    },
    payments: {
      provider: e.PAYMENT_PROVIDER,
      stripe: { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET, apiUrl: e.STRIPE_API_URL },
    },
    sessionSecret: e.SESSION_SECRET,
    demoSeed: e.DEMO_SEED ?? !production,
    runWorker: e.RUN_WORKER,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    bookingRateLimitPerMinute: e.BOOKING_RATE_LIMIT_PER_MINUTE,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    logLevel: e.LOG_LEVEL,
  };
}

export { timeZone as timeZoneSchema };
