import type PgBoss from 'pg-boss';
import type { Database } from '../db/client';
import { createBoss } from './boss';
import type { JobDefinition, RetryPolicy } from './definition';
import { cancelRoomJob } from './definitions/cancel-room';
import { createRoomJob } from './definitions/create-room';
import { deliverEmailJob } from './definitions/deliver-email';
import { foldDataVersionsJob } from './definitions/fold-data-versions';
import { expireLapsedHoldsJob } from './definitions/expire-lapsed-holds';
import { expireUnansweredRequestsJob } from './definitions/expire-unanswered-requests';
import { readMeetingRecordsJob } from './definitions/read-meeting-records';
import { purgeExpiredSessionsJob } from './definitions/purge-expired-sessions';
import { sendDueRemindersJob } from './definitions/send-due-reminders';
import { sendRefundJob } from './definitions/send-refund';
import { updateRoomJob } from './definitions/update-room';

/** Every job the worker runs. A new kind of background work is one file in definitions/ and one line here. */
// `any`: each definition needs its own services (providers, transport); the worker passes them all.
// biome-ignore lint/suspicious/noExplicitAny: see above; each definition checks its own payload with zod
export const jobs: JobDefinition<any, any>[] = [
  createRoomJob, cancelRoomJob, sendRefundJob, deliverEmailJob,
  purgeExpiredSessionsJob, expireLapsedHoldsJob, sendDueRemindersJob, expireUnansweredRequestsJob,
  readMeetingRecordsJob, updateRoomJob, foldDataVersionsJob,
];

/** The queues that hold work for one thing (a session, a refund, an email): their jobs are listed for admins. */
export const entityQueues = jobs.filter((j) => j.singletonKey).map((j) => j.name);

function queueOptions(job: JobDefinition<unknown, never>, policy: RetryPolicy): PgBoss.Queue {
  return { name: job.name, policy: job.singletonKey ? 'stately' : 'standard', ...policy };
}

/**
 * Installs pg-boss's tables and our queues with their retry policies. Part of migrating: a web
 * process sends jobs in its transactions, so the queues must exist before any worker starts.
 * `policies` overrides a queue's policy (the worker sets the email expiry from the SMTP timeout).
 */
export async function installJobQueues(database: Database, policies: Record<string, Partial<RetryPolicy>> = {}): Promise<void> {
  const boss = createBoss(database, { supervise: false, schedule: false });
  await boss.start();
  try {
    for (const job of jobs) {
      const options = queueOptions(job, { ...job.policy, ...policies[job.name] });
      if (await boss.getQueue(job.name)) await boss.updateQueue(job.name, options);
      else await boss.createQueue(job.name, options);
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}
