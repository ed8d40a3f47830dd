import Stripe from 'stripe';
import type { CheckStep } from '../integrations/check';
import { maskSecret, maskUrl } from '../integrations/mask';
import type { PaymentCheck } from './provider';

/**
 * Stripe's part of `payments:test`: the key (accepted? test or live? a restricted key's permissions),
 * the webhook signing secret's shape, and the endpoint to register. Read-only calls: nothing is created.
 */

/** One attempt, no retries: an operator is waiting at a prompt, and a retry would only double the wait. */
export const STRIPE_CHECK_TIMEOUT_MS = 8000;
const DEFAULT_API_HOST = 'api.stripe.com';

type Mode = 'test' | 'live';
const MODE_TEXT: Record<Mode, string> = { test: 'test mode: no real money moves', live: 'LIVE mode: real payments' };
const KEY_FIX = 'Copy the secret key from the Stripe dashboard (Developers → API keys) into STRIPE_SECRET_KEY.';

export async function checkStripe(options: {
  stripe: Stripe; secretKey: string; webhookSecret: string | undefined; apiUrl: string; appUrl: string; timeoutMs?: number;
  webhook: { path: string; events: readonly string[] };
}): Promise<PaymentCheck> {
  const timeout = options.timeoutMs ?? STRIPE_CHECK_TIMEOUT_MS;
  const call = { timeout, maxNetworkRetries: 0 };
  // Whatever Stripe or the network says is passed through this, so no message can carry a secret.
  const scrub = (text: string) => [options.secretKey, options.webhookSecret].reduce<string>((t, s) => (s ? t.split(s).join(maskSecret(s)) : t), text);
  const masked = maskSecret(options.secretKey);
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(options.secretKey);
  const restricted = prefix?.[1] === 'rk';
  let mode: Mode | undefined = prefix ? (prefix[2] as Mode) : undefined;
  const steps: CheckStep[] = [];

  const failure = (label: string, err: unknown): CheckStep => ({ label, outcome: 'failed', ...describeError(err, { apiUrl: options.apiUrl, timeout, scrub }) });

  // (a) The key: accepted, and which mode Stripe says it is in (the balance carries `livemode`).
  let keyAccepted = false;
  if (!prefix || prefix[1] === 'pk') {
    const what = prefix ? 'a publishable key, not the secret key' : 'not a Stripe secret key (sk_test_…, sk_live_… or rk_…)';
    steps.push({ label: 'Stripe key', outcome: 'failed', detail: `STRIPE_SECRET_KEY ${masked} is ${what}.`, fix: KEY_FIX });
  } else {
    const kind = restricted ? 'restricted key, ' : '';
    try {
      const balance = await options.stripe.balance.retrieve({}, call);
      mode = balance.livemode ? 'live' : 'test';
      keyAccepted = true;
      steps.push({ label: 'Stripe key', outcome: 'ok', detail: `${masked}, ${kind}${MODE_TEXT[mode]}` });
    } catch (err) {
      if (restricted && err instanceof Stripe.errors.StripePermissionError) {
        // The app never reads the balance: a restricted key without that permission is fine; its prefix tells the mode.
        keyAccepted = true;
        steps.push({ label: 'Stripe key', outcome: 'ok', detail: `${masked}, ${kind}${MODE_TEXT[mode!]} (from the key; it may not read the balance, which the app does not need)` });
      } else if (err instanceof Stripe.errors.StripeAuthenticationError) {
        steps.push({ label: 'Stripe key', outcome: 'failed', detail: `Stripe refused STRIPE_SECRET_KEY (${masked}): invalid or revoked.`, fix: KEY_FIX });
      } else {
        steps.push(failure('Stripe key', err));
      }
    }
  }

  // A restricted key must be allowed what bookings and refunds do. Reading is what can be tried without
  // making anything; Stripe grants read with write, so a missing read is surely a missing permission.
  if (keyAccepted && restricted) {
    const needed = [
      { name: 'Checkout Sessions', read: () => options.stripe.checkout.sessions.list({ limit: 1 }, call) },
      { name: 'Refunds', read: () => options.stripe.refunds.list({ limit: 1 }, call) },
    ];
    const missing: string[] = [];
    let broken: CheckStep | undefined;
    for (const permission of needed) {
      try {
        await permission.read();
      } catch (err) {
        if (err instanceof Stripe.errors.StripePermissionError) missing.push(permission.name);
        else broken ??= failure('Restricted key permissions', err);
      }
    }
    const write = needed.map((p) => `"${p.name}: Write"`).join(' and ');
    if (missing.length) {
      steps.push({
        label: 'Restricted key permissions', outcome: 'failed', detail: `${masked} lacks the ${missing.join(' and ')} permission${missing.length > 1 ? 's' : ''}.`,
        fix: `In the Stripe dashboard (Developers → API keys), give the key ${write}, or use the secret key (sk_…) in STRIPE_SECRET_KEY.`,
      });
    } else {
      steps.push(broken ?? { label: 'Restricted key permissions', outcome: 'ok', detail: `${needed.map((p) => p.name).join(' and ')} allowed (bookings and refunds need ${write})` });
    }
  }

  steps.push(checkWebhookSecret(options.webhookSecret));
  steps.push(checkEndpoint({ appUrl: options.appUrl, webhook: options.webhook, mode }));
  return { steps, mode: mode ?? 'unknown' };
}

/** (b) Only its presence and shape can be checked here; a wrong one shows as refused webhooks. */
function checkWebhookSecret(secret: string | undefined): CheckStep {
  const label = 'Webhook signing secret';
  const fix = 'Copy the signing secret of the endpoint (Stripe dashboard → Developers → Webhooks → the endpoint, or the one `stripe listen` prints) into STRIPE_WEBHOOK_SECRET.';
  if (!secret) return { label, outcome: 'failed', detail: 'STRIPE_WEBHOOK_SECRET is not set.', fix };
  const masked = maskSecret(secret);
  if (/^(sk|rk|pk)_/.test(secret)) return { label, outcome: 'failed', detail: `STRIPE_WEBHOOK_SECRET ${masked} is an API key, not a webhook signing secret.`, fix };
  if (!/^whsec_[A-Za-z0-9]{8,}$/.test(secret)) return { label, outcome: 'failed', detail: `STRIPE_WEBHOOK_SECRET ${masked} does not look like a signing secret (whsec_… with no spaces or quotes).`, fix };
  return { label, outcome: 'ok', detail: `STRIPE_WEBHOOK_SECRET ${masked} is set (a wrong one shows as refused webhooks)` };
}

/** (c) The URL an operator registers, and whether Stripe can reach it in this mode. */
function checkEndpoint(options: { appUrl: string; webhook: { path: string; events: readonly string[] }; mode: Mode | undefined }): CheckStep {
  const label = 'Webhook endpoint';
  const url = `${options.appUrl.replace(/\/+$/, '')}${options.webhook.path}`;
  const register = `Register this endpoint in Stripe: ${maskUrl(url)} (events: ${options.webhook.events.join(', ')})`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { label, outcome: 'failed', detail: `APP_URL does not make a URL: ${maskUrl(url)}`, fix: 'Set APP_URL to this app\'s public address, e.g. https://mentors.example.com.' };
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname) || parsed.hostname.endsWith('.localhost');
  if (options.mode === 'live' && (local || parsed.protocol !== 'https:')) {
    const why = local ? `Stripe cannot reach ${parsed.hostname}` : 'Stripe sends live events only to https:// endpoints';
    return { label, outcome: 'failed', detail: register, fix: `${why}: set APP_URL to this app's public https:// address.` };
  }
  if (local) {
    // Test mode on a developer's machine is normal: the Stripe CLI relays events to it.
    const forward = `${parsed.host}${parsed.pathname}`;
    return {
      label, outcome: 'ok',
      detail: `${maskUrl(url)} is local, so Stripe cannot reach it; in test mode run \`stripe listen --forward-to ${forward}\` and put the whsec_… it prints in STRIPE_WEBHOOK_SECRET`,
    };
  }
  return { label, outcome: 'ok', detail: register };
}

/** A Stripe or network error as one line and what to look at; never the key (Stripe masks it, and `scrub` too). */
function describeError(err: unknown, options: { apiUrl: string; timeout: number; scrub: (text: string) => string }): Pick<CheckStep, 'detail' | 'fix'> {
  const host = hostOf(options.apiUrl);
  const custom = host !== DEFAULT_API_HOST;
  const where = custom ? `STRIPE_API_URL (${maskUrl(options.apiUrl)})` : `the network between this server and ${DEFAULT_API_HOST}`;
  if (err instanceof Stripe.errors.StripeConnectionError) {
    const timedOut = /timeout/i.test(err.message);
    const cause = (err.detail as { code?: string } | undefined)?.code;
    return {
      detail: timedOut ? `no answer from Stripe at ${host} within ${options.timeout / 1000} s.` : `could not connect to Stripe at ${host}${cause ? ` (${cause})` : ''}.`,
      fix: `Check ${where}.`,
    };
  }
  if (err instanceof Stripe.errors.StripePermissionError) {
    return { detail: `Stripe refused the request: ${options.scrub(firstLine(err.message))}`, fix: 'Use the secret key (sk_…) from the Stripe dashboard (Developers → API keys) in STRIPE_SECRET_KEY.' };
  }
  if (err instanceof Stripe.errors.StripeError) {
    return { detail: `Stripe answered ${err.statusCode ?? 'an error'}: ${options.scrub(firstLine(err.message))}`, fix: 'Try again in a minute; if it persists, see https://status.stripe.com.' };
  }
  return { detail: options.scrub(firstLine(err instanceof Error ? err.message : String(err))), fix: `Check ${where}.` };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim().slice(0, 300);
}
