import { count, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailOutbox, users } from '../db/schema';
import { createRoomJob } from '../jobs/definitions/create-room';
import { BOSS_SCHEMA, executorOf } from '../jobs/queue';
import { jobs } from '../jobs/registry';
import { loadWebhookState } from '../payments/webhook-state';
import { INTEGRATIONS, type IntegrationName } from './check';
import { latestChecks, type StoredCheck } from './store';

/**
 * What the data says about each integration right now, for /admin/integrations and /healthz?deep=1.
 * Every query reads an index or a small set (pg-boss keeps only recent jobs in its job table), so
 * monitoring can poll it. No email address is read: the page and the probe show templates and times.
 */
export interface IntegrationState {
  mail: {
    /** The newest email that was delivered (newest by when it was queued: email_outbox's status index). */
    lastDelivered: { at: Date; template: string } | null;
    /** The newest email that gave up; `queuedAt` is when it was queued (the outbox keeps no failure time). */
    lastFailure: { queuedAt: Date; template: string; error: string } | null;
    /** Waiting to be sent (pending or being sent). */
    pending: number;
    failed: number;
  };
  rooms: {
    /** Confirmed sessions whose room job is queued, running or waiting to retry. */
    pending: number;
    /** Confirmed sessions whose room job used up its retries. */
    failed: number;
    /** The ones waiting longest, for the admin's session page. */
    oldest: { sessionId: string; state: 'pending' | 'failed'; startsAt: Date; lastError: string | null }[];
  };
  webhooks: {
    receivedLast24h: number;
    lastReceivedAt: Date | null;
    refusedLast24h: number;
    lastRefusal: { at: Date; reason: string } | null;
  };
  jobs: { failed: number };
}

const OLDEST_ROOMS = 5;
const jobNames = jobs.map((j) => j.name);

export async function loadIntegrationState(options: { db: Db; now: Date }): Promise<IntegrationState> {
  const [mail, rooms, webhooks, failedJobs] = await Promise.all([
    loadMailState(options.db),
    loadRoomState(options.db),
    loadWebhookState(options),
    countFailedJobs(options.db),
  ]);
  return { mail, rooms, webhooks, jobs: { failed: failedJobs } };
}

async function loadMailState(db: Db): Promise<IntegrationState['mail']> {
  const [counts, [sent], [failed]] = await Promise.all([
    db.select({ status: emailOutbox.status, n: count() }).from(emailOutbox).groupBy(emailOutbox.status),
    db.select({ at: emailOutbox.sentAt, template: emailOutbox.template }).from(emailOutbox)
      .where(eq(emailOutbox.status, 'sent')).orderBy(desc(emailOutbox.createdAt)).limit(1),
    db.select({ queuedAt: emailOutbox.createdAt, template: emailOutbox.template, error: emailOutbox.lastError }).from(emailOutbox)
      .where(eq(emailOutbox.status, 'failed')).orderBy(desc(emailOutbox.createdAt)).limit(1),
  ]);
  const n = (status: string) => Number(counts.find((c) => c.status === status)?.n ?? 0);
  return {
    lastDelivered: sent?.at ? { at: sent.at, template: sent.template } : null,
    lastFailure: failed ? { queuedAt: failed.queuedAt, template: failed.template, error: failed.error ?? '' } : null,
    pending: n('pending') + n('sending'),
    failed: n('failed'),
  };
}

/**
 * Rooms as the admin's session page sees them (sessions/rooms.ts findRoomState), for all sessions at
 * once: a confirmed or completed session without a link whose latest room job is waiting (pending) or
 * gave up (failed). Read from the room queue's unfinished and failed jobs, a small set, not from the
 * ever-growing sessions table.
 */
async function loadRoomState(db: Db): Promise<IntegrationState['rooms']> {
  const { rows } = await executorOf(db).executeSql(
    `select s.id, s.starts_at, j.state, coalesce(j.output->>'message', j.output->'value'->>'message', s.meeting_last_error) as error
     from (select distinct on (singleton_key) singleton_key, state, output, created_on from ${BOSS_SCHEMA}.job
           where name = $1 and singleton_key is not null and state in ('created', 'retry', 'active', 'failed')
           order by singleton_key, created_on desc) j
     -- By the sessions' primary key; a key that is not a uuid (never written for this queue) matches nothing instead of failing.
     join sessions s on s.id = case when j.singleton_key ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then j.singleton_key::uuid end
     where s.meeting_url is null and s.status in ('confirmed', 'completed') and coalesce(s.meeting_provider, '') <> 'none'
     order by j.created_on`,
    [createRoomJob.name],
  );
  const rooms = rows.map((r) => ({
    sessionId: String(r.id), state: r.state === 'failed' ? 'failed' as const : 'pending' as const,
    startsAt: new Date(r.starts_at as string), lastError: r.error == null ? null : String(r.error),
  }));
  return {
    pending: rooms.filter((r) => r.state === 'pending').length,
    failed: rooms.filter((r) => r.state === 'failed').length,
    oldest: rooms.slice(0, OLDEST_ROOMS),
  };
}

/** Jobs that used up their retries, as /admin/jobs lists them. */
async function countFailedJobs(db: Db): Promise<number> {
  const { rows } = await executorOf(db).executeSql(
    `select count(*) as n from ${BOSS_SCHEMA}.job where state = 'failed' and name = any($1::text[])`,
    [jobNames],
  );
  return Number(rows[0]?.n ?? 0);
}

export type LatestCheck = StoredCheck & { actorName: string | null };

/** The latest check of each integration, with the name of the admin who ran it from the page. */
export async function loadLatestChecks(db: Db): Promise<Record<IntegrationName, LatestCheck | null>> {
  const latest = await latestChecks(db);
  const ids = [...new Set(INTEGRATIONS.map((i) => latest[i]?.actorId).filter((id): id is string => Boolean(id)))];
  const names = ids.length === 0 ? [] : await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  const nameOf = (id: string | null | undefined) => names.find((n) => n.id === id)?.name ?? null;
  return Object.fromEntries(INTEGRATIONS.map((i) => {
    const check = latest[i];
    return [i, check ? { ...check, actorName: nameOf(check.actorId) } : null];
  })) as Record<IntegrationName, LatestCheck | null>;
}
