import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { sendThroughOutboxNow } from '../mail/deliver';
import { diagnoseSendError } from '../mail/smtp';
import type { MailTransport, SendReceipt } from '../mail/transport';
import { reportOf, type CheckReport, type CheckStep } from './check';
import { maskUrl } from './mask';

/** The built-in mailbox is a database write: it needs no SMTP_TIMEOUT_MS, only some bound. */
const MAILBOX_WAIT_MS = 15_000;

/**
 * Sends a test email through the outbox and the configured transport, and reports the server's answer.
 * The email is delivered here and now, once (no worker sends it too), and the wait for the server is
 * bounded: nodemailer's own timeouts are SMTP_TIMEOUT_MS each, and this check gives up after two of them,
 * which stays within the relay job's expiry (four of them, see jobs/worker.ts): the claimed job is not
 * expired and handed to a worker while the check still waits.
 */
export async function checkMail(options: { config: Config; db: Db; transport: MailTransport; to: string; now?: () => Date }): Promise<CheckReport> {
  const now = options.now ?? (() => new Date());
  const { config, to } = options;
  const smtp = config.smtp;
  const startedAt = now();
  const from = config.mailFrom.name ? `${config.mailFrom.name} <${config.mailFrom.address}>` : config.mailFrom.address;
  const steps: CheckStep[] = [
    smtp
      ? { label: 'Transport', outcome: 'ok', detail: `SMTP ${maskUrl(smtp.url)} (from MAIL_FROM ${from})` }
      : { label: 'Transport', outcome: 'ok', detail: 'the built-in mailbox (SMTP_URL is not set): the email is kept in /admin/mail and nothing leaves the server' },
  ];

  // What the transport answered, seen on its way through the outbox's delivery.
  let answer: { receipt?: SendReceipt; error?: unknown } = {};
  const waitMs = smtp ? smtp.timeoutMs * 2 + 1000 : MAILBOX_WAIT_MS;
  const watched: MailTransport = {
    async send(email) {
      try {
        const receipt = await withinDeadline(options.transport.send(email), waitMs);
        answer = { receipt };
        return receipt;
      } catch (err) {
        answer = { error: err };
        throw err;
      }
    },
    close: () => options.transport.close(),
  };

  let outcome: 'sent' | 'failed';
  try {
    const sent = await sendThroughOutboxNow({
      db: options.db, transport: watched, from: config.mailFrom, appUrl: config.appUrl,
      email: { dedupeKey: `mail-test:${randomUUID()}`, template: 'mail-test', to: { name: '', address: to }, payload: { requestedAt: startedAt.toISOString() } },
    });
    outcome = sent.outcome;
    steps.push({ label: 'Queued in the outbox', outcome: 'ok', detail: `email ${sent.emailId} to ${to}` });
  } catch (err) {
    steps.push({ label: 'Queued in the outbox', outcome: 'failed', detail: `${firstLine(err)}.`, fix: 'Check the address given and the database (DATABASE_URL).' });
    return report(steps, startedAt, now, smtp);
  }

  if (outcome === 'sent') {
    steps.push(smtp
      ? { label: 'SMTP server accepted the message', outcome: 'ok', detail: answer.receipt?.response ?? 'accepted' }
      : { label: 'Kept in the built-in mailbox', outcome: 'ok', detail: 'admins read it at /admin/mail' });
  } else if (smtp) {
    steps.push({ label: 'Sending the test email', outcome: 'failed', ...diagnoseSendError(answer.error, smtp) });
  } else {
    steps.push({ label: 'Keeping it in the built-in mailbox', outcome: 'failed', detail: `${firstLine(answer.error)}.`, fix: 'Check the database (DATABASE_URL).' });
  }
  return report(steps, startedAt, now, smtp);
}

function report(steps: CheckStep[], startedAt: Date, now: () => Date, smtp: Config['smtp']): CheckReport {
  return reportOf({
    integration: 'mail', steps, startedAt, finishedAt: now(),
    summary: {
      ok: smtp
        ? 'Mail works: the SMTP server accepted the test email.'
        : 'Mail is not delivered outside: the test email is in the built-in mailbox at /admin/mail. Set SMTP_URL to send real email.',
      failed: 'Mail does not work',
    },
  });
}

/** A send still unanswered after `ms` fails as a timeout (the SMTP diagnosis reads it as one). */
async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.replace(/[.:]$/, '');
}
