import { existsSync } from 'node:fs';
import pino from 'pino';
import { ConfigError, loadConfig, type Config } from './config';
import type { Database } from './db/client';
import { migrate } from './db/migrate';
import { DataDirInUseError, openConfiguredDatabase } from './db/open';

/** Errors that are the operator's to fix: printed as one line, no stack trace. */
export function isOperatorError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof DataDirInUseError || (err as { code?: string })?.code === 'ECONNREFUSED';
}

export function fail(err: unknown): never {
  const e = err as Error & { code?: string };
  if (err instanceof ConfigError) for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
  else if (e.code === 'ECONNREFUSED') console.error(`Cannot connect to the database at DATABASE_URL: ${e.message}`);
  else if (isOperatorError(err)) console.error(`Error: ${e.message}`);
  else console.error(err);
  process.exit(1);
}

/** A URL as the request log shows it: the one-time token of a password-reset or verification link is cut out. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

/** JSON lines; request ids come from the app; cookies, credentials and link tokens never reach the log. */
export function loggerOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], remove: true },
    serializers: {
      req: (req: { method?: string; url?: string; host?: string; ip?: string }) => ({
        method: req.method, url: redactUrl(req.url ?? ''), host: req.host, remoteAddress: req.ip,
      }),
    },
  };
}

export function createLogger(config: Config) {
  return pino(loggerOptions(config.logLevel));
}

/** Config, logger and a migrated database: what the app, the worker and the CLI all start from. */
export async function boot(): Promise<{ config: Config; logger: pino.Logger; database: Database }> {
  // A .env in the working directory (see .env.example); variables already set in the environment win.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config);
  const database = await openConfiguredDatabase(config, logger);
  await migrate(database);
  return { config, logger, database };
}
