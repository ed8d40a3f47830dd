import type PgBoss from 'pg-boss';
import type { Config } from '../config';
import type { Database, Logger } from '../db/client';
import type { MailTransport } from '../mail/transport';
import { createMeetingProvider } from '../meetings';
import type { MeetingProvider } from '../meetings/provider';
import { createMeetingRecords, type MeetingRecords } from '../meetings/records';
import { createPaymentProvider } from '../payments';
import type { PaymentProvider } from '../payments/provider';
import { createBoss } from './boss';
import { deliverEmailJob } from './definitions/deliver-email';
import { jobs } from './registry';

export interface WorkerOptions {
  config: Config;
  database: Database;
  transport: MailTransport;
  /** Defaults to the provider PAYMENT_PROVIDER names. */
  payments?: PaymentProvider;
  /** Defaults to the provider MEETING_PROVIDER names. */
  meetings?: MeetingProvider;
  /** Defaults to the records reader of the provider MEETING_PROVIDER names (none for Jitsi and none). */
  records?: MeetingRecords | null;
  logger: Logger & { info(obj: unknown, msg?: string): void };
  /** How often each queue is looked at when nothing woke it (pg-boss allows 0.5 s and up). */
  pollingIntervalSeconds?: number;
  /** Attempts before an outbox email is marked failed (default 10). */
  maxEmailAttempts?: number;
  /** Schedule the cron sweeps (default true). Queued work (rooms, refunds, email) always runs. */
  schedule?: boolean;
}

export interface Worker {
  /** Look at the queues now rather than at the next poll (after a commit in this process queued work). */
  wake(): void;
  stop(): Promise<void>;
}

/** The background worker: pg-boss working every queue in jobs/registry. Runs in the app process or on its own. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { database, transport, logger, config } = options;
  const services = {
    db: database.db,
    payments: options.payments ?? createPaymentProvider(config),
    meetings: options.meetings ?? createMeetingProvider(config),
    records: options.records === undefined ? createMeetingRecords(config) : options.records,
    transport, from: config.mailFrom, appUrl: config.appUrl, maxAttempts: options.maxEmailAttempts,
  };
  const schedule = options.schedule ?? true;
  // What the job queue still has going: its own statements, and batches our handlers are running.
  const busy = { queries: 0, batches: 0 };
  const tracked: Database = {
    ...database,
    async query(text, values) {
      busy.queries++;
      try {
        return await database.query(text, values);
      } finally {
        busy.queries--;
      }
    },
  };
  const boss = createBoss(tracked, { schedule });
  boss.on('error', (err) => logger.error({ err: err.message }, 'job queue error'));
  await boss.start();
  // An email attempt is ours for longer than one SMTP exchange can take (connect, greeting, socket
  // timeouts), and no longer: if this process dies mid-send, the email is retried soon after.
  const smtpMs = config.smtp?.timeoutMs ?? 15_000;
  await boss.updateQueue(deliverEmailJob.name, { name: deliverEmailJob.name, expireInSeconds: Math.max(2, Math.ceil((4 * smtpMs) / 1000)) });

  const workerIds: string[] = [];
  const wake = () => { for (const id of workerIds) boss.notifyWorker(id); };
  for (const job of jobs) {
    const interval = job.cron ? 2 : (options.pollingIntervalSeconds ?? 1);
    workerIds.push(await boss.work(job.name, { pollingIntervalSeconds: interval, batchSize: 10, includeMetadata: true }, async (batch) => {
      busy.batches++;
      try {
        await runBatch(boss, job, batch, services, logger, wake);
      } finally {
        busy.batches--;
      }
    }));
    if (job.cron && schedule) await boss.schedule(job.name, job.cron);
  }

  return {
    wake,
    async stop() {
      await boss.stop({ graceful: true, wait: true });
      // pg-boss's stop waits for the batches it sees running, but a worker loop that was fetching
      // when stop began still runs the batch it fetched, then records it (pg-boss worker.js checks
      // `stopping` only after the fetch). The caller closes the pool next, so wait for that batch
      // and the queue's last statements: otherwise its send fails and the failure cannot be written.
      const deadline = Date.now() + 60_000;
      while ((busy.queries > 0 || busy.batches > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await transport.close();
    },
  };
}

/**
 * Each job on its own: one that fails is retried by its policy, the others of the batch complete. A job
 * may queue more (a room its confirmation emails, a sweep its reminders): the queues are woken after each batch.
 */
async function runBatch(boss: PgBoss, job: (typeof jobs)[number], batch: PgBoss.JobWithMetadata<unknown>[], services: object, logger: Logger, wake: () => void) {
  for (const j of batch) {
    try {
      await job.handler(job.schema.parse(j.data ?? {}), { ...services, lastAttempt: j.retryCount >= j.retryLimit });
    } catch (err) {
      const message = String((err as Error).message ?? err).slice(0, 500);
      logger.warn({ job: job.name, id: j.id, err: message }, 'job failed');
      await boss.fail(job.name, j.id, { message });
    }
  }
  wake();
}
