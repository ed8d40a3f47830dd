import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, sessions } from '../src/db/schema';
import { openPostgres } from '../src/db/client';
import { createMailTransport } from '../src/mail';
import { deliverDueEmails } from '../src/mail/deliver';
import { createDueMeetings } from '../src/sessions/rooms';
import { expireLapsedHolds } from '../src/booking/holds';
import { processDueRefunds } from '../src/payments/refunds';
import { expireUnansweredRequests, sendDueReminders } from '../src/sessions/reminders';
import { FakeGoogle } from './fakes/google';
import { FakeStripe, signedWebhook, type StripeEventPayload } from './fakes/stripe';
import { type Agent, buildTestApp, TEST_PASSWORD, type TestApp } from './helpers/app';
import { onPostgres } from './helpers/db';
import { silentLogger } from './helpers/worker';

/**
 * The session state machine under random sequences of everything that can happen to a session:
 * booking (the POST route), paying (at the Stripe fake, with webhooks in order, repeated, late and
 * out of order; or test mode's Pay button), accept, confirm, decline, cancel by each role, complete,
 * time passing with the sweeps, and the worker's rooms (the Google fake), emails and refunds; on
 * PostgreSQL also two app instances on one database acting at once. After each step the database
 * must satisfy the invariants below. The model is only what the commands need to pick their
 * targets; the invariants are checked by SQL.
 *
 * `npm test` runs a few bounded runs with a fixed seed; `npm run test:long` runs many more
 * (PROPERTY_RUNS, PROPERTY_SEED choose them).
 */
const RUNS = Number(process.env.PROPERTY_RUNS) || 6;
const SEED = Number(process.env.PROPERTY_SEED) || 20261130;
const MAX_COMMANDS = Number(process.env.PROPERTY_COMMANDS) || 30;
const WEBHOOK_SECRET = 'whsec_machine';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type LoggedIn = Agent & { token: string };
interface Client {
  t: TestApp;
  admin: LoggedIn;
}
interface Run {
  mentorId: string;
  /** Per client: the mentor's and each mentee's browser. */
  mentor: LoggedIn[];
  mentees: { id: string; agents: LoggedIn[] }[];
  /** The first bookable slot of this run; slots are half-hours from it (and from a day later). */
  base: number;
}
interface Model {
  sessions: { id: string; mentee: number }[];
  events: { payload: StripeEventPayload; delivered: boolean }[];
  advancedMs: number;
}

type Provider = 'stripe' | 'test';
let provider: Provider;
let stripe: FakeStripe;
let google: FakeGoogle;
let clients: Client[];
let closers: (() => Promise<void>)[] = [];
let clockOffset = 0;
/** Test payments: the sessions whose "Pay" the mentee pressed (one payment each: the reference is the session's), and the price. */
const testPaid = new Map<string, number>();

/** One world per payment provider: fakes, one app (and on PostgreSQL a second one on the same database), an admin. */
async function setUp(kind: Provider) {
  provider = kind;
  clockOffset = 0;
  testPaid.clear();
  stripe = await new FakeStripe().start();
  google = await new FakeGoogle().start();
  const env = {
    ...(kind === 'stripe' ? { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_URL: stripe.url } : { PAYMENT_PROVIDER: 'test' }),
    ...google.appEnv,
  };
  const a = await buildTestApp({ env });
  closers = [() => a.close()];
  const apps = [a];
  if (onPostgres) {
    // The second client: another app instance on the same database through its own pool, as a second process would be.
    const pool = openPostgres(a.database.url!, silentLogger);
    const b = await buildTestApp({ env, database: { ...pool, close: () => pool.close() } });
    closers.unshift(() => b.close());
    apps.push(b);
  }
  const admin = await a.createUser('admin');
  clients = [];
  for (const t of apps) clients.push({ t, admin: await logIn(t, admin.email) });
}

async function tearDown() {
  for (const close of closers) await close();
  await stripe?.stop();
  await google?.stop();
}

async function logIn(t: TestApp, email: string): Promise<LoggedIn> {
  const agent = t.agent();
  const res = await agent.submit('/login', { email, password: TEST_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode}`);
  return Object.assign(agent, { token: await agent.csrfToken() });
}

const db = () => clients[0]!.t.database.db;
const now = () => clients[0]!.t.clock.now();
/** Every client's clock moves together: they stand for processes on one machine's time. */
function advanceClocks(ms: number) {
  for (const c of clients) c.t.clock.advance(ms);
  clockOffset += ms;
}

async function newRun(): Promise<Run> {
  advanceClocks(-clockOffset);
  const { t } = clients[0]!;
  const mentor = await t.createUser('mentor');
  await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [30, 60] }).where(eq(mentorProfiles.userId, mentor.id));
  await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 0, endMinute: 1440 })));
  const mentees = [await t.createUser('mentee'), await t.createUser('mentee')];
  // Slots from 2 h ahead: close enough for "less than 24 hours" and for a request to reach its start.
  const base = Math.ceil((now().getTime() + 2 * HOUR) / (30 * MINUTE)) * 30 * MINUTE;
  return {
    mentorId: mentor.id,
    mentor: await Promise.all(clients.map((c) => logIn(c.t, mentor.email))),
    mentees: await Promise.all(mentees.map(async (m) => ({ id: m.id, agents: await Promise.all(clients.map((c) => logIn(c.t, m.email))) }))),
    base,
  };
}

/** A response any state-machine step may give: a redirect after a change, or a 4xx saying why nothing changed. */
function expectAnswer(res: { statusCode: number; body: string }, allowed: number[], what: string) {
  if (!allowed.includes(res.statusCode)) {
    throw new Error(`${what}: HTTP ${res.statusCode} (expected ${allowed.join('/')}): ${res.body.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}

async function deliverEvent(client: Client, payload: StripeEventPayload, what: string) {
  const signed = signedWebhook(payload, { secret: WEBHOOK_SECRET });
  const res = await client.t.app.inject({ method: 'POST', url: '/webhooks/stripe', payload: signed.body, headers: signed.headers });
  expectAnswer(res, [200], `${what} ${payload.type}`);
}

/** What Stripe does by itself as time passes: a checkout past its expiry closes and says so. */
function lapseCheckouts(model: Model) {
  for (const cs of stripe.checkoutSessions.values()) {
    if (cs.status === 'open' && cs.expires_at * 1000 <= now().getTime()) model.events.push({ payload: stripe.expireCheckout(cs.id), delivered: false });
  }
}

async function runSweeps(client: Client) {
  const d = client.t.database.db;
  const at = client.t.clock.now();
  await expireLapsedHolds({ db: d, now: at });
  await expireUnansweredRequests({ db: d, now: at });
  await sendDueReminders({ db: d, now: at });
}

async function runWorker(client: Client) {
  const { t } = client;
  const at = t.clock.now();
  await processDueRefunds({ db: t.database.db, payments: t.app.services.payments, now: at });
  await createDueMeetings({ db: t.database.db, meetings: t.app.services.meetings, now: at });
  await deliverDueEmails({ db: t.database.db, transport: createMailTransport(t.config, t.database.db), from: t.config.mailFrom, appUrl: t.config.appUrl, now: () => at });
}

// ---- Commands: each acts through one client (an app instance); Both runs two of them at once. ----

type Step = {
  check(m: Readonly<Model>): boolean; act(m: Model, r: Run, client: Client): Promise<void>; toString(): string;
  /** Not something a client does, so never half of Both (time jumping mid-booking would break Stripe's checkout rule). */
  solo?: boolean;
};
const pick = <T,>(list: T[], n: number) => list[n % list.length]!;

const book = (mentee: number, slot: number, length: 30 | 60): Step => ({
  // Stripe refuses a checkout that expires more than 24 h after it is made (by its clock, the real one).
  check: (m) => provider === 'test' || m.advancedMs < 20 * HOUR,
  async act(m, r, c) {
    const agent = r.mentees[mentee]!.agents[clients.indexOf(c)]!;
    // Slots 0-4 start within hours (inside the 24-hour rule), 5-9 a day later (outside it until time passes).
    const startsAt = new Date(r.base + (slot < 5 ? slot : slot + 44) * 30 * MINUTE).toISOString();
    const res = await agent.post(`/mentors/${r.mentorId}/book`, { _csrf: agent.token, startsAt, durationMinutes: String(length) });
    expectAnswer(res, [303, 400, 409], `book ${startsAt}`);
    if (res.statusCode !== 303) return;
    // The answer sends the mentee to the checkout page: Stripe's, or test mode's /checkout/test/:id.
    const [row] = await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.checkoutUrl, res.headers.location as string));
    m.sessions.push({ id: row!.id, mentee });
  },
  toString: () => `book(mentee ${mentee}, slot ${slot}, ${length} min)`,
});

/**
 * The mentee pays. At Stripe, the webhook arrives now or later (a later Deliver, or the final drain);
 * in test mode, the checkout page's "Pay" button (pressing it again is the same payment again).
 */
const pay = (s: number, deliverNow: boolean): Step => ({
  check: (m) => m.sessions.length > 0,
  async act(m, r, c) {
    const target = pick(m.sessions, s);
    if (provider === 'test') {
      const agent = r.mentees[target.mentee]!.agents[clients.indexOf(c)]!;
      // The Pay form posts the amount and currency its page shows, and they are checked against the booking.
      const [row] = await db().select({ price: sessions.priceCents, currency: sessions.currency }).from(sessions).where(eq(sessions.id, target.id));
      const res = await agent.post(`/checkout/test/${target.id}/pay`, { _csrf: agent.token, amount_cents: String(row!.price), currency: row!.currency });
      expectAnswer(res, [303], 'pay (test mode)');
      testPaid.set(target.id, row!.price);
      return;
    }
    const [row] = await db().select({ ref: sessions.checkoutRef }).from(sessions).where(eq(sessions.id, target.id));
    const cs = row?.ref ? stripe.checkoutSessions.get(row.ref) : undefined;
    if (cs?.status !== 'open') return; // Stripe's page no longer takes a payment
    const payload = stripe.completeCheckout(cs.id);
    m.events.push({ payload, delivered: deliverNow });
    if (deliverNow) await deliverEvent(c, payload, 'pay');
  },
  toString: () => (provider === 'test' ? `pay(session ${s})` : `pay(session ${s}, webhook ${deliverNow ? 'now' : 'later'})`),
});

const abandonCheckout = (s: number): Step => ({
  check: (m) => provider === 'stripe' && m.sessions.length > 0,
  async act(m, _r, c) {
    const { id } = pick(m.sessions, s);
    const [row] = await db().select({ ref: sessions.checkoutRef }).from(sessions).where(eq(sessions.id, id));
    const cs = row?.ref ? stripe.checkoutSessions.get(row.ref) : undefined;
    if (cs?.status !== 'open') return;
    const payload = stripe.expireCheckout(cs.id);
    m.events.push({ payload, delivered: true });
    await deliverEvent(c, payload, 'checkout expired');
  },
  toString: () => `checkoutExpired(session ${s})`,
});

/** Any event Stripe sent before, again or for the first time: duplicates and out-of-order delivery. */
const redeliver = (e: number): Step => ({
  check: (m) => m.events.length > 0,
  async act(m, _r, c) {
    const event = pick(m.events, e);
    event.delivered = true;
    await deliverEvent(c, event.payload, 'redeliver');
  },
  toString: () => `deliver(event ${e})`,
});

type Actor = 'mentee' | 'mentor' | 'admin';
const transition = (name: string, s: number, by: Actor, url: (id: string) => string, form: Record<string, string> = {}): Step => ({
  check: (m) => m.sessions.length > 0,
  async act(m, r, c) {
    const target = pick(m.sessions, s);
    const i = clients.indexOf(c);
    const agent = by === 'admin' ? c.admin : by === 'mentor' ? r.mentor[i]! : r.mentees[target.mentee]!.agents[i]!;
    const res = await agent.post(url(target.id), { _csrf: agent.token, ...form });
    expectAnswer(res, [303, 409], `${name} by ${by}`);
  },
  toString: () => `${name}(session ${s}, by ${by})`,
});
const accept = (s: number) => transition('accept', s, 'mentor', (id) => `/mentor/session/${id}/accept/`);
const confirm = (s: number) => transition('confirm', s, 'admin', (id) => `/admin/sessions/${id}/set-status/`, { status: 'confirmed' });
const decline = (s: number, by: 'mentor' | 'admin') => by === 'mentor'
  ? transition('decline', s, 'mentor', (id) => `/mentor/session/${id}/decline`)
  : transition('decline', s, 'admin', (id) => `/admin/sessions/${id}/set-status/`, { status: 'declined' });
const cancel = (s: number, by: Actor) => transition('cancel', s, by, (id) => `/sessions/${id}/cancel`);
const complete = (s: number) => transition('complete', s, 'admin', (id) => `/admin/sessions/${id}/set-status/`, { status: 'completed' });

/** Time passes (past a hold, a day, two days), Stripe closes lapsed checkouts, and the sweeps run. */
const advance = (ms: number): Step => ({
  solo: true,
  check: () => true,
  async act(m, _r, c) {
    advanceClocks(ms);
    m.advancedMs += ms;
    lapseCheckouts(m);
    await runSweeps(c);
  },
  toString: () => `advance(${ms / MINUTE} min)`,
});
const sweep: Step = { check: () => true, act: (_m, _r, c) => runSweeps(c), toString: () => 'sweeps' };
const work: Step = { check: () => true, act: (_m, _r, c) => runWorker(c), toString: () => 'worker' };

class OnClient implements fc.AsyncCommand<Model, Run> {
  constructor(readonly client: number, readonly step: Step) {}
  check(m: Readonly<Model>) { return this.step.check(m); }
  async run(m: Model, r: Run) {
    await this.step.act(m, r, clients[this.client]!);
    await checkInvariants();
  }
  toString() { return `${this.step}@${this.client}`; }
}

/** Two clients at once (two app instances on one PostgreSQL database). */
class Both implements fc.AsyncCommand<Model, Run> {
  constructor(readonly a: Step, readonly b: Step) {}
  check(m: Readonly<Model>) { return !this.a.solo && !this.b.solo && this.a.check(m) && this.b.check(m); }
  async run(m: Model, r: Run) {
    const results = await Promise.allSettled([this.a.act(m, r, clients[0]!), this.b.act(m, r, clients[1]!)]);
    for (const x of results) if (x.status === 'rejected') throw x.reason;
    await checkInvariants();
  }
  toString() { return `both(${this.a} | ${this.b})`; }
}

const sessionIx = fc.nat(7);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.tuple(fc.nat(1), fc.nat(9), fc.constantFrom(30 as const, 60 as const)).map(([m, s, l]) => book(m, s, l)), weight: 6 },
  { arbitrary: fc.tuple(sessionIx, fc.boolean()).map(([s, now]) => pay(s, now)), weight: 4 },
  { arbitrary: sessionIx.map(abandonCheckout), weight: 1 },
  { arbitrary: fc.nat(15).map(redeliver), weight: 2 },
  { arbitrary: sessionIx.map(accept), weight: 2 },
  { arbitrary: sessionIx.map(confirm), weight: 2 },
  { arbitrary: fc.tuple(sessionIx, fc.constantFrom('mentor' as const, 'admin' as const)).map(([s, by]) => decline(s, by)), weight: 1 },
  { arbitrary: fc.tuple(sessionIx, fc.constantFrom<Actor>('mentee', 'mentor', 'admin')).map(([s, by]) => cancel(s, by)), weight: 2 },
  { arbitrary: sessionIx.map(complete), weight: 1 },
  { arbitrary: fc.constantFrom(36 * MINUTE, 36 * MINUTE, 5 * HOUR, 25 * HOUR, 49 * HOUR).map(advance), weight: 1 },
  { arbitrary: fc.constant(sweep), weight: 1 },
  { arbitrary: fc.constant(work), weight: 2 },
);

function commandsFor(twoClients: boolean) {
  const one = fc.tuple(fc.nat(clients.length - 1), stepArb).map(([c, s]) => new OnClient(c, s));
  const arbs: fc.Arbitrary<fc.AsyncCommand<Model, Run>>[] = [one];
  if (twoClients) {
    arbs.push(fc.tuple(stepArb, stepArb).map(([a, b]) => new Both(a, b)));
    // Two people acting on the same session at the same moment.
    const onSession = (s: number) => fc.oneof(
      fc.constant(accept(s)), fc.constant(confirm(s)), fc.constant(complete(s)), fc.constant(pay(s, true)),
      fc.constantFrom('mentor' as const, 'admin' as const).map((by) => decline(s, by)),
      fc.constantFrom<Actor>('mentee', 'mentor', 'admin').map((by) => cancel(s, by)),
    );
    arbs.push(sessionIx.chain((s) => fc.tuple(onSession(s), onSession(s))).map(([a, b]) => new Both(a, b)));
  }
  return fc.commands(arbs, { maxCommands: MAX_COMMANDS, size: 'max' });
}

/** After the run: every event delivered, time for the worker to finish, then the end-state rules too. */
async function drain(model: Model) {
  for (const e of model.events.filter((x) => !x.delivered)) {
    e.delivered = true;
    await deliverEvent(clients[0]!, e.payload, 'drain');
  }
  for (const c of clients) await runSweeps(c);
  for (let i = 0; i < 3; i++) for (const c of clients) await runWorker(c);
  await checkInvariants();
  await checkMoney();
}

async function property(twoClients: boolean) {
  await fc.assert(
    fc.asyncProperty(commandsFor(twoClients), async (cmds) => {
      const run = await newRun();
      const model: Model = { sessions: [], events: [], advancedMs: 0 };
      await fc.asyncModelRun(() => ({ model, real: run }), cmds);
      await drain(model);
    }),
    // A failing run is long; shrinking it takes many more runs than a test may spend (PROPERTY_SHRINK=1 to shrink).
    { seed: SEED, numRuns: RUNS, endOnFailure: !process.env.PROPERTY_SHRINK, verbose: 1 },
  );
}

// ---- Invariants, by SQL over the whole database (they hold across runs, so every run adds to them) ----

type Row = Record<string, unknown>;
async function query<T extends Row>(text: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db().execute(text)) as unknown as { rows: T[] }).rows;
}

/** Invariants that hold at every moment, whatever is still in flight. */
async function checkInvariants() {
  // One active booking per slot: no two sessions of a mentor, or of a mentee, overlap while they hold time.
  const overlaps = await query(sql`
    select a.id as a, b.id as b, a.status as a_status, b.status as b_status
    from sessions a join sessions b on a.id < b.id
      and (a.mentor_id = b.mentor_id or a.mentee_id = b.mentee_id)
      and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)
    where a.status in ('awaiting_payment', 'pending', 'confirmed') and b.status in ('awaiting_payment', 'pending', 'confirmed')`);
  expect(overlaps, 'overlapping active sessions').toEqual([]);

  // At most one room per session: every room the provider made is the link of exactly one session.
  const linked = await query<{ id: string; meeting_url: string; confirmed_at: unknown }>(sql`
    select id, meeting_url, confirmed_at from sessions where meeting_url is not null`);
  const byUrl = new Map<string, string[]>();
  for (const s of linked) byUrl.set(s.meeting_url, [...(byUrl.get(s.meeting_url) ?? []), s.id]);
  expect([...byUrl.values()].filter((ids) => ids.length > 1), 'sessions sharing a room').toEqual([]);
  expect(linked.filter((s) => !s.confirmed_at), 'rooms of sessions never confirmed').toEqual([]);
  const rooms = [...google.calendar.events.values()].filter((e) => e.status !== 'cancelled' && e.hangoutLink);
  expect(rooms.filter((e) => !byUrl.has(e.hangoutLink!)).map((e) => e.hangoutLink), 'rooms made but linked to no session (a second room)').toEqual([]);

  // Exactly one "Session Confirmed" email per participant per confirmation.
  const confirmations = await query<{ id: string; has_room: boolean; confirmations: number; mentee: number; mentor: number; other: number }>(sql`
    select s.id, s.meeting_url is not null as has_room,
      (select count(*)::int from audit_log a where a.subject_type = 'session' and a.subject_id = s.id::text and a.action = 'session.confirmed') as confirmations,
      count(o.id) filter (where o.to_address = mentee.email)::int as mentee,
      count(o.id) filter (where o.to_address = mentor.email)::int as mentor,
      count(o.id) filter (where o.to_address not in (mentee.email, mentor.email))::int as other
    from sessions s
    join users mentee on mentee.id = s.mentee_id
    join users mentor on mentor.id = s.mentor_id
    left join email_outbox o on o.session_id = s.id and o.template = 'session-confirmed'
    group by s.id, mentee.email, mentor.email`);
  for (const s of confirmations) {
    const detail = JSON.stringify(s);
    expect(s.confirmations, `confirmations of one session ${detail}`).toBeLessThanOrEqual(1);
    expect(s.other, `confirmation email to someone else ${detail}`).toBe(0);
    expect(s.mentee, `"Session Confirmed" to the mentee ${detail}`).toBeLessThanOrEqual(s.confirmations);
    expect(s.mentor, `"Session Confirmed" to the mentor ${detail}`).toBeLessThanOrEqual(s.confirmations);
    // The room and its two emails commit together.
    if (s.has_room) expect([s.mentee, s.mentor], `"Session Confirmed" emails of a session with a room ${detail}`).toEqual([1, 1]);
  }

  // Refunds never exceed payments, in number or amount, per session: in our records and at Stripe.
  const payments = paymentsBySession();
  const refunded = await query<{ session_id: string; n: number; cents: number }>(sql`
    select session_id, count(*)::int as n, sum(amount_cents)::int as cents from refunds group by session_id`);
  for (const r of refunded) {
    const p = payments.get(r.session_id) ?? { n: 0, cents: 0 };
    expect(r.n <= p.n && r.cents <= p.cents, `refunds of session ${r.session_id} (${r.n}, ${r.cents} cents) exceed its payments (${p.n}, ${p.cents} cents)`).toBe(true);
  }
  for (const [sessionId, s] of stripeRefundsBySession()) {
    const p = payments.get(sessionId) ?? { n: 0, cents: 0 };
    expect(s.n <= p.n && s.cents <= p.cents, `Stripe refunds of session ${sessionId} (${s.n}, ${s.cents} cents) exceed its payments (${p.n}, ${p.cents} cents)`).toBe(true);
  }

  // Every status change has its audit row: the audited statuses, in order, chain up to the current one.
  const audits = await query<{ id: string; status: string; trail: { action: string; from?: string; to: string }[] | null }>(sql`
    select s.id, s.status,
      (select json_agg(json_build_object('action', a.action, 'from', a.data->>'from', 'to', a.data->>'to') order by a.id)
       from audit_log a where a.subject_type = 'session' and a.subject_id = s.id::text and a.data ? 'to') as trail
    from sessions s`);
  for (const s of audits) {
    const trail = s.trail ?? [];
    const where = `session ${s.id}, now ${s.status}, audited ${JSON.stringify(trail)}`;
    expect(trail[0]?.to, `first audited status (${where})`).toBe('awaiting_payment');
    for (let i = 1; i < trail.length; i++) {
      if (trail[i]!.from) expect(trail[i]!.from, `audited change ${i} starts where the previous one ended (${where})`).toBe(trail[i - 1]!.to);
      expect(trail[i]!.to, `audited change ${i} is a change (${where})`).not.toBe(trail[i - 1]!.to);
    }
    expect(trail.at(-1)?.to, `the last audited status is the current one (${where})`).toBe(s.status);
  }
}

/** Payments taken, by our session id: at Stripe (the checkout's metadata names the session), or test mode's presses of "Pay". */
function paymentsBySession() {
  const out = new Map<string, { n: number; cents: number; intents: string[] }>();
  for (const [id, cents] of testPaid) out.set(id, { n: 1, cents, intents: [] });
  for (const cs of stripe.checkoutSessions.values()) {
    if (!cs.payment_intent) continue;
    const id = cs.metadata.session_id ?? cs.client_reference_id ?? '';
    const p = out.get(id) ?? { n: 0, cents: 0, intents: [] };
    out.set(id, { n: p.n + 1, cents: p.cents + cs.amount_total, intents: [...p.intents, cs.payment_intent] });
  }
  return out;
}

function stripeRefundsBySession() {
  const sessionOf = new Map<string, string>();
  for (const [id, p] of paymentsBySession()) for (const pi of p.intents) sessionOf.set(pi, id);
  const out = new Map<string, { n: number; cents: number }>();
  for (const r of stripe.refunds) {
    const id = sessionOf.get(r.payment_intent) ?? `unknown ${r.payment_intent}`;
    const x = out.get(id) ?? { n: 0, cents: 0 };
    out.set(id, { n: x.n + 1, cents: x.cents + r.amount });
  }
  return out;
}

/**
 * Once everything is delivered and the worker has run: each payment is kept only while the session
 * stands (pending, confirmed, completed) or when the mentee cancelled a confirmed session 24 hours
 * or less ahead; otherwise it is refunded in full, in our records and at Stripe.
 */
async function checkMoney() {
  const rows = await query<{ id: string; status: string; price_cents: number; cancelled_by_mentee: boolean; hours_ahead: number | null; cancelled_from: string | null; refunded: number; refunds_succeeded: number }>(sql`
    select s.id, s.status, s.price_cents,
      s.cancelled_by = s.mentee_id as cancelled_by_mentee,
      extract(epoch from (s.starts_at - s.cancelled_at)) / 3600 as hours_ahead,
      (select a.data->>'from' from audit_log a where a.subject_type = 'session' and a.subject_id = s.id::text and a.action = 'session.cancelled' order by a.id desc limit 1) as cancelled_from,
      coalesce((select sum(amount_cents) from refunds r where r.session_id = s.id), 0)::int as refunded,
      coalesce((select sum(amount_cents) from refunds r where r.session_id = s.id and r.status = 'succeeded'), 0)::int as refunds_succeeded
    from sessions s`);
  const payments = paymentsBySession();
  const atStripe = stripeRefundsBySession();
  for (const s of rows) {
    const paid = payments.get(s.id)?.cents ?? 0;
    if (!paid) continue;
    const keep = ['pending', 'confirmed', 'completed'].includes(s.status)
      || (s.status === 'cancelled' && s.cancelled_by_mentee && s.cancelled_from === 'confirmed' && Number(s.hours_ahead) <= 24);
    const owed = keep ? 0 : paid;
    const detail = `session ${s.id} (${s.status}${s.status === 'cancelled' ? `, by ${s.cancelled_by_mentee ? 'the mentee' : 'mentor/admin'} from ${s.cancelled_from}, ${Number(s.hours_ahead).toFixed(1)} h ahead` : ''}), paid ${paid}`;
    expect(s.refunded, `refund owed: ${detail}`).toBe(owed);
    expect(s.refunds_succeeded, `refund made: ${detail}`).toBe(owed);
    if (provider === 'stripe') expect(atStripe.get(s.id)?.cents ?? 0, `refunded at Stripe: ${detail}`).toBe(owed);
  }
}

describe.each(['stripe', 'test'] as const)('the session state machine under random steps, %s payments', (kind) => {
  // A world per test: the invariants span the whole database, so one test's failure must not fail the next.
  beforeEach(() => setUp(kind), 120_000);
  afterEach(async () => {
    if (process.env.PROPERTY_STATS) await printStats();
    await tearDown();
  });

  it(`holds its invariants (one client, ${RUNS} runs, seed ${SEED})`, async () => {
    await property(false);
  }, 60_000 + RUNS * 20_000);

  it.skipIf(!onPostgres)(`holds its invariants with two app instances acting at once (${RUNS} runs, seed ${SEED}; PostgreSQL only: PGlite runs one transaction at a time)`, async () => {
    await property(true);
  }, 60_000 + RUNS * 30_000);
});

/** PROPERTY_STATS=1: what the runs reached, to see that the generators still explore (e.g. after a rule changes). */
async function printStats() {
  console.log(provider, await query(sql`select status, count(*)::int as n, count(paid_at)::int as paid, count(meeting_url)::int as rooms from sessions group by status`));
  console.log(await query(sql`select action, count(*)::int as n from audit_log group by action order by action`));
  console.log({ refunds: await query(sql`select status, count(*)::int as n from refunds group by status`), stripeRefunds: stripe.refunds.length, rooms: google.calendar.events.size });
}
