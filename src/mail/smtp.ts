import nodemailer from 'nodemailer';
import type { MailTransport } from './transport';

/**
 * SMTP through nodemailer. It never retries by itself (the outbox does), and its default timeouts are
 * minutes long, so all three are bounded: a hung server costs one attempt, not the worker.
 */
export function createSmtpTransport(options: { url: string; timeoutMs: number }): MailTransport {
  // Not `{ url }`: given an object with a url, createTransport keeps only what the URL says and
  // silently drops every other option (the timeouts and pooling below).
  const url = new URL(options.url);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    pool: true,
    maxConnections: 3,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    async send(email) {
      await transporter.sendMail({
        messageId: email.messageId,
        from: email.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        attachments: email.attachments,
        // nodemailer builds the text/calendar alternative (with its METHOD) that clients turn into an invite.
        icalEvent: email.icalEvent ? { method: email.icalEvent.method, content: email.icalEvent.content, filename: 'invite.ics' } : undefined,
      });
    },
    async close() {
      transporter.close();
    },
  };
}
