import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookSession } from '../src/booking/book';
import pg from 'pg';
import { auditLog, availabilityWindows, mentorProfiles, sessions } from '../src/db/schema';
import { expireLapsedHolds, releaseUnpaid } from '../src/payments/record';
import type { PaymentProvider } from '../src/payments/provider';
import { declineSession } from '../src/sessions/transitions';
import { buildTestApp, type TestApp } from './helpers/app';
import { onPostgres } from './helpers/db';
import { eventually } from './helpers/worker';

// Every status change of a session has its audit row, whoever makes it (a person, a sweep, a provider).
let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

async function openMentor() {
  const mentor = await t.createUser('mentor');
  await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentor.id));
  await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 0, endMinute: 1440 })));
  return mentor;
}

let slot = 0;
/** A fresh unpaid hold through the booking domain function. */
async function hold(options: { payments?: PaymentProvider; mentorId?: string } = {}) {
  const mentorId = options.mentorId ?? (await openMentor()).id;
  const mentee = await t.createUser('mentee');
  const start = new Date(Math.ceil((t.clock.now().getTime() + 48 * 3_600_000) / 1_800_000) * 1_800_000 + (slot++ % 6) * 1_800_000);
  // Availability windows end at midnight, so a 60-minute session cannot start at 23:30: past midnight instead.
  if (start.getUTCHours() === 23) start.setUTCHours(24);
  const result = await bookSession({
    db: t.database.db, payments: options.payments ?? t.app.services.payments, appUrl: t.config.appUrl, now: t.clock.now(),
    mentee: { id: mentee.id, email: mentee.email, name: 'Mentee' }, input: { mentorId, startsAt: start.toISOString(), durationMinutes: 60 },
  });
  return { result, mentorId, mentee, start };
}

async function trail(sessionId: string) {
  const rows = await t.database.db.select({ action: auditLog.action, data: auditLog.data }).from(auditLog)
    .where(and(eq(auditLog.subjectType, 'session'), eq(auditLog.subjectId, sessionId))).orderBy(auditLog.id);
  return rows.filter((r) => r.data && 'to' in r.data).map((r) => ({ action: r.action, ...r.data }) as { action: string; from?: unknown; to?: unknown });
}

describe('audit rows of holds given back', () => {
  it('the sweep that expires a lapsed hold records it', async () => {
    const { result } = await hold();
    if (!result.ok) throw new Error(result.error);
    t.clock.advance(36 * 60_000);
    try {
      expect(await expireLapsedHolds({ db: t.database.db, now: t.clock.now() })).toBeGreaterThanOrEqual(1);
    } finally {
      t.clock.advance(-36 * 60_000);
    }
    expect(await trail(result.sessionId)).toEqual([
      { action: 'session.booked', to: 'awaiting_payment' },
      { action: 'session.expired', from: 'awaiting_payment', to: 'expired', reason: 'hold lapsed' },
    ]);
  });

  it('a booking that gives back the lapsed holds of the same people records each', async () => {
    const first = await hold();
    if (!first.result.ok) throw new Error(first.result.error);
    t.clock.advance(36 * 60_000);
    try {
      const again = await hold({ mentorId: first.mentorId });
      expect(again.result.ok).toBe(true);
    } finally {
      t.clock.advance(-36 * 60_000);
    }
    expect((await trail(first.result.sessionId)).at(-1)).toEqual({ action: 'session.expired', from: 'awaiting_payment', to: 'expired', reason: 'hold lapsed' });
  });

  it('a checkout the provider closes unpaid, and one that could not start, are recorded', async () => {
    const closed = await hold();
    if (!closed.result.ok) throw new Error(closed.result.error);
    expect(await releaseUnpaid({ db: t.database.db, sessionId: closed.result.sessionId, now: t.clock.now() })).toBe(true);
    expect((await trail(closed.result.sessionId)).at(-1)).toEqual({ action: 'session.expired', from: 'awaiting_payment', to: 'expired', reason: 'checkout closed unpaid' });

    const down: PaymentProvider = { ...t.app.services.payments, createCheckout: () => Promise.reject(new Error('provider down')) };
    const failed = await hold({ payments: down });
    expect(failed.result).toMatchObject({ ok: false, status: 502 });
    const [row] = await t.database.db.select({ id: sessions.id, status: sessions.status }).from(sessions).where(eq(sessions.menteeId, failed.mentee.id));
    expect(row!.status).toBe('expired');
    expect((await trail(row!.id)).at(-1)).toEqual({ action: 'session.expired', from: 'awaiting_payment', to: 'expired', reason: 'checkout could not be started' });
  });
});

// Needs a second connection holding a row lock while the transition runs: PGlite has one connection.
describe.runIf(onPostgres)('the audited "from" of a transition racing another change (PostgreSQL)', () => {
  // Read without a lock, the status could change (a payment commits) between the read and the
  // compare-and-swap, and the audit row would name a status the session was no longer in.
  it('is read under the row lock: the transition waits for the other change to commit, and audits the status it replaced', async () => {
    const { result, mentorId } = await hold();
    if (!result.ok) throw new Error(result.error);
    const sessionId = result.sessionId;
    // The payment is being recorded on another connection: the row is locked, the status not yet committed.
    const client = new pg.Client({ connectionString: t.database.url! });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`update sessions set status = 'pending', paid_at = now(), hold_expires_at = null where id = $1`, [sessionId]);
      const declining = declineSession({ db: t.database.db, sessionId, actor: { id: mentorId, role: 'mentor' }, now: t.clock.now() });
      // The decline waits for the row (wherever it waits); then the payment commits.
      await eventually(async () => {
        const rows = (await t.database.db.execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as unknown as { rows: { n: number }[] };
        return rows.rows[0]!.n > 0;
      }, 5_000);
      await client.query('commit');
      expect(await declining).toMatchObject({ ok: true, status: 'declined' });
    } finally {
      await client.end();
    }
    expect((await trail(sessionId)).map((r) => [r.action, r.from, r.to])).toEqual([
      ['session.booked', undefined, 'awaiting_payment'],
      ['session.declined', 'pending', 'declined'],
    ]);
  });
});
