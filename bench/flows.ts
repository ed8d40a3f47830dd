/**
 * Flow benchmarks, in-process against PostgreSQL with the real worker and a real SMTP sink:
 * confirm → both emails accepted; N concurrent bookings of one slot; booking + test payment rate.
 */
import { count, inArray } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createPasswordHasher } from '../src/accounts/password';
import { createUser } from '../src/accounts/users';
import { buildApp } from '../src/app';
import { createPaidSession } from '../src/booking/operator';
import { loadConfig } from '../src/config';
import { openPostgres } from '../src/db/client';
import { availabilityWindows, emailOutbox, mentorProfiles } from '../src/db/schema';
import { startWorker } from '../src/jobs/worker';
import { createMailTransport } from '../src/mail';
import { Agent } from '../tools/agent';
import { generate } from './generate';

const silent = { info() {}, warn() {}, error() {} };
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0; };

export interface FlowResults {
  confirm: { count: number; p50: number; p99: number };
  race: { requests: number; winners: number; taken: number; errors: number; ms: number };
  bookAndPay: { flows: number; seconds: number; perSecond: number };
}

export async function benchFlows(options: { confirmations?: number; racers?: number; seconds?: number } = {}): Promise<FlowResults> {
  const data = await generate({ sessions: 1000, database: 'cmh_bench_flows' });
  // The SMTP sink: records when each recipient's message was accepted.
  const accepted = new Map<string, number>();
  const sink = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, cb) { stream.resume(); stream.on('end', () => { for (const r of session.envelope.rcptTo) accepted.set(r.address, Date.now()); cb(); }); } });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const port = (sink.server.address() as AddressInfo).port;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SMTP_URL: `smtp://127.0.0.1:${port}`, AUTH_RATE_LIMIT_PER_MINUTE: '1000000', BOOKING_RATE_LIMIT_PER_MINUTE: '1000000', MAX_EVENT_LOOP_DELAY_MS: '0' });
  const database = openPostgres(data.url, silent, { max: 20 });
  const hasher = createPasswordHasher({ logN: 10, r: 8, p: 1 });
  const worker = await startWorker({ config, database, transport: createMailTransport(config, database.db), logger: silent, pollingIntervalSeconds: 0.5, schedule: false });
  const app = await buildApp({ config, database, hasher, cookieSecret: 'bench-cookie-secret-bench-cookie-secret', onWorkQueued: worker.wake, logger: process.env.BENCH_DEBUG ? (await import('pino')).default({ level: 'error' }) : undefined });
  try {
    const db = database.db;
    let n = 0;
    const person = async (role: 'mentor' | 'mentee') => {
      const email = `flow-${role}-${++n}@bench.test`;
      const user = await db.transaction(async (tx) => {
        const u = await createUser({ tx, hasher, role, input: { email, name: `Flow ${role} ${n}`, password: 'bench password 123', timezone: 'UTC' } });
        if (role === 'mentor') {
          await tx.insert(mentorProfiles).values({ userId: u!.id, hourlyRateCents: 6000, minNoticeMinutes: 0, sessionLengths: [30, 60] });
          await tx.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: u!.id, weekday, startMinute: 0, endMinute: 1440 })));
        }
        return u;
      });
      const agent = new Agent(app);
      await agent.submit('/login', { email, password: 'bench password 123' });
      return { agent, email, id: user!.id };
    };

    // 1. Confirm → both emails accepted by the SMTP sink.
    const confirmations = options.confirmations ?? 200;
    const latencies: number[] = [];
    const mentor = await person('mentor');
    const mentees = await Promise.all(Array.from({ length: 10 }, () => person('mentee')));
    const base = new Date(Date.now() + 2 * 86_400_000); base.setUTCMinutes(0, 0, 0);
    const pending: { id: string; menteeEmail: string }[] = [];
    for (let i = 0; i < confirmations; i++) {
      const mentee = mentees[i % mentees.length]!;
      const start = new Date(base.getTime() + i * 3_600_000);
      const r = await createPaidSession({ db, input: { mentor: mentor.email, mentee: mentee.email, start: start.toISOString(), duration: 30 }, now: new Date() });
      if (r.ok) pending.push({ id: r.sessionId, menteeEmail: mentee.email });
    }
    // Each paid session also queued its receipt email: let those go out first, so a confirmation's
    // emails are timed on their own and not behind 200 receipts (as they were from a801054 on).
    const drainBy = Date.now() + 60_000;
    while ((await db.select({ n: count() }).from(emailOutbox).where(inArray(emailOutbox.status, ['pending', 'sending'])))[0]!.n > 0) {
      if (Date.now() > drainBy) throw new Error('the receipt emails were not all sent within a minute');
      await new Promise((r) => setTimeout(r, 50));
    }
    const token = await mentor.agent.csrfToken();
    for (const s of pending) {
      accepted.delete(s.menteeEmail);
      accepted.delete(mentor.email);
      const t0 = Date.now();
      const res = await mentor.agent.post(`/mentor/session/${s.id}/accept/`, { _csrf: token });
      if (res.statusCode !== 303) throw new Error(`accept answered ${res.statusCode}`);
      // Both participants' "Session Confirmed" accepted by SMTP (the mentor's earlier mail was cleared).
      while (!((accepted.get(s.menteeEmail) ?? 0) >= t0 && (accepted.get(mentor.email) ?? 0) >= t0)) await new Promise((r) => setTimeout(r, 2));
      latencies.push(Date.now() - t0);
    }

    // 2. Concurrent bookings of one slot.
    const racers = options.racers ?? 500;
    const raceMentor = await person('mentor');
    const people = [];
    for (let i = 0; i < racers; i++) people.push(await person('mentee'));
    const tokens = await Promise.all(people.map((p) => p.agent.csrfToken()));
    const slot = new Date(Date.now() + 3 * 86_400_000); slot.setUTCMinutes(0, 0, 0);
    const t1 = Date.now();
    const results = await Promise.all(people.map((p, i) => p.agent.post(`/mentors/${raceMentor.id}/book`, { _csrf: tokens[i]!, startsAt: slot.toISOString(), durationMinutes: '60' })));
    const raceMs = Date.now() - t1;
    const codes = results.map((r) => r.statusCode);
    if (process.env.BENCH_DEBUG) console.log([...new Set(results.filter((r) => r.statusCode >= 500).map((r) => r.body.slice(r.body.indexOf("<main"), r.body.indexOf("<main") + 400)))].slice(0, 3));

    // 3. Booking + test payment, back to back, for a fixed time, 10 at a time.
    const seconds = options.seconds ?? 10;
    const payMentor = await person('mentor');
    // 30 minutes at 60.00 an hour: the amount the test checkout page shows and posts.
    const payPrice = 3000;
    const payers = await Promise.all(Array.from({ length: 10 }, () => person('mentee')));
    let flows = 0;
    let next = Date.now() + 3_600_000 * 24;
    const deadline = Date.now() + seconds * 1000;
    const loop = async (p: Awaited<ReturnType<typeof person>>) => {
      const tok = await p.agent.csrfToken();
      while (Date.now() < deadline) {
        next += 3_600_000;
        const start = new Date(Math.ceil(next / 1_800_000) * 1_800_000);
        const booked = await p.agent.post(`/mentors/${payMentor.id}/book`, { _csrf: tok, startsAt: start.toISOString(), durationMinutes: '30' });
        if (booked.statusCode !== 303) continue;
        const paid = await p.agent.post(`${booked.headers.location}/pay`, { _csrf: tok, amount_cents: String(payPrice), currency: 'usd' });
        if (paid.statusCode === 303) flows++;
      }
    };
    const t2 = Date.now();
    await Promise.all(payers.map(loop));
    const elapsed = (Date.now() - t2) / 1000;
    return {
      confirm: { count: latencies.length, p50: pct(latencies, 50), p99: pct(latencies, 99) },
      race: { requests: racers, winners: codes.filter((c) => c === 303).length, taken: codes.filter((c) => c === 409).length, errors: codes.filter((c) => c >= 500).length, ms: raceMs },
      bookAndPay: { flows, seconds: elapsed, perSecond: Math.round((flows / elapsed) * 10) / 10 },
    };
  } finally {
    await app.close();
    await worker.stop();
    await database.close();
    await new Promise<void>((r) => sink.close(() => r()));
  }
}
