import pg from 'pg';
import type { GeneratedData } from './generate';
import { BENCH_PASSWORD } from './generate';
import { measure } from './pages';
import { freePort, logIn, startProcess } from './server';
import { appNodeFlags } from './env';

const appEnv = (data: GeneratedData, port: number) => ({
  DATABASE_URL: data.url, PORT: String(port), RUN_WORKER: 'false', DEMO_SEED: 'false', LOG_LEVEL: 'warn',
  MAX_EVENT_LOOP_DELAY_MS: '0', AUTH_RATE_LIMIT_PER_MINUTE: '1000', SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-123',
});

/** The same pages through one app process, then through two behind a round-robin proxy, on one PostgreSQL. */
export async function benchScaleOut(data: GeneratedData, seconds = { warm: 2, load: 8, single: 2 }) {
  const client = new pg.Client({ connectionString: data.url });
  await client.connect();
  const mentorId = (await client.query<{ id: string }>('select id from users where email = $1', [data.mentorEmail])).rows[0]!.id;
  await client.end();
  const pages: [string, string, 'mentee' | 'admin'][] = [
    ['mentee dashboard', '/dashboard', 'mentee'], ['admin Sessions', '/admin/sessions', 'admin'], ['mentor profile', `/mentors/${mentorId}`, 'mentee'],
  ];
  const run = async (base: string) => {
    const cookies = { mentee: await logIn(base, data.busyMenteeEmail, BENCH_PASSWORD), admin: await logIn(base, data.adminEmail, BENCH_PASSWORD) };
    const out: Record<string, number> = {};
    for (const [name, path, who] of pages) out[name] = (await measure(`${base}${path}`, { cookie: cookies[who] }, seconds)).reqPerSec;
    return out;
  };
  const ports = [await freePort(), await freePort()];
  const apps = [];
  try {
    apps.push(await startProcess([...appNodeFlags(), '--import', 'tsx', 'src/main.ts'], appEnv(data, ports[0]!), 'is running at'));
    const one = await run(`http://127.0.0.1:${ports[0]}`);
    apps.push(await startProcess([...appNodeFlags(), '--import', 'tsx', 'src/main.ts'], appEnv(data, ports[1]!), 'is running at'));
    const proxyPort = await freePort();
    const proxy = await startProcess(['--import', 'tsx', 'bench/proxy.ts'], { PORT: String(proxyPort), TARGETS: ports.join(',') }, 'proxy ready');
    apps.push(proxy);
    const two = await run(`http://127.0.0.1:${proxyPort}`);
    return pages.map(([name]) => ({ page: name, one: one[name]!, two: two[name]! }));
  } finally {
    for (const a of apps) await a.stop();
  }
}
