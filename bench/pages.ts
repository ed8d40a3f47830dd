import autocannon from 'autocannon';
import pg from 'pg';
import { BENCH_PASSWORD, type GeneratedData } from './generate';
import { freePort, logIn, startProcess } from './server';
import { appNodeFlags } from './env';

export interface PageResult {
  page: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  bytes: number;
  /** Latency of one request at a time (the "answers in under 50 ms" figure). */
  singleP50: number;
  non2xx: number;
}

function run(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export async function measure(url: string, headers: Record<string, string>, seconds: { warm: number; load: number; single: number }) {
  await run({ url, headers, connections: 10, duration: seconds.warm });
  const load = await run({ url, headers, connections: 50, duration: seconds.load });
  const single = await run({ url, headers, connections: 1, duration: seconds.single });
  return {
    reqPerSec: Math.round(load.requests.average), p50: load.latency.p50, p99: load.latency.p99,
    bytes: Math.round(load.throughput.total / Math.max(1, load.requests.total)), singleP50: single.latency.p50,
    non2xx: load.non2xx + single.non2xx,
  };
}

/** The pages of the issue, logged in as the right role, against the app as its own process. */
export async function benchPages(data: GeneratedData, seconds = { warm: 2, load: 6, single: 2 }): Promise<{ ceiling: PageResult; pages: PageResult[] }> {
  const ceilingPort = await freePort();
  const ceilingProc = await startProcess(['--import', 'tsx', 'bench/ceiling.ts'], { PORT: String(ceilingPort) }, 'ceiling ready');
  let ceiling: PageResult;
  try {
    ceiling = { page: 'node:http hello (ceiling)', ...(await measure(`http://127.0.0.1:${ceilingPort}/`, {}, seconds)) };
  } finally {
    await ceilingProc.stop();
  }

  const port = await freePort();
  const app = await startProcess([...appNodeFlags(), '--import', 'tsx', 'src/main.ts'], {
    DATABASE_URL: data.url, PORT: String(port), RUN_WORKER: 'false', DEMO_SEED: 'false', LOG_LEVEL: 'warn',
    MAX_EVENT_LOOP_DELAY_MS: '0', AUTH_RATE_LIMIT_PER_MINUTE: '1000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-123',
  }, 'is running at');
  try {
    const base = `http://127.0.0.1:${port}`;
    const client = new pg.Client({ connectionString: data.url });
    await client.connect();
    const mentorId = (await client.query<{ id: string }>('select id from users where email = $1', [data.mentorEmail])).rows[0]!.id;
    await client.end();
    const cookies = {
      mentee: await logIn(base, data.busyMenteeEmail, BENCH_PASSWORD),
      mentor: await logIn(base, data.mentorEmail, BENCH_PASSWORD),
      admin: await logIn(base, data.adminEmail, BENCH_PASSWORD),
    };
    const pages: [string, string, string | null][] = [
      ['mentee dashboard (busiest mentee)', '/dashboard', cookies.mentee],
      ['mentor dashboard', '/mentor/dashboard', cookies.mentor],
      ['admin Sessions, first page', '/admin/sessions', cookies.admin],
      ['admin Sessions, filtered (confirmed)', '/admin/sessions?status=confirmed', cookies.admin],
      ['mentor directory', '/mentors', cookies.mentee],
      ['mentor profile', `/mentors/${mentorId}`, cookies.mentee],
    ];
    const results: PageResult[] = [];
    for (const [page, path, cookie] of pages) {
      results.push({ page, ...(await measure(`${base}${path}`, cookie ? { cookie } : {}, seconds)) });
    }
    return { ceiling, pages: results };
  } finally {
    await app.stop();
  }
}
