import { readFileSync } from 'node:fs';

/** The PostgreSQL server benchmarks use: BENCH_DATABASE_URL, else the local test server. */
export function serverUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function benchDatabaseUrl(name: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The Node flags `npm start` gives the app (package.json), so a benchmark measures the app as it is
 * run: today the larger young generation (README, "Running it for real").
 */
export function appNodeFlags(): string[] {
  const start = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const flags = /^tsx((?:\s+--\S+)*)\s+src\/main\.ts$/.exec(start)?.[1];
  if (flags === undefined) throw new Error(`package.json "start" is not "tsx [--flags] src/main.ts": ${start}`);
  return flags.split(/\s+/).filter(Boolean);
}
