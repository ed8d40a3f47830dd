import nodemailer from 'nodemailer';
import type { MailTransport } from './transport';

/**
 * SMTP through nodemailer. It never retries by itself (the outbox does), and its default timeouts are
 * minutes long, so all three are bounded: a hung server costs one attempt, not the worker.
 */
export function createSmtpTransport(options: { url: string; timeoutMs: number }): MailTransport {
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  } as nodemailer.TransportOptions);
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
      });
    },
    async close() {
      transporter.close();
    },
  };
}
