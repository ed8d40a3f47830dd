/** The PostgreSQL server benchmarks use: BENCH_DATABASE_URL, else the local test server. */
export function serverUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function benchDatabaseUrl(name: string): string {
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  return u.toString();
}
