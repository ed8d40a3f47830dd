import { eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSession, startSession } from '../src/accounts/sessions';
import { bookSession } from '../src/booking/book';
import { emailOutbox, type Role } from '../src/db/schema';
import { submitReview } from '../src/feedback/reviews';
import { submitMentorApplication } from '../src/mentors/applications';
import { createMailTransport } from '../src/mail';
import { deliverDueEmails } from '../src/mail/deliver';
import { createDueMeetings } from '../src/sessions/rooms';
import { FakeStripe } from './fakes/stripe';
import { buildTestApp, type TestApp } from './helpers/app';
import { createOpenMentor } from './helpers/mentors';
import { moveSession, pendingSession } from './helpers/scenario';

/**
 * Random forms at every POST route and random query strings at every GET route, as each role and as
 * a guest. The routes are read from the app itself, so a route added later is fuzzed too. Properties:
 * never a 5xx; and a POST answered 4xx changed nothing in the database.
 *
 * `npm test` runs a few requests per route and role with a fixed seed; `npm run test:long` many more
 * (FUZZ_RUNS, FUZZ_SEED choose them).
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 5;
const SEED = Number(process.env.FUZZ_SEED) || 20261130;
type Who = Role | 'guest';
const WHO: Who[] = ['guest', 'mentee', 'mentor', 'admin'];

let t: TestApp;
let stripeApp: TestApp;
let stripe: FakeStripe;
/** Ids that exist, by kind, and the form field and query names the app's own pages use. */
const ids: Record<string, string[]> = {};
const fieldNames = new Set<string>(['_csrf', 'status', 'startsAt', 'durationMinutes', 'email', 'password', 'name', 'rating', 'comment', 'note', 'next']);
const fieldsByRoute = new Map<string, Set<string>>();
/** The app's own forms: for each POST route, each field with values its page offers or a browser would send. */
const formsByRoute = new Map<string, Map<string, Set<string>>>();
const queryNames = new Set<string>(['q', 'status', 'before', 'after', 'next', 'page', 'week', 'from', 'to', 'person', 'paid', 'min', 'max', 'tz']);

// ---- Routes, from the app's own router ----

interface Route { method: string; path: string }

/** Parses Fastify's printRoutes tree ("├── /cancel (POST)" under "sessions/:id") into full paths. */
function routesOf(app: FastifyInstance): Route[] {
  const out: Route[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)(?:[├└]── )?(\S+)(?: \(([A-Z, ]+)\))?$/.exec(line.trimEnd());
    if (!m?.[2]) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const path = `${parent}${m[2]}`;
    stack.push(path);
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && !path.includes('*')) out.push({ method, path });
    }
  }
  return out;
}

// ---- Clients: a fixed cookie jar per role, logged in again if a request logged it out ----

interface Client { who: Who; userId?: string; cookies: Record<string, string>; csrf: string }
const clients = new Map<Who, Client>();

async function send(app: FastifyInstance, client: Client, options: { method: string; url: string; body?: string; contentType?: string }) {
  return app.inject({
    method: options.method as 'GET', url: options.url, payload: options.body,
    headers: {
      cookie: Object.entries(client.cookies).map(([k, v]) => `${k}=${v}`).join('; '),
      ...(options.contentType ? { 'content-type': options.contentType } : {}),
    },
  });
}

async function freshClient(app: FastifyInstance, who: Who, userId?: string): Promise<Client> {
  const client: Client = { who, userId, cookies: {}, csrf: '' };
  if (userId) client.cookies.cmh_session = await t.database.db.transaction((tx) => startSession({ tx, userId, now: t.clock.now() }));
  const page = await send(app, client, { method: 'GET', url: userId ? '/' : '/login' });
  for (const c of page.cookies as { name: string; value: string }[]) if (c.name === '_csrf') client.cookies._csrf = c.value;
  client.csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  if (!client.csrf) throw new Error(`no CSRF token for ${who}`);
  return client;
}

/** A fuzzed log-out (or a sign-up) may end the client's login session: start another. */
async function ensureLoggedIn(app: FastifyInstance, who: Who): Promise<Client> {
  const client = clients.get(who)!;
  if (client.userId && !(await resolveSession({ db: t.database.db, token: client.cookies.cmh_session!, now: t.clock.now() }))) {
    clients.set(who, await freshClient(app, who, client.userId));
  }
  return clients.get(who)!;
}

// ---- The database's fingerprint: every row of the tables a request may change ----

// Not auth_sessions (each request touches last_seen_at) nor login_failures (a refused log-in counts, by design).
const TABLES = ['users', 'mentor_profiles', 'availability_windows', 'sessions', 'refunds', 'processed_events', 'email_outbox',
  'mailbox_messages', 'app_secrets', 'audit_log', 'meeting_accesses', 'reviews', 'mentor_notes'];

async function fingerprint(): Promise<Record<string, string>> {
  const parts = TABLES.map((name) => `(select count(*) || ':' || coalesce(md5(string_agg(x::text, '|' order by x::text)), '') from ${name} x) as ${name}`);
  const res = (await t.database.db.execute(sql.raw(`select ${parts.join(', ')}`))) as unknown as { rows: Record<string, string>[] };
  return res.rows[0]!;
}

// ---- Arbitraries: what a hostile or broken client sends ----

const NASTY = ['\u0000', 'a\u0000b', '%00', '\u0001\u001f\u007f', '\r\n', '\u202e', '\ud83d\ude00', 'é', 'e\u0301', '\uffff', '', ' ', '-1', '0', '1e309',
  'NaN', 'Infinity', 'null', 'undefined', 'true', '[]', '{}', "' or 1=1 --", '<script>alert(1)</script>', '../../etc/passwd', '9'.repeat(40),
  '2026-13-45T25:61:00Z', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', 'UTC', 'Mars/Olympus', '__proto__', 'toString'];

function idOrNot(kind?: string) {
  const real = kind ? ids[kind] ?? [] : Object.values(ids).flat();
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real), weight: 4 },
    { arbitrary: fc.uuid(), weight: 1 },
    { arbitrary: fc.constantFrom(...NASTY), weight: 1 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  );
}

const value = () => fc.oneof(
  { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.constantFrom(...NASTY), weight: 4 },
  { arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', '\u0000', '\u0001', '\u0008', '\u001b', '\u007f', '\u0085', '\u2028', '\ufeff'), maxLength: 12 }), weight: 2 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  { arbitrary: fc.double().map(String), weight: 1 },
  { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 1 },
  { arbitrary: idOrNot(), weight: 2 },
  // Huge: around the body limit (64 KB) and a field far longer than any form allows.
  { arbitrary: fc.tuple(fc.constantFrom('x', '\u0000', 'é', ' '), fc.constantFrom(300, 5_000, 70_000)).map(([c, n]) => c.repeat(n)), weight: 1 },
);

const fieldName = (own: string[]) => fc.oneof(
  ...(own.length ? [{ arbitrary: fc.constantFrom(...own), weight: 8 }] : []),
  { arbitrary: fc.constantFrom(...fieldNames), weight: 3 },
  { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'a[b]', 'a[]', '\u0000', '%00'), weight: 1 },
);

/** A URL-encoded form value, byte by byte (a lone surrogate becomes U+FFFD, as a browser sends it). */
const encode = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

type Body = { kind: 'form' | 'json' | 'other'; csrf: 'valid' | 'missing' | 'wrong'; fields: [string, unknown][]; raw: string[]; contentType?: string };

const unescapeHtml = (v: string) => v.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What a browser could send for each field of a form: its values, its options, or one that fits its type. */
function validValues(html: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (name: string, v: string) => out.set(name, [...(out.get(name) ?? []), v]);
  for (const [tag] of html.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    if (!name || name === '_csrf') continue;
    const type = /type="([^"]+)"/.exec(tag)?.[1] ?? 'text';
    const value = /value="([^"]*)"/.exec(tag)?.[1];
    if (value !== undefined) add(name, unescapeHtml(value));
    if (type === 'email') add(name, 'someone.new@example.com');
    if (type === 'password') add(name, 'correct horse battery staple');
    if (type === 'number') add(name, /min="([^"]+)"/.exec(tag)?.[1] ?? '1');
    if (type === 'text' || type === 'search') add(name, 'Plain words');
  }
  for (const m of html.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    for (const o of m[2]!.matchAll(/<option[^>]*value="([^"]*)"/g)) add(m[1]!, unescapeHtml(o[1]!));
  }
  for (const m of html.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) add(m[1]!, unescapeHtml(m[2]!) || 'Plain words');
  return out;
}

/**
 * A form as the page would send it, with one or two fields replaced by something hostile, dropped
 * or repeated: random bodies rarely get past validation of the other fields, these do.
 */
function mutatedBody(form: Map<string, Set<string>>): fc.Arbitrary<Body> {
  const names = [...form.keys()];
  const valid = fc.tuple(...names.map((n) => fc.constantFrom(...form.get(n)!))).map((vs) => vs.map((v, i) => [names[i]!, v] as [string, unknown]));
  const mutation = fc.record({
    at: fc.nat(), how: fc.constantFrom('replace', 'replace', 'taint', 'taint', 'bare', 'drop', 'repeat'), with: value(),
    // A control character (NUL most of all) slipped into an otherwise valid value.
    char: fc.constantFrom('\u0000', '\u0000', '\u0001', '\u001b', '\u007f', '\u2028', '\ud800'), pos: fc.nat(),
  });
  return fc.record({ base: valid, mutations: fc.array(mutation, { minLength: 1, maxLength: 2 }), csrf: fc.constantFrom('valid' as const, 'valid' as const, 'missing' as const) })
    .map(({ base, mutations, csrf }) => {
      const fields = [...base];
      for (const m of mutations) {
        if (!fields.length) break;
        const i = m.at % fields.length;
        if (m.how === 'replace') fields[i] = [fields[i]![0], m.with];
        else if (m.how === 'bare') fields[i] = [fields[i]![0], m.char];
        else if (m.how === 'taint') {
          const v = String(fields[i]![1]);
          const at = m.pos % (v.length + 1);
          fields[i] = [fields[i]![0], `${v.slice(0, at)}${m.char}${v.slice(at)}`];
        }
        else if (m.how === 'drop') fields.splice(i, 1);
        else fields.push([fields[i]![0], m.with]);
      }
      return { kind: 'form' as const, csrf, fields, raw: [] };
    });
}

/** Built when used: the names and ids it draws from are known only after the set-up. */
const bodyArb = (own: string[]): fc.Arbitrary<Body> => fc.record({
  kind: fc.constantFrom('form', 'form', 'form', 'form', 'json', 'json', 'other'),
  csrf: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'missing', 'wrong'),
  // Repeated names arrive as arrays; some fields are left out, others appear twice.
  fields: fc.array(fc.tuple(fieldName(own), fc.oneof({ arbitrary: value(), weight: 5 }, { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 })), { maxLength: 10 }),
  // Bytes no encoder would make: invalid UTF-8, a bare percent, separators.
  raw: fc.array(fc.constantFrom('x=%FF', 'x=%C3%28', 'status=%E2%82', '%=', '=&=', '&&', 'a=%', 'rating=%00', 'email=%F0%9F%98'), { maxLength: 2 }),
  contentType: fc.constantFrom(undefined, 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded; charset=latin1', 'application/json; charset=utf-16'),
});

function render(body: Body, csrf: string): { body?: string; contentType?: string } {
  const token = body.csrf === 'valid' ? csrf : body.csrf === 'wrong' ? `${csrf.slice(0, -4)}AAAA` : undefined;
  if (body.kind === 'json') {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of body.fields) obj[k] = k in obj ? [obj[k], v].flat() : v;
    if (token) obj._csrf = token;
    return { body: JSON.stringify(obj), contentType: 'application/json' };
  }
  const pairs = body.fields.map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`);
  if (token) pairs.unshift(`_csrf=${encode(token)}`);
  return { body: [...pairs, ...body.raw].join('&'), contentType: body.kind === 'other' ? body.contentType ?? 'text/plain' : 'application/x-www-form-urlencoded' };
}

function fillPath(path: string) {
  const params = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const kindOf = (param: string) => (param === 'index' ? undefined : kindForPath(path));
  return fc.tuple(...params.map((p) => (p === 'index' ? fc.oneof(fc.constantFrom('0', '1', '-1', '99999999999999999999'), fc.constantFrom(...NASTY)) : idOrNot(kindOf(p)))))
    .map((values) => {
      let i = 0;
      return path.replace(/:(\w+)/g, () => encode(values[i++] as string));
    });
}

/** Which real ids make sense in a path (a session's, a mentor's…); any id or none is tried too. */
function kindForPath(path: string): string | undefined {
  if (path.startsWith('/sessions/') || path.includes('/session/') || path.startsWith('/admin/sessions/') || path.startsWith('/checkout/')) return 'session';
  if (path.startsWith('/admin/mentors/applications/')) return 'application';
  if (path.startsWith('/mentors/') || path.startsWith('/admin/mentors/')) return 'mentor';
  if (path.startsWith('/admin/reviews/')) return 'review';
  if (path.startsWith('/admin/mail/')) return 'mail';
  if (path.startsWith('/admin/outbox/')) return 'outbox';
  return undefined;
}

const queryArb = (own: string[]) => fc.array(fc.tuple(
  fc.oneof(...(own.length ? [{ arbitrary: fc.constantFrom(...own), weight: 6 }] : []), { arbitrary: fc.constantFrom(...queryNames), weight: 3 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 }),
  fc.oneof({ arbitrary: value(), weight: 5 }, { arbitrary: fc.constantFrom('%00', '%FF', '%', '%C3%28'), weight: 2 }),
), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${v.startsWith('%') && v.length <= 6 ? v : encode(v.slice(0, 3000))}`).join('&'));

// ---- Set-up: a database with something of everything, and one client per role ----

beforeAll(async () => {
  // The admin's "Test meetings" asks the Jitsi server whether it answers: keep that on this machine.
  t = await buildTestApp({ env: { JITSI_BASE_URL: 'http://127.0.0.1:9/' } });
  const db = t.database.db;
  const now = t.clock.now();
  const admin = await t.createUser('admin');
  const mentor = await createOpenMentor(t);
  const mentee = await t.createUser('mentee');
  const otherMentor = await t.createUser('mentor');
  const start = (hours: number) => new Date(Math.ceil((now.getTime() + hours * 3_600_000) / 3_600_000) * 3_600_000);
  const paid = (hours: number) => pendingSession({ db, mentor, mentee, start: start(hours), now });
  const move = (sessionId: string, to: 'confirmed' | 'completed' | 'cancelled') => moveSession({ db, sessionId, to, actor: { id: admin.id, role: 'admin' }, now });
  const pending = [await paid(30), await paid(40), await paid(50)];
  const confirmed = await paid(60);
  await move(confirmed, 'confirmed');
  const completed = await paid(70);
  await move(completed, 'confirmed');
  await move(completed, 'completed');
  const cancelled = await paid(80);
  await move(cancelled, 'cancelled');
  const held = await bookSession({ db, payments: t.app.services.payments, appUrl: t.config.appUrl, now, mentee: { id: mentee.id, email: mentee.email, name: 'Mentee' }, input: { mentorId: mentor.id, startsAt: start(90).toISOString(), durationMinutes: 60 } });
  if (!held.ok) throw new Error(held.error);
  const review = await submitReview({ db, sessionId: completed, menteeId: mentee.id, input: { rating: '4', comment: 'Useful' }, now });
  if (!review.ok) throw new Error('review');
  await createDueMeetings({ db, meetings: t.app.services.meetings, now });
  await deliverDueEmails({ db, transport: createMailTransport(t.config, db), from: t.config.mailFrom, appUrl: t.config.appUrl });
  // One failed email, so "retry" has something real to act on.
  const [someMail] = await db.select({ id: emailOutbox.id }).from(emailOutbox).limit(1);
  await db.update(emailOutbox).set({ status: 'failed', lastError: 'test' }).where(eq(emailOutbox.id, someMail!.id));

  // A mentor application from someone who is not one of the fuzzing clients (approving it makes them a mentor).
  const applicant = await t.createUser('mentee');
  const applied = await submitMentorApplication({ db, userId: applicant.id, now, input: {
    headline: 'Applicant', skills: 'Go', hourlyRate: '50', currency: 'USD', bio: 'A bio that is long enough.', links: 'https://example.com',
  } });
  if (!applied.ok) throw applied;
  const all = async (q: string) => ((await db.execute(sql.raw(q))) as unknown as { rows: { id: string }[] }).rows.map((r) => r.id);
  ids.session = [...pending, confirmed, completed, cancelled, held.sessionId];
  ids.mentor = [mentor.id, otherMentor.id];
  ids.user = [admin.id, mentee.id];
  ids.review = await all('select id from reviews');
  ids.mail = await all('select id from mailbox_messages');
  ids.outbox = await all('select id from email_outbox');
  ids.application = [applied.id];

  clients.set('guest', await freshClient(t.app, 'guest'));
  clients.set('mentee', await freshClient(t.app, 'mentee', mentee.id));
  clients.set('mentor', await freshClient(t.app, 'mentor', mentor.id));
  clients.set('admin', await freshClient(t.app, 'admin', admin.id));

  // The names the app's own forms and links use, from its pages as each role sees them: each form's
  // fields go with the route it posts to (or gets), so a route's fuzz mostly fills its real fields.
  const routes = routesOf(t.app);
  const routeOf = (method: string, action: string) => routes.find((r) => r.method === method
    && new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}/?$`).test(action.split('?')[0]!))?.path;
  for (const route of routes.filter((r) => r.method === 'GET' && !r.path.includes(':index'))) {
    for (const who of WHO) {
      const url = route.path.replace(/:\w+/g, () => (kindForPath(route.path) ? ids[kindForPath(route.path)!]![0]! : ''));
      const page = await send(t.app, clients.get(who)!, { method: 'GET', url });
      for (const form of page.body.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)) {
        const method = /method="post"/i.test(form[1]!) ? 'POST' : 'GET';
        const action = /action="([^"]*)"/.exec(form[1]!)?.[1] ?? url;
        const target = routeOf(method, action.replace(/&amp;/g, '&'));
        const names = [...form[2]!.matchAll(/name="([^"]+)"/g)].map((m) => m[1]!);
        if (target) fieldsByRoute.set(`${method} ${target}`, new Set([...(fieldsByRoute.get(`${method} ${target}`) ?? []), ...names]));
        if (target && method === 'POST') {
          const form2 = formsByRoute.get(target) ?? new Map<string, Set<string>>();
          for (const [name, v] of validValues(form[2]!)) form2.set(name, new Set([...(form2.get(name) ?? []), ...v]));
          formsByRoute.set(target, form2);
        }
        for (const n of names) (method === 'POST' ? fieldNames : queryNames).add(n);
      }
      for (const m of page.body.matchAll(/href="[^"?]*\?([^"#]+)"/g)) for (const [k] of new URLSearchParams(m[1]!.replace(/&amp;/g, '&'))) queryNames.add(k);
    }
  }

  // The Stripe webhook exists only with Stripe payments: a second app for the routes only it has.
  stripe = await new FakeStripe().start();
  stripeApp = await buildTestApp({ database: t.database, env: { PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: 'whsec_fuzz', STRIPE_API_URL: stripe.url } });
}, 120_000);

afterAll(async () => {
  await stripeApp?.app.close();
  await t?.close();
  await stripe?.stop();
});

interface Failure { who: Who; route: string; counterexample: string }

/**
 * Runs a property per route and role, and collects every route's first failure rather than stopping
 * at one. A role the route turns away whatever it sends (401, 403) gets a few requests, not all.
 */
/** FUZZ_ROUTES (a regular expression) narrows a run to some routes, e.g. FUZZ_ROUTES='^POST /login$'. */
const only = process.env.FUZZ_ROUTES ? new RegExp(process.env.FUZZ_ROUTES) : undefined;

async function fuzzRoutes(routes: Route[], property: (route: Route, who: Who, runs: number) => Promise<{ failed: boolean; counterexample: unknown; errorInstance: unknown }>): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const route of routes.filter((r) => !only || only.test(`${r.method} ${r.path}`))) {
    for (const who of WHO) {
      const details = await property(route, who, RUNS);
      if (details.failed) {
        const error = details.errorInstance as Error | undefined;
        failures.push({ who, route: `${route.method} ${route.path}`, counterexample: `${fc.stringify(details.counterexample)} → ${error?.message?.split('\n')[0] ?? 'failed'}` });
      }
    }
  }
  return failures;
}

/** The database as the last request left it: a 4xx must leave it so. */
let last: Record<string, string> | undefined;

function postProperty(app: FastifyInstance) {
  return async (route: Route, who: Who, runs: number) => {
    const refused = await turnedAway(app, route, who);
    // Shrinking is cheap here (one request a step) and turns a failure into the smallest input that shows it.
    const random = bodyArb([...fieldsByRoute.get(`POST ${route.path}`) ?? []]);
    const form = formsByRoute.get(route.path);
    const bodies = form?.size ? fc.oneof({ arbitrary: mutatedBody(form), weight: 2 }, { arbitrary: random, weight: 1 }) : random;
    return fc.check(fc.asyncProperty(fillPath(route.path), bodies, async (url, body) => {
      const client = await ensureLoggedIn(app, who);
      const { body: payload, contentType } = render(body, client.csrf);
      const before = last ?? await fingerprint();
      const res = await send(app, client, { method: 'POST', url, body: payload, contentType });
      last = await fingerprint();
      if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for POST ${url} body ${JSON.stringify(payload?.slice(0, 200))}`);
      if (res.statusCode >= 400) {
        const changed = TABLES.filter((name) => before[name] !== last![name]);
        if (changed.length) throw new Error(`HTTP ${res.statusCode} but ${changed.join(', ')} changed, for POST ${url} body ${JSON.stringify(payload?.slice(0, 200))}`);
      }
    }), { seed: seedFor(route, who), numRuns: refused ? Math.min(runs, 2) : runs });
  };
}

/** Each route and role gets its own stream of cases, all fixed by FUZZ_SEED. */
function seedFor(route: Route, who: Who): number {
  let h = SEED | 0;
  for (const c of `${route.method} ${route.path} ${who}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h;
}

/** Whether the route's guard refuses this role outright ("Log in first." or "Not allowed"), whatever else is sent. */
async function turnedAway(app: FastifyInstance, route: Route, who: Who): Promise<boolean> {
  const client = await ensureLoggedIn(app, who);
  const url = route.path.replace(/:\w+/g, () => ids[kindForPath(route.path) ?? 'session']![0]!);
  const res = await send(app, client, { method: route.method, url, ...(route.method === 'POST' ? { body: `_csrf=${encode(client.csrf)}`, contentType: 'application/x-www-form-urlencoded' } : {}) });
  last = undefined;
  return (res.statusCode === 401 && res.body.includes('Log in first.')) || (res.statusCode === 403 && res.body.includes('does not have access'))
    || (route.method === 'GET' && res.statusCode === 302 && String(res.headers.location).startsWith('/login'));
}

function getProperty(app: FastifyInstance) {
  return async (route: Route, who: Who, runs: number) => {
    const refused = await turnedAway(app, route, who);
    return fc.check(fc.asyncProperty(fillPath(route.path), queryArb([...fieldsByRoute.get(`GET ${route.path}`) ?? []]), async (path, query) => {
      const client = await ensureLoggedIn(app, who);
      const url = query ? `${path}?${query}` : path;
      const res = await send(app, client, { method: 'GET', url });
      if (res.statusCode >= 500) throw new Error(`HTTP ${res.statusCode} for GET ${url}`);
    }), { seed: seedFor(route, who), numRuns: refused ? Math.min(runs, 2) : runs });
  };
}

const report = (failures: Failure[]) => failures.map((f) => `${f.who} ${f.route}: ${f.counterexample}`).join('\n');

describe(`fuzzing every route (${RUNS} requests per route and role, seed ${SEED})`, () => {
  it('finds the app\'s routes from its router', () => {
    const routes = routesOf(t.app).map((r) => `${r.method} ${r.path}`);
    for (const known of ['POST /login', 'POST /sessions/:id/cancel', 'POST /admin/sessions/:id/set-status', 'POST /mentors/:id/book', 'GET /mentors', 'GET /admin/mail/:id/attachments/:index']) {
      expect(routes).toContain(known);
    }
    expect(routesOf(stripeApp.app).map((r) => `${r.method} ${r.path}`)).toContain('POST /webhooks/stripe');
  });

  it('POST: never a 5xx, and a 4xx changes nothing', async () => {
    const mine = routesOf(t.app).filter((r) => r.method === 'POST');
    const failures = await fuzzRoutes(mine, postProperty(t.app));
    // Routes only the Stripe configuration has (the webhook), through that app, on the same database.
    const seen = new Set(mine.map((r) => r.path));
    const stripeOnly = routesOf(stripeApp.app).filter((r) => r.method === 'POST' && !seen.has(r.path));
    failures.push(...await fuzzRoutes(stripeOnly, postProperty(stripeApp.app)));
    expect(failures, report(failures)).toEqual([]);
  }, 120_000 + RUNS * 8_000);

  it('GET with random query strings: never a 5xx', async () => {
    const failures = await fuzzRoutes(routesOf(t.app).filter((r) => r.method === 'GET'), getProperty(t.app));
    expect(failures, report(failures)).toEqual([]);
  }, 120_000 + RUNS * 4_000);
});
