import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailOutbox } from '../db/schema';
import { deliverEmailJob, type MailServices } from '../jobs/definitions/deliver-email';
import { claimQueuedJob, queueJob, runQueuedJobs, settleClaimedJob } from '../jobs/queue';
import { enqueueEmail, messageIdFor, type EnqueueEmailOptions } from './outbox';
import { renderEmail, type TemplateName } from './templates';

export interface DeliveryOptions extends MailServices {
  db: Db;
  /** Due by this time (retries waiting out their delay included). */
  now?: () => Date;
  batchSize?: number;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

/**
 * The outbox relay job (mail.deliver): renders and sends one outbox email and records the outcome on
 * its row. A failure is recorded and thrown, so the job is retried; at the attempt budget the row is
 * marked failed (the admin's Retry queues it again). At least once: a crash after the transport
 * accepted but before the row is marked sent means one more delivery with the same Message-ID.
 */
export async function deliverEmail(options: MailServices & { db: Db; emailId: string; lastAttempt?: boolean }): Promise<'sent' | 'failed' | 'skipped'> {
  const { db, transport } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  // 'sending' too: the attempt of a process that died mid-send, which pg-boss retries.
  const [row] = await db
    .update(emailOutbox)
    .set({ status: 'sending', attempts: sql`${emailOutbox.attempts} + 1` })
    .where(and(eq(emailOutbox.id, options.emailId), inArray(emailOutbox.status, ['pending', 'sending'])))
    .returning();
  if (!row) return 'skipped';
  const to = { name: row.toName, address: row.toAddress };
  const messageId = messageIdFor(row.dedupeKey, options.from);
  try {
    const rendered = renderEmail(row.template, row.payload, { appUrl: options.appUrl, recipient: to, from: options.from });
    await transport.send({ messageId, from: options.from, to, ...rendered });
  } catch (err) {
    const gaveUp = row.attempts >= maxAttempts || Boolean(options.lastAttempt);
    await db
      .update(emailOutbox)
      .set({ status: gaveUp ? 'failed' : 'pending', lastError: describeError(err) })
      .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.attempts, row.attempts)));
    if (gaveUp) return 'failed';
    throw err;
  }
  await db
    .update(emailOutbox)
    // A payload's `token` (a password-reset or verification link) is a one-time secret: once
    // delivered it has no reason to stay readable in the database.
    .set({ status: 'sent', sentAt: new Date(), lastError: null, messageId, payload: sql`${emailOutbox.payload} - 'token'` })
    .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.attempts, row.attempts)));
  return 'sent';
}

/**
 * Writes an email to the outbox and delivers it here and now, as its relay job would (the mail check:
 * the real path, without waiting for a worker). The relay job is claimed in the transaction that
 * queues it, so no worker can send the email too. One attempt: on failure the row is marked failed
 * with the server's answer (an admin's Retry sends it again). Should this process die mid-way, the
 * claimed job expires and a worker delivers the email, as for any other.
 */
export async function sendThroughOutboxNow<T extends TemplateName>(options: MailServices & { db: Db; email: Omit<EnqueueEmailOptions<T>, 'tx'> }): Promise<{ emailId: string; outcome: 'sent' | 'failed' }> {
  const { db, email, ...services } = options;
  const queued = await db.transaction(async (tx) => {
    const emailId = await enqueueEmail({ ...email, tx });
    if (!emailId) throw new Error(`an email with the key ${email.dedupeKey} is already in the outbox`);
    const jobId = await claimQueuedJob(tx, deliverEmailJob, emailId);
    if (!jobId) throw new Error(`the relay job of email ${emailId} was not queued`);
    return { emailId, jobId };
  });
  let outcome: Awaited<ReturnType<typeof deliverEmail>>;
  try {
    outcome = await deliverEmail({ ...services, db, emailId: queued.emailId, lastAttempt: true });
  } catch (err) {
    // Not the send (that is recorded on the row): the database. The job is retried by a worker.
    await settleClaimedJob(db, deliverEmailJob, queued.jobId, err as Error).catch(() => {});
    throw err;
  }
  await settleClaimedJob(db, deliverEmailJob, queued.jobId);
  if (outcome === 'skipped') throw new Error(`email ${queued.emailId} was taken by another delivery`);
  return { emailId: queued.emailId, outcome };
}

/** Runs the due relay jobs in this process (scripts, tests); the worker does this on its own. */
export async function deliverDueEmails(options: DeliveryOptions): Promise<DeliveryResult> {
  const { db, now, batchSize, ...services } = options;
  const outcomes = await runQueuedJobs({ db, job: deliverEmailJob, services, now: now?.(), limit: batchSize ?? 20 });
  return {
    sent: outcomes.filter((o) => o === 'sent').length,
    retried: outcomes.filter((o) => o instanceof Error).length,
    failed: outcomes.filter((o) => o === 'failed').length,
  };
}

/** An admin's "Retry" on a failed email: due now, with a fresh attempt budget. */
export async function retryFailedEmail(options: { db: Db; id: string }): Promise<boolean> {
  return options.db.transaction(async (tx) => {
    const rows = await tx
      .update(emailOutbox)
      .set({ status: 'pending', attempts: 0 })
      .where(and(eq(emailOutbox.id, options.id), eq(emailOutbox.status, 'failed')))
      .returning({ id: emailOutbox.id });
    if (rows.length !== 1) return false;
    await queueJob(tx, deliverEmailJob, { emailId: options.id });
    return true;
  });
}

function describeError(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const message = e.message ?? String(err);
  // The server's own reply line, when the library's message does not already quote it.
  const said = e.response && !message.includes(e.response) ? `(server said: ${e.response})` : undefined;
  return [e.code, e.responseCode, message, said].filter(Boolean).join(' ').slice(0, 500);
}
