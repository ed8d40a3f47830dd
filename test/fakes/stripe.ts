import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import { LoopbackFake, type LoopbackRequest, type Reply, type TransportFailure } from './loopback';

/**
 * A fake Stripe API on 127.0.0.1 speaking Stripe's wire format for what we use: form-encoded bodies
 * with bracket keys, Bearer auth, Idempotency-Key replay, Stripe-shaped errors, and JSON objects.
 * Tests can make the next requests fail (500), hang, be cut unprocessed, or be processed with the reply lost.
 */
export type FailureMode = '500' | TransportFailure;

export interface FakeCheckoutSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  amount_subtotal: number;
  currency: string;
  customer_email: string | null;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string | null;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  payment_intent: string | null;
  livemode: false;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  /** The decoded form body, bracket keys turned into nested objects and arrays. */
  params: Record<string, unknown>;
  raw: string;
}

type Stored = { status: number; body: string; path: string; raw: string };

/** What a restricted key (rk_…) may do; a secret key (sk_…) may do everything. */
export type FakePermission = 'balance' | 'checkout_sessions' | 'refunds';
const PERMISSION_OF: Record<string, FakePermission> = { '/v1/balance': 'balance', '/v1/checkout/sessions': 'checkout_sessions', '/v1/refunds': 'refunds' };
/** A decoded line item as a client sent it: any field may be missing or mistyped. */
type LineItem = { quantity?: unknown; price_data?: { currency?: unknown; unit_amount?: unknown; product_data?: { name?: unknown } } } | undefined;

export class FakeStripe extends LoopbackFake<RecordedRequest, FailureMode> {
  /** The test-mode secret key this account has; tests configure STRIPE_SECRET_KEY with it. */
  readonly secretKey = `sk_test_51Fake${token(20)}abcd`;
  /** Every key Stripe accepts for this account; its mode is its prefix's (sk_live_ / rk_live_ → live). */
  private keys = new Map<string, { permissions?: FakePermission[] }>([[this.secretKey, {}]]);
  checkoutSessions = new Map<string, FakeCheckoutSession>();
  /** Each distinct refund Stripe would have made. */
  refunds: FakeRefund[] = [];
  private paymentIntents = new Map<string, { amount: number; currency: string; refunded: number }>();
  private idempotent = new Map<string, Stored>();

  /** Another key of this account: a live one, or a restricted one (rk_…) allowed only `permissions`. */
  acceptKey(key: string, options: { permissions?: FakePermission[] } = {}): this {
    this.keys.set(key, options);
    return this;
  }

  /** The customer pays: the session becomes complete/paid with a new PaymentIntent. Returns the event. */
  completeCheckout(csId: string): StripeEventPayload {
    const cs = this.checkoutSessions.get(csId);
    if (!cs) throw new Error(`no checkout session ${csId}`);
    if (!cs.payment_intent) {
      cs.payment_intent = `pi_${token()}`;
      this.paymentIntents.set(cs.payment_intent, { amount: cs.amount_total, currency: cs.currency, refunded: 0 });
    }
    cs.status = 'complete';
    cs.payment_status = 'paid';
    cs.url = null;
    return this.event('checkout.session.completed', cs);
  }

  /**
   * A paid checkout as Stripe would report it, built from `object` (e.g. one of ours with another amount,
   * currency, id or metadata) without touching the stored checkout: a payment our app did not ask for.
   * Its PaymentIntent exists here, so it can be refunded.
   */
  paidEvent(object: Partial<FakeCheckoutSession> & { id: string }): StripeEventPayload {
    const pi = `pi_${token()}`;
    const cs = { ...object, status: 'complete', payment_status: 'paid', payment_intent: pi, url: null };
    this.paymentIntents.set(pi, { amount: Number(cs.amount_total ?? 0), currency: String(cs.currency ?? 'usd').toLowerCase(), refunded: 0 });
    return this.event('checkout.session.completed', cs);
  }

  /** The checkout lapsed unpaid. */
  expireCheckout(csId: string): StripeEventPayload {
    const cs = this.checkoutSessions.get(csId);
    if (!cs) throw new Error(`no checkout session ${csId}`);
    cs.status = 'expired';
    cs.url = null;
    return this.event('checkout.session.expired', cs);
  }

  /** An event as Stripe would send it, wrapping a snapshot of the object. */
  event(type: string, object: object): StripeEventPayload {
    return {
      id: `evt_${token()}`,
      object: 'event',
      api_version: '2025-01-01',
      created: Math.floor(Date.now() / 1000),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
  }

  protected record(r: LoopbackRequest): RecordedRequest {
    return { method: r.method, path: r.path, idempotencyKey: r.header('idempotency-key'), authorization: r.header('authorization'), params: parseForm(r.raw), raw: r.raw };
  }

  protected failure(): Reply {
    return { status: 500, body: apiError('api_error', 'An unknown error occurred (fake Stripe, injected).') };
  }

  protected crashed(err: unknown): Reply {
    return { status: 500, body: apiError('api_error', String(err)) };
  }

  protected route(_request: LoopbackRequest, r: RecordedRequest): Reply {
    const result = this.respond(r.method, r.path, r.params, r.raw, r.authorization, r.idempotencyKey);
    return { status: result.status, body: result.body, headers: { 'Request-Id': `req_${token()}`, ...(result.replayed ? { 'Idempotent-Replayed': 'true' } : {}) } };
  }

  private respond(method: string, path: string, params: Record<string, unknown>, raw: string, authorization: string | undefined, key: string | undefined): Stored & { replayed?: boolean } {
    const answer = (status: number, body: unknown): Stored => ({ status, body: JSON.stringify(body), path, raw });
    const bearer = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    if (!bearer) {
      return answer(401, apiError('invalid_request_error', 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth.'));
    }
    const known = this.keys.get(bearer);
    if (!known) return answer(401, apiError('invalid_request_error', `Invalid API Key provided: ${stripeMasked(bearer)}`));
    const livemode = /^(sk|rk)_live_/.test(bearer);
    const needs = PERMISSION_OF[path.replace(/\/[^/]+\/expire$/, '')];
    if (bearer.startsWith('rk_') && known.permissions && needs && !known.permissions.includes(needs)) {
      return answer(403, apiError('invalid_request_error', `The provided key '${stripeMasked(bearer)}' does not have the required permissions for this endpoint on account 'acct_1Fake'. Having the 'rak_${needs}_${method === 'GET' ? 'read' : 'write'}' permission would allow this request to continue.`));
    }
    if (method === 'GET') {
      if (path === '/v1/balance') return answer(200, { object: 'balance', available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], livemode });
      if (path === '/v1/checkout/sessions') return answer(200, list(path, [...this.checkoutSessions.values()].reverse()));
      if (path === '/v1/refunds') return answer(200, list(path, [...this.refunds].reverse()));
    }
    const expire = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (method === 'POST' && expire) return answer(...this.expireOpen(decodeURIComponent(expire[1]!)));
    if (method !== 'POST' || (path !== '/v1/checkout/sessions' && path !== '/v1/refunds')) {
      return answer(404, apiError('invalid_request_error', `Unrecognized request URL (${method}: ${path}).`));
    }
    if (key) {
      const prior = this.idempotent.get(key);
      if (prior) {
        if (prior.path !== path || prior.raw !== raw) {
          return answer(400, apiError('idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`));
        }
        return { ...prior, replayed: true };
      }
    }
    const result = path === '/v1/checkout/sessions' ? this.createCheckoutSession(params) : this.createRefund(params);
    const stored = answer(result.status, result.body);
    // Like Stripe, a request that failed validation is not saved under its key.
    if (key && result.status < 400) this.idempotent.set(key, stored);
    return stored;
  }

  private createCheckoutSession(p: Record<string, unknown>): { status: number; body: unknown } {
    const invalid = (message: string, param?: string) => ({ status: 400, body: apiError('invalid_request_error', message, param) });
    if (p.mode !== 'payment') return invalid('Missing required param: mode.', 'mode');
    const items = p.line_items;
    if (!Array.isArray(items) || items.length === 0) return invalid('Missing required param: line_items.', 'line_items');
    let total = 0;
    let currency = '';
    for (const [i, item] of (items as LineItem[]).entries()) {
      const pd = item?.price_data;
      const unit = Number(pd?.unit_amount);
      const qty = Number(item?.quantity);
      if (!pd) return invalid(`Missing required param: line_items[${i}][price_data].`, `line_items[${i}][price_data]`);
      if (typeof pd.currency !== 'string' || !/^[a-z]{3}$/i.test(pd.currency)) return invalid('Invalid currency.', `line_items[${i}][price_data][currency]`);
      if (!Number.isInteger(unit) || unit < 0) return invalid('Invalid integer.', `line_items[${i}][price_data][unit_amount]`);
      if (!pd.product_data?.name) return invalid(`Missing required param: line_items[${i}][price_data][product_data][name].`);
      if (!Number.isInteger(qty) || qty < 1) return invalid('Invalid integer.', `line_items[${i}][quantity]`);
      total += unit * qty;
      currency = pd.currency.toLowerCase();
    }
    if (typeof p.success_url !== 'string' || !/^https?:\/\//.test(p.success_url)) return invalid('Not a valid URL', 'success_url');
    const now = Math.floor(Date.now() / 1000);
    let expiresAt = now + 24 * 3600;
    if (p.expires_at !== undefined) {
      expiresAt = Number(p.expires_at);
      if (!Number.isInteger(expiresAt)) return invalid(`Invalid integer: ${String(p.expires_at)}`, 'expires_at');
      if (expiresAt < now + 30 * 60) return invalid('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', 'expires_at');
      if (expiresAt > now + 24 * 3600) return invalid('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', 'expires_at');
    }
    const metadata = (p.metadata ?? {}) as Record<string, string>;
    const id = `cs_test_${token(24)}`;
    const cs: FakeCheckoutSession = {
      id, object: 'checkout.session', mode: 'payment', url: `${this.url}/pay/${id}`, status: 'open', payment_status: 'unpaid',
      amount_total: total, amount_subtotal: total, currency,
      customer_email: typeof p.customer_email === 'string' ? p.customer_email : null,
      client_reference_id: typeof p.client_reference_id === 'string' ? p.client_reference_id : null,
      metadata, success_url: p.success_url, cancel_url: typeof p.cancel_url === 'string' ? p.cancel_url : null,
      expires_at: expiresAt, created: now, payment_intent: null, livemode: false,
    };
    this.checkoutSessions.set(id, cs);
    return { status: 200, body: cs };
  }

  /** POST /v1/checkout/sessions/:id/expire: only an open session can be expired, as at Stripe. */
  private expireOpen(id: string): [number, unknown] {
    const cs = this.checkoutSessions.get(id);
    if (!cs) return [404, apiError('invalid_request_error', `No such checkout.session: '${id}'`, 'session', 'resource_missing')];
    if (cs.status !== 'open') return [400, apiError('invalid_request_error', `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${cs.status}".`)];
    cs.status = 'expired';
    cs.url = null;
    return [200, cs];
  }

  private createRefund(p: Record<string, unknown>): { status: number; body: unknown } {
    const piId = p.payment_intent;
    if (typeof piId !== 'string' || !piId) return { status: 400, body: apiError('invalid_request_error', 'Must provide either charge or payment_intent.') };
    const pi = this.paymentIntents.get(piId);
    if (!pi) return { status: 404, body: apiError('invalid_request_error', `No such payment_intent: '${piId}'`, 'payment_intent', 'resource_missing') };
    const amount = p.amount === undefined ? pi.amount - pi.refunded : Number(p.amount);
    if (pi.refunded >= pi.amount) return { status: 400, body: apiError('invalid_request_error', `Charge for payment_intent ${piId} has already been refunded.`, undefined, 'charge_already_refunded') };
    if (!Number.isInteger(amount) || amount < 1 || amount > pi.amount - pi.refunded) {
      return { status: 400, body: apiError('invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge (${pi.amount - pi.refunded})`, 'amount') };
    }
    pi.refunded += amount;
    const refund: FakeRefund = {
      id: `re_${token()}`, object: 'refund', amount, currency: pi.currency, payment_intent: piId, status: 'succeeded',
      metadata: (p.metadata ?? {}) as Record<string, string>, created: Math.floor(Date.now() / 1000),
    };
    this.refunds.push(refund);
    return { status: 200, body: refund };
  }
}

export interface StripeEventPayload {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: object };
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  type: string;
}

/**
 * A webhook delivery as Stripe sends it: the JSON body and a `Stripe-Signature` header made by the SDK's
 * own test helper (timestamp in unix seconds; defaults to now).
 */
export function signedWebhook(payload: object | string, options: { secret: string; timestamp?: number }): { body: string; headers: Record<string, string> } {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret: options.secret, timestamp: options.timestamp });
  return { body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' } };
}

/** How Stripe shows a key in its errors: the prefix, asterisks, the last four. */
function stripeMasked(key: string): string {
  const prefix = /^[a-z]{2}_(?:test_|live_)?/.exec(key)?.[0] ?? '';
  return `${prefix}****${key.slice(-4)}`;
}

/** A list page as Stripe sends it, one item long (the app only ever asks for limit=1). */
function list(url: string, data: unknown[]) {
  return { object: 'list', url, has_more: data.length > 1, data: data.slice(0, 1) };
}

function apiError(type: string, message: string, param?: string, code?: string) {
  return { error: { type, message, ...(param ? { param } : {}), ...(code ? { code } : {}) } };
}

function token(length = 14): string {
  return randomBytes(length).toString('base64url').replace(/[-_]/g, 'x').slice(0, length);
}

/**
 * Decodes a form body the way Stripe reads it: `a[b][0][c]=x` → { a: { b: [{ c: 'x' }] } }.
 * Numeric segments make arrays; brackets may arrive encoded (%5B %5D) or not.
 */
export function parseForm(raw: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    if (path.some((seg) => seg === '__proto__' || seg === 'constructor' || seg === 'prototype')) continue;
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const last = i === path.length - 1;
      const k: string | number = Array.isArray(node) ? (seg === '' ? node.length : Number(seg)) : seg;
      if (last) {
        (node as Record<string | number, unknown>)[k] = value;
      } else {
        const nextIsIndex = /^\d*$/.test(path[i + 1]!);
        const container = node as Record<string | number, unknown>;
        container[k] ??= nextIsIndex ? [] : {};
        node = container[k] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}
