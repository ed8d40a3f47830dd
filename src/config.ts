import { z } from 'zod';
import { parseMailbox, type Mailbox } from './mail/address';
import { MEETING_PROVIDERS } from './meetings/provider';

/**
 * The environment, parsed once into one typed Config. Every variable of the
 * outside contract is here; nothing else in the code reads process.env.
 */

/** Every invalid variable, one line each; the message is those lines. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
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

export const envSchema = z.object({
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
  MEETING_PROVIDER: z.enum(MEETING_PROVIDERS).default('jitsi'),
  JITSI_BASE_URL: url(['http:', 'https:']).default('https://meet.jit.si'),
  JITSI_APP_ID: z.string().min(1).optional(),
  JITSI_APP_SECRET: z.string().min(1).optional(),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_REFRESH_TOKEN: z.string().min(1).optional(),
  GOOGLE_CALENDAR_ID: z.string().min(1).default('primary'),
  GOOGLE_CALENDAR_API_URL: url(['http:', 'https:']).default('https://www.googleapis.com/calendar/v3/'),
  GOOGLE_MEET_API_URL: url(['http:', 'https:']).default('https://meet.googleapis.com/'),
  GOOGLE_OAUTH_TOKEN_URL: url(['http:', 'https:']).default('https://oauth2.googleapis.com/token'),
  PAYMENT_PROVIDER: z.enum(['stripe', 'test']).default('test'),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  STRIPE_API_URL: url(['http:', 'https:']).default('https://api.stripe.com/'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HEALTHZ_TOKEN: z.string().min(24, 'must be at least 24 characters (a long random token, e.g. from `openssl rand -hex 24`)').optional(),
  ALLOW_DEMO_IN_PRODUCTION: bool.default(false),
  DEMO_SEED: bool.optional(),
  RUN_WORKER: bool.default(true),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  BOOKING_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof envSchema>;
type Parsed = z.output<typeof envSchema>;

export interface GoogleMeetConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** The calendar the sessions' events (and their Meet conferences) go into. */
  calendarId: string;
  calendarApiUrl: string;
  apiUrl: string;
  tokenUrl: string;
}

export interface JitsiConfig {
  baseUrl: string;
  /** Both or neither: rooms on a JWT-protected Jitsi server. */
  appId?: string;
  appSecret?: string;
}

/** Per provider, with exactly the settings that provider needs, already checked: the factories just use them. */
export type MeetingsConfig =
  | { provider: 'google-meet'; google: GoogleMeetConfig }
  | { provider: 'jitsi'; jitsi: JitsiConfig }
  | { provider: 'none' };

export interface StripeConfig {
  secretKey: string;
  webhookSecret: string;
  apiUrl: string;
}

export type PaymentsConfig = { provider: 'stripe'; stripe: StripeConfig } | { provider: 'test' };

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  appUrl: string;
  dataDir: string;
  databaseUrl?: string;
  smtp?: { url: string; timeoutMs: number };
  mailFrom: Mailbox;
  meetings: MeetingsConfig;
  payments: PaymentsConfig;
  /** Unset in demo mode: a random secret is then kept in the database. */
  sessionSecret?: string;
  /** Lets a monitor read GET /healthz?deep=1 with `Authorization: Bearer <token>`; unset: only logged-in admins can. */
  healthzToken?: string;
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

/**
 * Parses the environment. Throws a ConfigError listing every invalid variable, one line each
 * ("PORT: …"), so an operator fixes them all in one go; `problems` holds the lines.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const problems: string[] = [];
  const report = (variable: string, message: string) => problems.push(`${variable}: ${message}`);

  // Each variable on its own, so one bad value does not hide the next.
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(envSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(cleaned[name]);
    if (result.success) values[name] = result.data;
    else report(name, result.error.issues[0]!.message);
  }
  const e = values as Partial<Parsed>;
  const ok = (name: keyof Parsed) => name in values;

  if (e.MEETING_PROVIDER === 'google-meet') {
    for (const v of ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_REFRESH_TOKEN'] as const) {
      if (ok(v) && !e[v]) report(v, 'is required when MEETING_PROVIDER=google-meet');
    }
  }
  if (ok('JITSI_APP_ID') && ok('JITSI_APP_SECRET') && Boolean(e.JITSI_APP_ID) !== Boolean(e.JITSI_APP_SECRET)) {
    report(e.JITSI_APP_ID ? 'JITSI_APP_SECRET' : 'JITSI_APP_ID', 'JITSI_APP_ID and JITSI_APP_SECRET go together');
  }
  if (e.PAYMENT_PROVIDER === 'stripe') {
    for (const v of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
      if (ok(v) && !e[v]) report(v, 'is required when PAYMENT_PROVIDER=stripe');
    }
  }
  if (e.NODE_ENV === 'production' && e.ALLOW_DEMO_IN_PRODUCTION === false) {
    if (ok('SESSION_SECRET') && !e.SESSION_SECRET) report('SESSION_SECRET', 'is required when NODE_ENV=production (or set ALLOW_DEMO_IN_PRODUCTION=true)');
    if (e.PAYMENT_PROVIDER === 'test') report('PAYMENT_PROVIDER', 'test payments are refused when NODE_ENV=production (set stripe, or ALLOW_DEMO_IN_PRODUCTION=true)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(values as Parsed);
}

function meetingsConfig(e: Parsed): MeetingsConfig {
  switch (e.MEETING_PROVIDER) {
    case 'none':
      return { provider: 'none' };
    case 'jitsi':
      return { provider: 'jitsi', jitsi: { baseUrl: e.JITSI_BASE_URL, appId: e.JITSI_APP_ID, appSecret: e.JITSI_APP_SECRET } };
    case 'google-meet':
      return {
        provider: 'google-meet',
        google: {
          // Checked in loadConfig: present when the provider is google-meet.
          clientId: e.GOOGLE_CLIENT_ID!,
          clientSecret: e.GOOGLE_CLIENT_SECRET!,
          refreshToken: e.GOOGLE_REFRESH_TOKEN!,
          calendarId: e.GOOGLE_CALENDAR_ID,
          calendarApiUrl: e.GOOGLE_CALENDAR_API_URL,
          apiUrl: e.GOOGLE_MEET_API_URL,
          tokenUrl: e.GOOGLE_OAUTH_TOKEN_URL,
        },
      };
  }
}

function paymentsConfig(e: Parsed): PaymentsConfig {
  if (e.PAYMENT_PROVIDER === 'test') return { provider: 'test' };
  // Checked in loadConfig: present when the provider is stripe.
  return { provider: 'stripe', stripe: { secretKey: e.STRIPE_SECRET_KEY!, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiUrl: e.STRIPE_API_URL } };
}

function toConfig(e: Parsed): Config {
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    appUrl: (e.APP_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, timeoutMs: e.SMTP_TIMEOUT_MS } : undefined,
    mailFrom: e.MAIL_FROM,
    meetings: meetingsConfig(e),
    payments: paymentsConfig(e),
    sessionSecret: e.SESSION_SECRET,
    healthzToken: e.HEALTHZ_TOKEN,
    demoSeed: e.DEMO_SEED ?? e.NODE_ENV !== 'production',
    runWorker: e.RUN_WORKER,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    bookingRateLimitPerMinute: e.BOOKING_RATE_LIMIT_PER_MINUTE,
    maxEventLoopDelayMs: e.MAX_EVENT_LOOP_DELAY_MS,
    logLevel: e.LOG_LEVEL,
  };
}

export { timeZone as timeZoneSchema };
