/**
 * Where one page's time goes, under the same load as the page benchmark (autocannon, 50 connections):
 * PostgreSQL's per-statement figures from pg_stat_statements (calls per request, mean plan and
 * execution time, rows, shared blocks) and a V8 CPU profile of the app process (--cpu-prof),
 * summarised by function and by package. The .cpuprofile file is kept for Chrome DevTools.
 *
 * pg_stat_statements needs `shared_preload_libraries = 'pg_stat_statements'` on the server (and
 * `pg_stat_statements.track_planning = on` for plan times); without it the report says so and
 * gives the CPU profile alone. `--reuse` keeps an already generated cmh_bench_N database.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_PASSWORD, generate } from './generate';
import { appNodeFlags, benchDatabaseUrl, serverUrl } from './env';
import { freePort, logIn, startProcess } from './server';

export const PROFILE_PAGES = {
  mentee: { title: 'mentee "My Sessions" (busiest mentee)', path: '/dashboard', email: 'busy@bench.test' },
  admin: { title: 'admin Sessions, first page', path: '/admin/sessions', email: 'admin@bench.test' },
  mentor: { title: 'Mentor Dashboard', path: '/mentor/dashboard', email: 'mentor0@bench.test' },
  directory: { title: 'mentor directory', path: '/mentors', email: 'busy@bench.test' },
  // {mentor0} is the generated mentor0's id, looked up once the data is there.
  profile: { title: 'mentor profile', path: '/mentors/{mentor0}', email: 'busy@bench.test' },
} as const;
export type ProfilePage = keyof typeof PROFILE_PAGES;

interface StatementRow { query: string; calls: string; plans: string | null; mean_exec: number; mean_plan: number | null; rows: string; blks: string }

interface CpuNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }

/** Self time per function and per package, from a .cpuprofile. */
function summariseCpu(file: string) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: CpuNode[]; samples: number[]; timeDeltas: number[] };
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => { self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)); });
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const fns = new Map<string, number>();
  const packages = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byNode.get(id)!.callFrame;
    const where = f.url.replace(/^file:\/\//, '').replace(process.cwd(), '.');
    const key = `${f.functionName || '(anonymous)'} ${where ? `${where.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where)?.[1]
      ?? (where.startsWith('./src/') ? 'app (src/)' : where.startsWith('node:') || where === '' ? (f.functionName.startsWith('(') ? f.functionName : 'node internals') : 'other');
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)} %`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `| ${k.replace(/\|/g, '\\|')} | ${pct(us)} |`);
  return { byPackage: top(packages, 12), byFunction: top(fns, 15) };
}

export async function profilePage(options: { sessions: number; page: ProfilePage; seconds: number; reuse: boolean }) {
  const database = `cmh_bench_${options.sessions}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
  await admin.end();
  if (!options.reuse || !exists) await generate({ sessions: options.sessions, database });
  const url = benchDatabaseUrl(database);
  const page = PROFILE_PAGES[options.page];

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const mentor0 = (await db.query<{ id: string }>(`select id from users where email = 'mentor0@bench.test'`)).rows[0]?.id ?? '';
  const path = page.path.replace('{mentor0}', mentor0);
  let statements = true;
  try {
    await db.query('create extension if not exists pg_stat_statements');
    await db.query('select pg_stat_statements_reset()');
  } catch (err) {
    statements = false;
    console.error(`pg_stat_statements unavailable (${(err as Error).message}); CPU profile only`);
  }

  const profileDir = mkdtempSync(join(tmpdir(), 'cmh-cpu-'));
  const port = await freePort();
  const app = await startProcess(['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...appNodeFlags(), '--import', 'tsx', 'src/main.ts'], {
    DATABASE_URL: url, PORT: String(port), RUN_WORKER: 'false', DEMO_SEED: 'false', LOG_LEVEL: 'warn',
    MAX_EVENT_LOOP_DELAY_MS: '0', AUTH_RATE_LIMIT_PER_MINUTE: '1000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-123',
  }, 'is running at');
  let requests = 0;
  let result: autocannon.Result;
  try {
    const base = `http://127.0.0.1:${port}`;
    const cookie = await logIn(base, page.email, BENCH_PASSWORD);
    const run = (o: autocannon.Options) => new Promise<autocannon.Result>((res, rej) => autocannon(o, (e, r) => (e ? rej(e) : res(r))));
    await run({ url: `${base}${path}`, headers: { cookie }, connections: 10, duration: 2 });
    if (statements) await db.query('select pg_stat_statements_reset()');
    result = await run({ url: `${base}${path}`, headers: { cookie }, connections: 50, duration: options.seconds });
    requests = result.requests.total;
  } finally {
    await app.stop();
  }

  let statementTable = '_pg_stat_statements is not loaded on this server (shared_preload_libraries); no per-statement figures._\n';
  let perRequest = 'n/a';
  let pgMs = 'n/a';
  if (statements) {
    const planCol = (await db.query(`select 1 from pg_settings where name = 'pg_stat_statements.track_planning' and setting = 'on'`)).rowCount ? 'mean_plan_time' : 'null::float8';
    const rows = (await db.query<StatementRow>(`
      select query, calls::text, ${planCol === 'null::float8' ? 'null' : 'plans::text'} as plans, mean_exec_time as mean_exec, ${planCol} as mean_plan, rows::text,
             (shared_blks_hit + shared_blks_read)::text as blks
        from pg_stat_statements s join pg_database d on d.oid = s.dbid
       where d.datname = current_database() and query not ilike '%pg_stat_statements%'
       order by calls * mean_exec_time + coalesce(${planCol === 'null::float8' ? '0' : 'plans * mean_plan_time'}, 0) desc limit 12`)).rows;
    const total = rows.reduce((a, r) => a + Number(r.calls), 0);
    perRequest = (total / Math.max(1, requests)).toFixed(2);
    pgMs = (rows.reduce((a, r) => a + Number(r.calls) * r.mean_exec + Number(r.plans ?? 0) * (r.mean_plan ?? 0), 0) / Math.max(1, requests)).toFixed(2);
    const short = (q: string) => q.replace(/\s+/g, ' ').replace(/"/g, '').replace(/\|/g, '\\|').slice(0, 110);
    statementTable = [// mean plan ms is per planning; plans / call says how often a statement is planned (0 for a prepared statement on its generic plan).
      '| statement | calls / request | mean exec ms | plans / call | mean plan ms | rows / call | shared blocks / call |', '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| \`${short(r.query)}\` | ${(Number(r.calls) / Math.max(1, requests)).toFixed(2)} | ${r.mean_exec.toFixed(3)} | ${r.plans === null ? 'n/a' : (Number(r.plans) / Math.max(1, Number(r.calls))).toFixed(2)} | ${r.mean_plan === null ? 'n/a' : r.mean_plan.toFixed(3)} | ${(Number(r.rows) / Math.max(1, Number(r.calls))).toFixed(1)} | ${(Number(r.blks) / Math.max(1, Number(r.calls))).toFixed(1)} |`)].join('\n');
  }
  await db.end();

  // tsx's loader thread writes a profile too: the app's main thread is the largest one.
  const file = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(join(profileDir, b)).size - statSync(join(profileDir, a)).size)[0];
  const cpu = file ? summariseCpu(join(profileDir, file)) : null;
  return {
    title: page.title,
    summary: `${Math.round(result!.requests.average)} req/s, p99 ${result!.latency.p99} ms; ${perRequest} statements a request, PostgreSQL ${pgMs} ms a request`,
    text: `Load: autocannon -c 50 -d ${options.seconds} on \`${path}\` at ${options.sessions} sessions: **${Math.round(result!.requests.average)} req/s**, p50 ${result!.latency.p50} ms, p99 ${result!.latency.p99} ms, ${Math.round(result!.throughput.total / Math.max(1, requests))} bytes per response, **${perRequest} statements per request**.

PostgreSQL, per statement (pg_stat_statements, same load):

${statementTable}

App CPU (V8 profile of the app process, self time${file ? `; ${join(profileDir, file)}` : ''}):

| package | share |
|---|---|
${cpu?.byPackage.join('\n') ?? '| (no profile written) | |'}

| function | share |
|---|---|
${cpu?.byFunction.join('\n') ?? '| (no profile written) | |'}
`,
  };
}
