/**
 * Data generator: realistic users, mentors with weekly availability, and N sessions across all
 * statuses and time zones, written with COPY into a fresh PostgreSQL database (or into the one named).
 *
 *   npm run bench -- generate --sessions 1000000 [--database cmh_bench_1m]
 *
 * Slot-holding sessions never overlap (the exclusion constraints would refuse them): each mentor's
 * sessions sit on its own 90-minute grid, and at one grid step every mentor has a different mentee.
 * One mentee ("busy@bench.test") gets every session of mentor 0: the busiest dashboard there is.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createPasswordHasher } from '../src/accounts/password';
import { openPostgres } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { benchDatabaseUrl, serverUrl } from './env';

const ZONES = ['Europe/London', 'America/Los_Angeles', 'Asia/Kathmandu', 'Asia/Kolkata', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'];
const SKILLS = ['TypeScript', 'Node.js', 'PostgreSQL', 'Go', 'Rust', 'Python', 'React', 'Kubernetes', 'System design', 'Career'];
export const BENCH_PASSWORD = 'bench password 123';

export interface GeneratedData {
  url: string;
  sessions: number;
  mentors: number;
  mentees: number;
  adminEmail: string;
  mentorEmail: string;
  busyMenteeEmail: string;
  seconds: number;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function copyRows(client: pg.PoolClient, table: string, columns: string[], rows: Iterable<string[]>) {
  const esc = (v: string) => (v === '\\N' ? v : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
  async function* lines() {
    let buf: string[] = [];
    for (const r of rows) {
      buf.push(r.map(esc).join('\t'));
      if (buf.length >= 5000) { yield `${buf.join('\n')}\n`; buf = []; }
    }
    if (buf.length) yield `${buf.join('\n')}\n`;
  }
  await pipeline(Readable.from(lines()), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
}

export async function generate(options: { sessions: number; database: string }): Promise<GeneratedData> {
  const started = Date.now();
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  await admin.query(`drop database if exists ${options.database} with (force)`);
  await admin.query(`create database ${options.database}`);
  await admin.end();
  const url = benchDatabaseUrl(options.database);
  const database = openPostgres(url, console);
  await migrate(database);

  const random = rng(42);
  const mentorsCount = Math.max(10, Math.min(2000, Math.round(options.sessions / 500)));
  const menteesCount = Math.max(100, Math.min(100_000, Math.round(options.sessions / 10)));
  const hash = await createPasswordHasher({ logN: 10, r: 8, p: 1 }).hash(BENCH_PASSWORD);
  const adminId = randomUUID();
  const mentorIds = Array.from({ length: mentorsCount }, () => randomUUID());
  const menteeIds = Array.from({ length: menteesCount }, () => randomUUID());
  const zone = () => ZONES[Math.floor(random() * ZONES.length)]!;

  const client = await database.pool.connect();
  try {
    await copyRows(client, 'users', ['id', 'email', 'name', 'role', 'timezone', 'password_hash'], (function* () {
      yield [adminId, 'admin@bench.test', 'Bench Admin', 'admin', 'UTC', hash];
      for (let i = 0; i < mentorsCount; i++) yield [mentorIds[i]!, `mentor${i}@bench.test`, `Mentor ${i}`, 'mentor', zone(), hash];
      for (let i = 0; i < menteesCount; i++) yield [menteeIds[i]!, i === 0 ? 'busy@bench.test' : `mentee${i}@bench.test`, `Mentee ${i}`, 'mentee', zone(), hash];
    })());
    await copyRows(client, 'mentor_profiles', ['user_id', 'headline', 'bio', 'skills', 'hourly_rate_cents', 'currency', 'session_lengths', 'min_notice_minutes', 'horizon_days'], (function* () {
      for (let i = 0; i < mentorsCount; i++) {
        const skills = [SKILLS[i % SKILLS.length]!, SKILLS[(i * 3 + 1) % SKILLS.length]!];
        yield [mentorIds[i]!, `Engineer ${i} · ${skills.join(' and ')}`, 'Mentoring developers for years.', `{${skills.map((s) => `"${s}"`).join(',')}}`, String(4000 + (i % 20) * 500), 'USD', '{30,60}', '720', '28'];
      }
    })());
    await copyRows(client, 'availability_windows', ['mentor_id', 'weekday', 'start_minute', 'end_minute'], (function* () {
      for (const id of mentorIds) for (const weekday of [1, 2, 3, 4, 5]) yield [id, String(weekday), '540', '1020'];
    })());

    // Sessions: ~70% in the past (completed/cancelled/expired/declined), the rest upcoming.
    const now = Date.now();
    const step = 90 * 60_000;
    const perMentor = Math.ceil(options.sessions / mentorsCount);
    const firstSlot = now - Math.floor(perMentor * 0.7) * step;
    await copyRows(client, 'sessions', [
      'mentor_id', 'mentee_id', 'starts_at', 'ends_at', 'duration_minutes', 'price_cents', 'currency', 'status', 'payment_provider', 'paid_at',
      'meeting_provider', 'meeting_url', 'meeting_external_id', 'hold_expires_at', 'confirmed_at', 'completed_at',
    ], (function* () {
      let made = 0;
      for (let k = 0; k < perMentor && made < options.sessions; k++) {
        for (let m = 0; m < mentorsCount && made < options.sessions; m++, made++) {
          const start = firstSlot + k * step + m; // a millisecond apart: a total order for keyset paging
          const past = start < now;
          const r = random();
          const status = past
            ? (r < 0.8 ? 'completed' : r < 0.9 ? 'cancelled' : r < 0.95 ? 'expired' : 'declined')
            : (r < 0.6 ? 'confirmed' : r < 0.9 ? 'pending' : r < 0.95 ? 'awaiting_payment' : 'cancelled');
          const mentee = m === 0 ? menteeIds[0]! : menteeIds[1 + ((m + k * mentorsCount) % (menteesCount - 1))]!;
          const duration = r < 0.5 ? 30 : 60;
          const meeting = status === 'confirmed' || status === 'completed';
          const room = `bench-${k}-${m}`;
          yield [
            mentorIds[m]!, mentee, new Date(start).toISOString(), new Date(start + duration * 60_000).toISOString(), String(duration),
            String(duration * 100), 'USD', status, 'test', status === 'awaiting_payment' || status === 'expired' ? '\\N' : new Date(start - 86_400_000).toISOString(),
            meeting ? 'jitsi' : '\\N', meeting ? `https://meet.jit.si/${room}` : '\\N', meeting ? room : '\\N',
            status === 'awaiting_payment' ? new Date(now + 30 * 60_000).toISOString() : '\\N',
            meeting ? new Date(start - 43_200_000).toISOString() : '\\N', status === 'completed' ? new Date(start + 3_600_000).toISOString() : '\\N',
          ];
        }
      }
    })());
    // A table that has lived a while has been vacuumed: its visibility map lets index-only scans skip
    // the heap (the Mentor Dashboard's earnings rely on it). A freshly copied one has not.
    await client.query('vacuum analyze');
  } finally {
    client.release();
    await database.close();
  }
  return {
    url, sessions: options.sessions, mentors: mentorsCount, mentees: menteesCount,
    adminEmail: 'admin@bench.test', mentorEmail: 'mentor0@bench.test', busyMenteeEmail: 'busy@bench.test',
    seconds: (Date.now() - started) / 1000,
  };
}
