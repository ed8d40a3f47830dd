import { createHash } from 'node:crypto';
import { emailOutbox } from '../db/schema';
import type { Tx } from '../db/client';
import { deliverEmailJob } from '../jobs/definitions/deliver-email';
import { queueJob } from '../jobs/queue';
import { toMailbox, type Mailbox } from './address';
import type { TemplateName, TemplatePayloads } from './templates';

export interface EnqueueEmailOptions<T extends TemplateName> {
  tx: Tx;
  /** One email per cause: a repeated cause with the same key writes nothing. */
  dedupeKey: string;
  template: T;
  to: Mailbox;
  payload: TemplatePayloads[T];
  /** The session this email is about (shown on the admin's session page). */
  sessionId?: string;
}

/**
 * Writes an email to the outbox inside the caller's transaction, so it exists if and only if the
 * change that causes it commits. Delivery happens later, in the worker's relay job
 * (jobs/definitions/deliver-email), never in a web request. Returns the new row's id (null: the key was
 * already used).
 */
export async function enqueueEmail<T extends TemplateName>(options: EnqueueEmailOptions<T>): Promise<string | null> {
  const to = toMailbox(options.to.name, options.to.address);
  const [row] = await options.tx
    .insert(emailOutbox)
    .values({
      dedupeKey: options.dedupeKey,
      sessionId: options.sessionId ?? sessionIdOf(options.payload),
      template: options.template,
      toName: to.name,
      toAddress: to.address,
      payload: options.payload as unknown as Record<string, unknown>,
    })
    .onConflictDoNothing({ target: emailOutbox.dedupeKey })
    .returning({ id: emailOutbox.id });
  // Its relay job, in the same transaction: no email is left without one.
  if (row) await queueJob(options.tx, deliverEmailJob, { emailId: row.id });
  return row?.id ?? null;
}

/** The Message-ID of an outbox email: stable across retries, so receivers can drop a repeat. */
export function messageIdFor(dedupeKey: string, from: Mailbox): string {
  const domain = from.address.split('@')[1] ?? 'localhost';
  return `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Session emails carry `sessionId` in their payload; the column is filled from it unless given. */
function sessionIdOf(payload: unknown): string | undefined {
  const id = (payload as { sessionId?: unknown } | null)?.sessionId;
  return typeof id === 'string' ? id : undefined;
}
