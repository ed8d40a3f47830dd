import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeSmtp } from './fakes/smtp';
import { childDatabaseEnv, spawnApp } from './helpers/process';

let smtp: FakeSmtp;
let db: Awaited<ReturnType<typeof childDatabaseEnv>>;
beforeAll(async () => {
  smtp = await new FakeSmtp().start();
  db = await childDatabaseEnv();
});
afterAll(async () => {
  await smtp.stop();
  await db.cleanup();
});

/** Signs up through real HTTP, as a browser would: load the form (CSRF cookie and token), post it. */
async function signUpOverHttp(base: string, email: string): Promise<number> {
  const form = await fetch(`${base}/signup`);
  const cookie = form.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/signup`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, name: 'Kim Killed', email, password: 'long enough password' }),
  });
  return res.status;
}

it('an email committed before the process was killed is delivered after restart, exactly once', async () => {
  await smtp.down(); // the first process cannot deliver
  const env = { ...db.env, SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '500', DEMO_SEED: 'false' };
  const first = await spawnApp(env);
  const email = `killed${Date.now()}@example.com`;
  expect(await signUpOverHttp(first.url, email)).toBe(303);
  first.child.kill('SIGKILL');
  await first.exited;

  await smtp.up();
  const second = await spawnApp(env);
  try {
    await smtp.waitFor(() => smtp.to(email).length > 0, 30_000).catch((e) => { throw new Error(`${e.message}\n${first.output()}\n---\n${second.output()}`); });
    await new Promise((r) => setTimeout(r, 1500)); // more polls: no second copy
    expect(smtp.to(email)).toHaveLength(1);
    expect(smtp.to(email)[0]!.parsed.subject).toBe('Welcome to CodeMentorHub');
  } finally {
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }
}, 120_000);

it('`npm run worker` delivers on its own, beside an app that runs without a worker', async () => {
  const env = { ...db.env, SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '500', DEMO_SEED: 'false', RUN_WORKER: 'false' };
  const app = await spawnApp(env);
  const email = `split${Date.now()}@example.com`;
  try {
    expect(await signUpOverHttp(app.url, email)).toBe(303);
    // The app itself sends nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect(smtp.to(email)).toHaveLength(0);
    if (!db.env.DATABASE_URL) {
      // The embedded database belongs to one process: a second one is refused with one clear line.
      const refused = await spawnApp(env, 30_000, 'src/worker.ts', 'worker is running').catch((e: Error) => e.message);
      expect(refused).toMatch(/in use by process \d+/);
      return;
    }
    const worker = await spawnApp(env, 60_000, 'src/worker.ts', 'worker is running');
    try {
      await smtp.waitFor(() => smtp.to(email).length > 0, 30_000);
      expect(smtp.to(email)).toHaveLength(1);
    } finally {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  } finally {
    app.child.kill('SIGTERM');
    await app.exited;
  }
}, 120_000);
