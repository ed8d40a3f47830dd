import { count, desc, gte, lt, max } from 'drizzle-orm';
import type { Db } from '../db/client';
import { processedEvents, webhookRefusals } from '../db/schema';

const DAY_MS = 24 * 3600_000;
/** Refusals older than this are of no use to anyone troubleshooting; they are deleted as new ones come in. */
const KEEP_REFUSALS_MS = 30 * DAY_MS;
/** More distinct reasons than this in one minute are not recorded (the reasons are a short fixed list). */
const MAX_REASONS_PER_MINUTE = 20;

export interface WebhookState {
  /** Events applied (processed_events) in the last 24 hours. */
  receivedLast24h: number;
  /** Refusals recorded in the last 24 hours: at most one per reason per minute (see createRefusalRecorder). */
  refusedLast24h: number;
  lastRefusal: { at: Date; reason: string } | null;
  lastReceivedAt: Date | null;
}

/** What /admin/integrations and /healthz?deep=1 show of incoming webhooks. Both ranges use an index on received_at. */
export async function loadWebhookState(options: { db: Db; now: Date }): Promise<WebhookState> {
  const since = new Date(options.now.getTime() - DAY_MS);
  const [[received], [refused], [last]] = await Promise.all([
    options.db.select({ n: count(), last: max(processedEvents.receivedAt) }).from(processedEvents).where(gte(processedEvents.receivedAt, since)),
    options.db.select({ n: count() }).from(webhookRefusals).where(gte(webhookRefusals.receivedAt, since)),
    options.db.select({ at: webhookRefusals.receivedAt, reason: webhookRefusals.reason }).from(webhookRefusals).orderBy(desc(webhookRefusals.receivedAt)).limit(1),
  ]);
  // The last event ever, not only today's: "nothing for three days" is worth seeing.
  const lastReceivedAt = received?.last ?? (await options.db.select({ last: max(processedEvents.receivedAt) }).from(processedEvents))[0]?.last ?? null;
  return {
    receivedLast24h: Number(received?.n ?? 0),
    refusedLast24h: Number(refused?.n ?? 0),
    lastRefusal: last ? { at: last.at, reason: last.reason } : null,
    lastReceivedAt: lastReceivedAt ? new Date(lastReceivedAt) : null,
  };
}

export type RecordRefusal = (refusal: { reason: string; ip: string | undefined }) => Promise<void>;

/**
 * Records refused webhook posts for the operator ("webhook 400s"), cheaply under a flood of bad posts:
 * within one minute each reason is written once per process and the rest are counted only in the log, so
 * a flood costs no database work and grows the table by a handful of rows a minute at most; each write
 * also deletes rows older than 30 days (by the received_at index), so the table stays bounded over time.
 * A database failure is logged and swallowed: the poster still gets its 400, never a 500.
 */
export function createRefusalRecorder(options: { db: Db; now: () => Date; provider: string; log: { warn(obj: object, msg: string): void } }): RecordRefusal {
  let minute = -1;
  const seen = new Set<string>();
  return async ({ reason, ip }) => {
    const at = options.now();
    const thisMinute = Math.floor(at.getTime() / 60_000);
    if (thisMinute !== minute) {
      minute = thisMinute;
      seen.clear();
    }
    const text = reason.slice(0, 300);
    if (seen.has(text) || seen.size >= MAX_REASONS_PER_MINUTE) return;
    seen.add(text);
    try {
      await options.db.delete(webhookRefusals).where(lt(webhookRefusals.receivedAt, new Date(at.getTime() - KEEP_REFUSALS_MS)));
      await options.db.insert(webhookRefusals).values({ provider: options.provider, reason: text, ip: ip ?? null, receivedAt: at });
    } catch (err) {
      options.log.warn({ err }, 'could not record a refused webhook');
    }
  };
}
