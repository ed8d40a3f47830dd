import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailOutbox } from '../db/schema';
import type { Mailbox } from './address';
import { messageIdFor } from './outbox';
import { renderEmail } from './templates';
import type { MailTransport } from './transport';

export interface DeliveryOptions {
  db: Db;
  transport: MailTransport;
  from: Mailbox;
  appUrl: string;
  now?: () => Date;
  batchSize?: number;
  /** How long a claimed row is ours; longer than the transport's worst case, so no two workers send it. */
  leaseMs?: number;
  /** First retry delay; doubles each attempt, capped at an hour. */
  backoffMs?: number;
  maxAttempts?: number;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
}

const HOUR = 3_600_000;

/**
 * Claims due outbox rows (SKIP LOCKED, so workers never wait on each other or take the same row),
 * renders and sends each, and records the outcome. At least once: a crash after the transport
 * accepted but before the row is marked sent means one more delivery with the same Message-ID.
 */
export async function deliverDueEmails(options: DeliveryOptions): Promise<DeliveryResult> {
  const { db, transport } = options;
  const now = options.now?.() ?? new Date();
  const leaseMs = options.leaseMs ?? 120_000;
  const backoffMs = options.backoffMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? 10;

  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: emailOutbox.id })
      .from(emailOutbox)
      .where(and(
        inArray(emailOutbox.status, ['pending', 'sending']),
        lte(emailOutbox.nextAttemptAt, now),
        or(isNull(emailOutbox.lockedUntil), lt(emailOutbox.lockedUntil, now)),
      ))
      .orderBy(asc(emailOutbox.nextAttemptAt))
      .limit(options.batchSize ?? 20)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(emailOutbox)
      .set({ status: 'sending', lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${emailOutbox.attempts} + 1` })
      .where(inArray(emailOutbox.id, due.map((d) => d.id)))
      .returning();
  });

  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  for (const row of claimed) {
    const to = { name: row.toName, address: row.toAddress };
    const messageId = messageIdFor(row.dedupeKey, options.from);
    try {
      const rendered = renderEmail(row.template, row.payload, { appUrl: options.appUrl, recipient: to, from: options.from });
      await transport.send({ messageId, from: options.from, to, ...rendered });
      await db
        .update(emailOutbox)
        // A payload's `token` (a password-reset or verification link) is a one-time secret: once
        // delivered it has no reason to stay readable in the database.
        .set({ status: 'sent', sentAt: new Date(), lockedUntil: null, lastError: null, messageId, payload: sql`${emailOutbox.payload} - 'token'` })
        .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.attempts, row.attempts)));
      result.sent++;
    } catch (err) {
      const gaveUp = row.attempts >= maxAttempts;
      const delay = Math.min(backoffMs * 2 ** (row.attempts - 1), HOUR) * (0.8 + Math.random() * 0.4);
      await db
        .update(emailOutbox)
        .set({
          status: gaveUp ? 'failed' : 'pending',
          lockedUntil: null,
          lastError: describeError(err),
          nextAttemptAt: new Date(Date.now() + delay),
        })
        .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.attempts, row.attempts)));
      if (gaveUp) result.failed++;
      else result.retried++;
    }
  }
  return result;
}

/** An admin's "Retry" on a failed email: due now, with a fresh attempt budget. */
export async function retryFailedEmail(options: { db: Db; id: string }): Promise<boolean> {
  const rows = await options.db
    .update(emailOutbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: new Date(), lockedUntil: null })
    .where(and(eq(emailOutbox.id, options.id), eq(emailOutbox.status, 'failed')))
    .returning({ id: emailOutbox.id });
  return rows.length === 1;
}

function describeError(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  return [e.code, e.responseCode, e.message ?? String(err)].filter(Boolean).join(' ').slice(0, 500);
}
