/**
 * Benchmarks. One command each:
 *   npm run bench -- generate --sessions 100000      data only (prints where it went)
 *   npm run bench -- pages [--sessions 10000]        page load against that much data
 *   npm run bench -- flows                           confirm → emails, a booking race, booking + payment rate
 *   npm run bench -- startup                         npm start to the first page, first and later starts
 *   npm run bench -- plugins                         the cost of each Fastify plugin on a hello world
 *   npm run bench -- scaleout                        one app process vs two behind a round-robin proxy
 *   npm run bench -- scale                           the same pages at 10 k, 100 k and 1 M sessions
 *   npm run bench -- profile [--page mentee|admin|mentor|directory|profile] [--reuse]   where one page's time goes:
 *                                                    pg_stat_statements per statement + app CPU profile
 *   npm run bench -- plans [--sessions 1000000]      the dashboards' query plans on that data; fails on a
 *                                                    sequential scan of sessions
 *   npm run bench -- side-by-side [--sessions 100000]   against the seed's Django stack (../shared/peer-django,
 *                                                    or PEER_DJANGO_DIR), one run, same machine and data
 *   npm run bench -- sizes                           what a response's size alone costs (bare node:http,
 *                                                    16 KB to 96 KB bodies)
 *   npm run bench -- all                             everything above
 * Each prints a table and appends it to bench/RESULTS.md with the date, commit and machine, and
 * replaces its rows in the summary at the top of that file.
 * Needs a PostgreSQL server: BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { generate } from './generate';
import { benchFlows } from './flows';
import { benchPages, type PageResult } from './pages';
import { benchScaleOut } from './scaleout';
import { STACKS } from './plugins';
import { measure } from './pages';
import { freePort, startProcess } from './server';
import { benchStartup } from './startup';
import { profilePage, PROFILE_PAGES, type ProfilePage } from './profile';
import { checkDashboardPlans } from './plans';
import { appNodeFlags, benchDatabaseUrl } from './env';

const RESULTS = new URL('./RESULTS.md', import.meta.url);

const commit = () => { try { return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return 'unknown'; } };
const when = () => `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function header(title: string): string {
  return `\n### ${title}\n\n${when()} · commit ${commit()} · ${cpus().length} cores (${cpus()[0]?.model.trim()}) · ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}\n`;
}

/**
 * RESULTS.md opens with the current figure of each benchmark: a table between these two markers,
 * one row per benchmark (its first cell is the key), replaced by each run; the full log follows.
 */
const SUMMARY_START = '<!-- current: each run of npm run bench replaces its own row -->';
const SUMMARY_END = '<!-- end of current -->';

/** A summary row: benchmark, latest figure, goal, and when and at which commit it was measured. */
const summaryRow = (benchmark: string, latest: string, goal = '—') => `| ${benchmark} | ${latest} | ${goal} | ${when()}, ${commit()} |`;

export function setSummaryRow(file: string, row: string): string {
  const start = file.indexOf(SUMMARY_START);
  const end = file.indexOf(SUMMARY_END);
  if (start < 0 || end < start) return file;
  const key = row.split('|')[1]!.trim();
  const lines = file.slice(start, end).split('\n');
  const at = lines.findIndex((l) => l.split('|')[1]?.trim() === key);
  if (at >= 0) lines[at] = row;
  else {
    let last = lines.length;
    while (last > 0 && lines[last - 1]!.trim() === '') last--;
    lines.splice(last, 0, row);
  }
  return file.slice(0, start) + lines.join('\n') + file.slice(end);
}

function pagesTable(ceiling: PageResult, pages: PageResult[]): string {
  const rows = [ceiling, ...pages].map((r) =>
    `| ${r.page} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.singleP50} | ${r.bytes} | ${r === ceiling ? '1.00' : (r.reqPerSec / ceiling.reqPerSec).toFixed(3)} | ${r.non2xx} |`);
  return ['', '| page | req/s (50 conn) | p50 ms | p99 ms | p50 ms, 1 conn | bytes/resp | page / ceiling | non-2xx |', '|---|---|---|---|---|---|---|---|', ...rows, ''].join('\n');
}

/** Appends a run's section to the history and replaces its rows in the summary at the top. */
function record(text: string, rows: string[] = []) {
  console.log(text);
  let file = `${readFileSync(RESULTS, 'utf8')}${text}\n`;
  for (const row of rows) file = setSummaryRow(file, row);
  writeFileSync(RESULTS, file);
}

/** One summary row per data size: every page's req/s (50 connections) and p50 at one connection. */
function pagesSummary(sessions: number, pages: PageResult[]): string[] {
  return [summaryRow(`pages at ${sessions} sessions (req/s at 50 conn; p50 ms at 1 conn)`, pages.map((p) => `${p.page}: ${p.reqPerSec}; ${p.singleP50}`).join(' · '),
    sessions === 1_000_000 ? 'Mentor Dashboard, profile, directory: p50 1 conn ≤ 5 ms, ≥ 2× the req/s of the code the issue was filed against (a1c55e6), A/B on one machine (notes, sixth pass)' : '—')];
}

async function pagesAt(sessions: number) {
  const data = await generate({ sessions, database: `cmh_bench_${sessions}` });
  console.error(`generated ${sessions} sessions (${data.mentors} mentors, ${data.mentees} mentees) in ${data.seconds.toFixed(1)} s`);
  const result = await benchPages(data);
  return { data, ...result };
}

async function main() {
  const [command = 'all', ...rest] = process.argv.slice(2);
  const { values } = parseArgs({ args: rest, options: { sessions: { type: 'string' }, page: { type: 'string' }, reuse: { type: 'boolean' }, seconds: { type: 'string' } } });
  const sessions = Number(values.sessions ?? 10_000);
  if (!Number.isInteger(sessions) || sessions < 100) throw new Error('--sessions must be a whole number of at least 100');

  if (command === 'generate') {
    const data = await generate({ sessions, database: `cmh_bench_${sessions}` });
    record(`${header(`Data generator: ${sessions} sessions`)}\nLoaded ${sessions} sessions, ${data.mentors} mentors, ${data.mentees} mentees with COPY in **${data.seconds.toFixed(1)} s** into \`${new URL(data.url).pathname.slice(1)}\`.\n`,
      [summaryRow(`data generator, ${sessions} sessions`, `${data.seconds.toFixed(1)} s`)]);
    return;
  }
  if (command === 'profile') {
    const page = (values.page ?? 'mentee') as ProfilePage;
    if (!(page in PROFILE_PAGES)) throw new Error(`--page must be one of ${Object.keys(PROFILE_PAGES).join(', ')}`);
    const p = await profilePage({ sessions: values.sessions ? sessions : 100_000, page, seconds: Number(values.seconds ?? 10), reuse: values.reuse ?? false });
    record(`${header(`Profile: ${p.title}`)}\n${p.text}`, [summaryRow(`profile: ${p.title}`, p.summary)]);
    return;
  }
  if (command === 'plans') {
    // Checks the data set `npm run bench -- generate --sessions N` made (1 M by default).
    const n = values.sessions ? sessions : 1_000_000;
    const checks = await checkDashboardPlans(benchDatabaseUrl(`cmh_bench_${n}`));
    record(`${header(`Dashboard query plans at ${n} sessions (EXPLAIN ANALYZE, generic plan)`)}
| list | execution ms | shared blocks | rows | sequential scan of sessions |
|---|---|---|---|---|
${checks.map((c) => `| ${c.who} | ${c.ms.toFixed(2)} | ${c.buffers} | ${c.rows} | ${c.seqScan ? '**yes**' : 'no'} |`).join('\n')}
`, [summaryRow(`dashboard plans at ${n} sessions`, checks.map((c) => `${c.who}: ${c.ms.toFixed(2)} ms, ${c.buffers} blocks${c.seqScan ? ', SEQUENTIAL SCAN' : ''}`).join(' · '), 'no sequential scan of sessions')]);
    if (checks.some((c) => c.seqScan)) {
      for (const c of checks.filter((x) => x.seqScan)) console.error(`${c.who}: ${c.plan}`);
      throw new Error('a dashboard list reads the sessions table by a sequential scan');
    }
    return;
  }
  if (command === 'side-by-side') {
    // The seed's Django stack on the same data and machine (see that folder's README); its script prints the table.
    const script = `${process.env.PEER_DJANGO_DIR ?? '../shared/peer-django'}/side-by-side.mjs`;
    if (!existsSync(script)) throw new Error(`no ${script}: set PEER_DJANGO_DIR to the peer's folder`);
    // That script starts the app with plain `node --import tsx src/main.ts`: the flags `npm start` adds
    // reach it through NODE_OPTIONS (its load generator, in the script's own process, gets them too).
    const nodeOptions = [process.env.NODE_OPTIONS, ...appNodeFlags()].filter(Boolean).join(' ');
    const run = spawnSync(process.execPath, [script, '--sessions', String(values.sessions ? sessions : 100_000), '--seconds', values.seconds ?? '10'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: nodeOptions },
    });
    if (run.status !== 0) throw new Error(`side-by-side failed (${run.status})`);
    const table = run.stdout.trim().split('\n').filter((l) => l.startsWith('|')).join('\n');
    const cells = (name: string) => run.stdout.split('\n').find((l) => l.startsWith(`| ${name} |`))?.split('|').map((c) => c.trim()) ?? [];
    const rows = ['mentee dashboard', 'admin Sessions'].map((page) => {
      const ours = cells(`CodeMentorHub ${page}`);
      const peer = cells(`Django peer ${page}`);
      const ratio = (Number(ours[2]) / Math.max(1, Number(peer[2]))).toFixed(1);
      return summaryRow(`side by side: ${page === 'mentee dashboard' ? 'mentee "My Sessions"' : page}`, `**${ratio}×** Django (${ours[2]} vs ${peer[2]} req/s), p99 ${ours[4]} ms, ${ours[6]} bytes`,
        page === 'mentee dashboard' ? '≥ 3× Django, p99 ≤ 50 ms' : '≥ 10× Django, p99 ≤ 50 ms');
    });
    record(`${header(`Side by side with the Django peer, ${values.sessions ? sessions : 100_000} sessions, autocannon -c 50`)}\n${table}\n`, rows);
    return;
  }
  if (command === 'sizes') {
    // Each size sent as bytes (as render.ts does), as a two-byte string (a page with one character
    // above U+00FF, as the app sent before) and as a one-byte string (that character as a reference).
    const kinds = ['bytes', 'string', 'one-byte-string'] as const;
    type Kind = (typeof kinds)[number];
    const rows: { kb: number; kind: Kind; r: Awaited<ReturnType<typeof measure>> }[] = [];
    for (const kb of [16, 32, 48, 56, 60, 63, 64, 66, 72, 96]) {
      for (const kind of kinds) {
        const port = await freePort();
        const proc = await startProcess(['--import', 'tsx', 'bench/sizes.ts'], { BODY_BYTES: String(kb * 1024), BODY_KIND: kind, PORT: String(port) }, 'sizes ready');
        try {
          rows.push({ kb, kind, r: await measure(`http://127.0.0.1:${port}/`, {}, { warm: 1, load: 5, single: 1 }) });
        } finally {
          await proc.stop();
        }
      }
    }
    const of = (kb: number, kind: Kind) => rows.find((x) => x.kb === kb && x.kind === kind)!.r;
    const kbs = [...new Set(rows.map((x) => x.kb))];
    record(`${header('Response size alone: a bare node:http server answering N KB bodies, as bytes, as a two-byte string and as a one-byte string')}
| body | req/s as bytes (50 conn) | p99 ms | req/s as a two-byte string | p99 ms | req/s as a one-byte string | p99 ms |
|---|---|---|---|---|---|---|
${kbs.map((kb) => `| ${kb} KB | ${kinds.map((k) => `${of(kb, k).reqPerSec} | ${of(kb, k).p99}`).join(' | ')} |`).join('\n')}
`, [summaryRow('response size alone (bare node:http, req/s as bytes / two-byte string / one-byte string)', kbs.map((kb) => `${kb} KB: ${kinds.map((k) => of(kb, k).reqPerSec).join(' / ')}`).join(' · '))]);
    return;
  }
  if (command === 'pages') {
    const r = await pagesAt(sessions);
    record(`${header(`Page load at ${sessions} sessions`)}${pagesTable(r.ceiling, r.pages)}`, pagesSummary(sessions, r.pages));
    return;
  }
  if (command === 'flows' || command === 'all') {
    const f = await benchFlows();
    record(`${header('Flows')}
| flow | result |
|---|---|
| confirm → both "Session Confirmed" emails accepted by SMTP (${f.confirm.count} confirmations, one at a time) | p50 ${f.confirm.p50} ms, p99 ${f.confirm.p99} ms |
| ${f.race.requests} concurrent bookings of one slot | resolved in ${f.race.ms} ms: ${f.race.winners} winner, ${f.race.taken} "taken", ${f.race.errors} errors |
| booking + test payment, 10 mentees back to back | ${f.bookAndPay.flows} in ${f.bookAndPay.seconds.toFixed(1)} s = ${f.bookAndPay.perSecond} per second |
`, [summaryRow('flows: confirm → both emails', `p50 ${f.confirm.p50} ms, p99 ${f.confirm.p99} ms`), summaryRow('flows: booking + payment', `${f.bookAndPay.perSecond} per second`)]);
    if (command === 'flows') return;
  }
  if (command === 'startup' || command === 'all') {
    const s = await benchStartup();
    record(`${header('Start-up (npm start to the first page, embedded database)')}
| start | to first 200 on / |
|---|---|
| first start (empty data dir: initdb, migrations, demo data) | ${s.first} ms |
| later starts (same data dir), median of ${s.later.length} | ${s.laterMedian} ms |
`, [summaryRow('start-up to the first page', `first ${s.first} ms, later ${s.laterMedian} ms`)]);
    if (command === 'startup') return;
  }
  if (command === 'plugins' || command === 'all') {
    const rows: string[] = [];
    let bare = 0;
    for (let level = 0; level < STACKS.length; level++) {
      const port = await freePort();
      const proc = await startProcess(['--import', 'tsx', 'bench/plugins.ts'], { STACK_LEVEL: String(level), PORT: String(port) }, 'stack ready');
      try {
        const r = await measure(`http://127.0.0.1:${port}/`, {}, { warm: 2, load: 6, single: 1 });
        if (level === 0) bare = r.reqPerSec;
        rows.push(`| ${STACKS[level]} | ${r.reqPerSec} | ${(r.reqPerSec / bare).toFixed(2)} | ${r.p99} |`);
      } finally {
        await proc.stop();
      }
    }
    record(`${header('Plugin stack on a hello world (each row adds one plugin)')}
| stack | req/s (50 conn) | vs bare | p99 ms |
|---|---|---|---|
${rows.join('\n')}
`);
    if (command === 'plugins') return;
  }
  if (command === 'scaleout' || command === 'all') {
    const data = await generate({ sessions: 100_000, database: 'cmh_bench_100000' });
    const rows = await benchScaleOut(data);
    record(`${header('Scale-out: one app process vs two behind a round-robin proxy, one PostgreSQL, 100 k sessions')}
Everything (PostgreSQL, the app processes, the proxy and autocannon) shares the same 2 cores, so a second process can only help as far as one process left a core idle.

| page | req/s, 1 process | req/s, 2 processes + proxy | ratio |
|---|---|---|---|
${rows.map((r) => `| ${r.page} | ${r.one} | ${r.two} | ${(r.two / Math.max(1, r.one)).toFixed(2)} |`).join('\n')}
`, [summaryRow('scale-out, 100 k sessions (req/s, 1 process vs 2 + proxy)', rows.map((r) => `${r.page} ${r.one} vs ${r.two}`).join(' · '))]);
    if (command === 'scaleout') return;
  }
  if (command === 'scale' || command === 'all') {
    const levels = [10_000, 100_000, 1_000_000];
    const runs = [];
    for (const n of levels) {
      const r = await pagesAt(n);
      runs.push(r);
      record(`${header(`Page load at ${n} sessions (generated in ${r.data.seconds.toFixed(1)} s)`)}${pagesTable(r.ceiling, r.pages)}`, pagesSummary(n, r.pages));
    }
    const first = runs[0]!;
    const last = runs.at(-1)!;
    const lines = first.pages.map((p, i) => {
      const big = last.pages[i]!;
      return `| ${p.page} | ${p.singleP50} | ${big.singleP50} | ${(big.singleP50 / Math.max(p.singleP50, 0.01)).toFixed(2)} | ${p.p50} | ${big.p50} | ${(big.p50 / Math.max(p.p50, 0.01)).toFixed(2)} |`;
    });
    record(`${header('Scale curve: 1 M vs 10 k sessions')}\n| page | p50 1 conn, 10 k | p50 1 conn, 1 M | ratio | p50 50 conn, 10 k | p50 50 conn, 1 M | ratio |\n|---|---|---|---|---|---|---|\n${lines.join('\n')}\n`);
    return;
  }
  throw new Error(`unknown benchmark "${command}" (generate, profile, plans, side-by-side, sizes, pages, flows, startup, plugins, scaleout, scale, all)`);
}

main().then(() => process.exit(0), (err) => { console.error(`Error: ${(err as Error).message}`); process.exit(1); });
