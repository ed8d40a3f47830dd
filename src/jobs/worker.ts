import { purgeExpiredSessions } from '../accounts/sessions';
import type { Config } from '../config';
import type { Database, Logger } from '../db/client';
import { startJobs, type JobDefinition } from './boss';
import { deliverDueEmails, type DeliveryOptions } from '../mail/deliver';
import type { MailTransport } from '../mail/transport';
import { createMeetingProvider } from '../meetings';
import { createDueMeetings } from '../sessions/rooms';
import type { MeetingProvider } from '../meetings/provider';
import { createPaymentProvider } from '../payments';
import type { PaymentProvider } from '../payments/provider';
import { expireLapsedHolds } from '../payments/record';
import { processDueRefunds } from '../payments/refunds';
import { expireUnansweredRequests, sendDueReminders } from '../sessions/reminders';

export interface WorkerOptions {
  config: Config;
  database: Database;
  transport: MailTransport;
  /** Defaults to the provider PAYMENT_PROVIDER names. */
  payments?: PaymentProvider;
  /** Defaults to the provider MEETING_PROVIDER names. */
  meetings?: MeetingProvider;
  logger: Logger & { info(obj: unknown, msg?: string): void };
  pollMs?: number;
  delivery?: Partial<Pick<DeliveryOptions, 'backoffMs' | 'leaseMs' | 'maxAttempts' | 'now'>>;
  /** Start pg-boss (scheduled and queued jobs). The outbox loop always runs. */
  jobs?: boolean;
}

export interface Worker {
  /** Deliver now rather than at the next poll (after a commit in this process queued email). */
  wake(): void;
  stop(): Promise<void>;
}

/** The jobs every worker runs, by name. Later capabilities add theirs here. */
export function jobDefinitions(database: Database): JobDefinition[] {
  return [
    {
      name: 'accounts.purge-expired-sessions',
      cron: '*/15 * * * *',
      handler: async () => { await purgeExpiredSessions({ db: database.db, now: new Date() }); },
    },
    {
      name: 'booking.expire-lapsed-holds',
      cron: '* * * * *',
      handler: async () => { await expireLapsedHolds({ db: database.db, now: new Date() }); },
    },
    {
      name: 'sessions.send-due-reminders',
      cron: '* * * * *',
      handler: async () => { await sendDueReminders({ db: database.db, now: new Date() }); },
    },
    {
      name: 'sessions.expire-unanswered-requests',
      cron: '* * * * *',
      handler: async () => { await expireUnansweredRequests({ db: database.db, now: new Date() }); },
    },
  ];
}

/** The background worker: the email outbox loop and pg-boss. Runs in the app process or on its own. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { database, transport, logger, config } = options;
  const pollMs = options.pollMs ?? 1000;
  const payments = options.payments ?? createPaymentProvider(config);
  const meetings = options.meetings ?? createMeetingProvider(config);
  // A claimed email is ours for longer than one SMTP exchange can take (connect, greeting, socket
  // timeouts), and no longer: if this process dies mid-send, another picks the email up soon after.
  const leaseMs = 4 * (config.smtp?.timeoutMs ?? 15_000);
  const boss = options.jobs === false ? null : await startJobs({ database, logger, jobs: jobDefinitions(database) });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const tick = async () => {
    try {
      for (;;) {
        await processDueRefunds({ db: database.db, payments, backoffMs: options.delivery?.backoffMs });
        // Rooms before mail: a new room queues its two confirmation emails, sent in this same tick.
        await createDueMeetings({ db: database.db, meetings, backoffMs: options.delivery?.backoffMs });
        const r = await deliverDueEmails({ db: database.db, transport, from: config.mailFrom, appUrl: config.appUrl, leaseMs, ...options.delivery });
        if (r.sent || r.retried || r.failed) logger.info({ ...r }, 'outbox delivery');
        if (stopped || r.sent + r.retried + r.failed < 20) break;
      }
    } catch (err) {
      // The database may be briefly unreachable; the next tick tries again.
      logger.warn({ err: (err as Error).message }, 'outbox delivery failed');
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  const run = () => {
    if (running) { again = true; return; }
    running = tick().finally(() => {
      running = undefined;
      if (again) { again = false; schedule(0); } else schedule(pollMs);
    });
  };
  schedule(0);

  return {
    wake: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await boss?.stop({ graceful: true, wait: true });
      await transport.close();
    },
  };
}
