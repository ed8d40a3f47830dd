import type { Config } from '../config';
import type { Db } from '../db/client';
import { INTEGRATIONS, type IntegrationName } from './check';
import { providerIds } from './settings';
import { loadIntegrationState, loadLatestChecks } from './state';

export interface LastCheck {
  ok: boolean;
  at: string;
  summary: string;
}

/** The JSON of GET /healthz?deep=1: each integration's last known state, for monitoring. No secrets, no addresses. */
export interface DeepHealth {
  status: 'ok' | 'degraded';
  database: 'ok';
  integrations: {
    mail: { provider: string; lastCheck: LastCheck | null; lastDelivered: { at: string; template: string } | null; lastFailure: { queuedAt: string; template: string } | null; pending: number; failed: number };
    meetings: { provider: string; lastCheck: LastCheck | null; rooms: { pending: number; failed: number } };
    payments: { provider: string; lastCheck: LastCheck | null; webhooks: { receivedLast24h: number; lastReceivedAt: string | null; refusedLast24h: number; lastRefusal: { at: string; reason: string } | null } };
    jobs: { failed: number };
  };
  /** Why the status is degraded, one short line each (empty when ok). */
  problems: string[];
  checkedAt: string;
}

/**
 * Degraded, precisely, when any of these holds (otherwise ok):
 * - the latest check of mail, meetings or payments failed;
 * - an email gave up (failed in the outbox);
 * - a confirmed session's meeting room job gave up;
 * - a background job used up its retries.
 * Waiting work (emails pending, rooms pending) and refused webhooks do not degrade it on their own:
 * they are normal in passing, and anyone can post a bad webhook.
 */
export async function loadDeepHealth(options: { db: Db; config: Config; now: Date }): Promise<DeepHealth> {
  const [state, checks] = await Promise.all([loadIntegrationState({ db: options.db, now: options.now }), loadLatestChecks(options.db)]);
  const lastCheck = (i: IntegrationName): LastCheck | null => {
    const c = checks[i];
    return c ? { ok: c.ok, at: c.finishedAt.toISOString(), summary: c.summary } : null;
  };
  const providers = providerIds(options.config);
  const problems = [
    ...INTEGRATIONS.filter((i) => checks[i] && !checks[i].ok).map((i) => `the latest ${i} check failed`),
    ...(state.mail.failed > 0 ? [`${state.mail.failed} email(s) failed`] : []),
    ...(state.rooms.failed > 0 ? [`${state.rooms.failed} meeting room(s) failed`] : []),
    ...(state.jobs.failed > 0 ? [`${state.jobs.failed} job(s) failed`] : []),
  ];
  const { mail, rooms, webhooks } = state;
  return {
    status: problems.length > 0 ? 'degraded' : 'ok',
    database: 'ok',
    integrations: {
      mail: {
        provider: providers.mail, lastCheck: lastCheck('mail'),
        lastDelivered: mail.lastDelivered ? { at: mail.lastDelivered.at.toISOString(), template: mail.lastDelivered.template } : null,
        // The error text is left out: an SMTP server's answer may quote the recipient's address.
        lastFailure: mail.lastFailure ? { queuedAt: mail.lastFailure.queuedAt.toISOString(), template: mail.lastFailure.template } : null,
        pending: mail.pending, failed: mail.failed,
      },
      meetings: { provider: providers.meetings, lastCheck: lastCheck('meetings'), rooms: { pending: rooms.pending, failed: rooms.failed } },
      payments: {
        provider: providers.payments, lastCheck: lastCheck('payments'),
        webhooks: {
          receivedLast24h: webhooks.receivedLast24h, lastReceivedAt: webhooks.lastReceivedAt?.toISOString() ?? null,
          refusedLast24h: webhooks.refusedLast24h, lastRefusal: webhooks.lastRefusal ? { at: webhooks.lastRefusal.at.toISOString(), reason: webhooks.lastRefusal.reason } : null,
        },
      },
      jobs: { failed: state.jobs.failed },
    },
    problems,
    checkedAt: options.now.toISOString(),
  };
}
