import nodemailer from 'nodemailer';
import type { MailTransport } from './transport';

export interface SmtpOptions {
  url: string;
  timeoutMs: number;
}

/** Where SMTP_URL points: smtps:// is TLS from the first byte (465 by default), smtp:// upgrades with STARTTLS (587). */
function endpointOf(value: string) {
  const url = new URL(value);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
  };
}

/**
 * SMTP through nodemailer. It never retries by itself (the outbox does), and its default timeouts are
 * minutes long, so all three are bounded: a hung server costs one attempt, not the worker.
 */
export function createSmtpTransport(options: SmtpOptions): MailTransport {
  // Not `{ url }`: given an object with a url, createTransport keeps only what the URL says and
  // silently drops every other option (the timeouts and pooling below).
  const at = endpointOf(options.url);
  const transporter = nodemailer.createTransport({
    host: at.host,
    port: at.port,
    secure: at.secure,
    auth: at.user ? { user: at.user, pass: at.pass } : undefined,
    pool: true,
    maxConnections: 3,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    async send(email) {
      const info = await transporter.sendMail({
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
      return { response: typeof info.response === 'string' ? oneLine(info.response) : undefined };
    },
    async close() {
      transporter.close();
    },
  };
}

/** Why a send failed, for an operator: what happened (with the server's own answer when it gave one) and what to check. */
export interface SendDiagnosis {
  detail: string;
  fix: string;
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

const FIX = {
  login: 'Check the user and password in SMTP_URL.',
  tls: 'Check SMTP_URL: smtps:// is for port 465, smtp:// (STARTTLS) for 587/25.',
  endpoint: "Check SMTP_URL's host and port, and that the mail server is running.",
  relay: 'The server refused to relay: check MAIL_FROM is an address this account may send from, and the recipient.',
  later: "Try again later; if it lasts, check the mail provider's status and limits for the SMTP_URL account.",
  other: 'Check SMTP_URL and MAIL_FROM.',
};

/**
 * Reads nodemailer's error (its code, the SMTP reply code and line, the command it answered) into one
 * plain diagnosis naming the variable to look at. The password is never part of it.
 */
export function diagnoseSendError(err: unknown, smtp: SmtpOptions): SendDiagnosis {
  const e = (err ?? {}) as NodemailerError;
  const at = endpointOf(smtp.url);
  const where = `${at.host}:${at.port}`;
  const message = oneLine(e.message ?? String(err));
  const said = e.response ? `"${oneLine(e.response)}"` : undefined;
  const reply = e.responseCode ?? 0;
  const result = (detail: string, fix: string): SendDiagnosis => ({ detail: hide(detail, at.pass), fix });

  if (e.code === 'EAUTH' || [530, 534, 535, 538].includes(reply)) {
    if (!at.user) return result(`${where} requires a login, answering ${said ?? message}.`, 'Put the user and password in SMTP_URL (smtp://user:password@host:587).');
    return result(`${where} refused the login, answering ${said ?? message}.`, FIX.login);
  }
  if (e.code === 'ETLS' || /\b(?:SSL|TLS)\b|certificate|wrong version number/i.test(message)) {
    return result(`the TLS connection to ${where} failed: ${message}.`, FIX.tls);
  }
  if (e.code === 'ETIMEDOUT' || /timed? ?out/i.test(message)) {
    const seconds = Math.round(smtp.timeoutMs / 100) / 10;
    // smtp:// on 465: both sides wait, the server for a TLS hello and the client for a greeting.
    const hint = !at.secure && at.port === 465 ? ' (port 465 usually wants smtps://)' : '';
    return result(`No answer from ${where} within ${seconds} s${hint}.`, "Check SMTP_URL's host and port, and that this server may connect to it (SMTP_TIMEOUT_MS).");
  }
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(message)) {
    return result(`the host ${at.host} was not found (${message}).`, 'Check the host name in SMTP_URL.');
  }
  if (/ECONNREFUSED/.test(message)) return result(`${where} refused the connection: nothing accepts mail there.`, FIX.endpoint);
  if (/EHOSTUNREACH|ENETUNREACH/.test(message)) return result(`${where} cannot be reached from this server (${message}).`, FIX.endpoint);
  if (e.code === 'EPROTOCOL' && !e.responseCode) return result(`${where} does not answer as an SMTP server: ${said ?? message}.`, FIX.endpoint);
  if (reply >= 400 && reply < 500) return result(`the server refused for now, answering ${said ?? message}.`, FIX.later);
  if (reply >= 500 && (e.command === 'MAIL FROM' || e.command === 'RCPT TO' || e.code === 'EENVELOPE')) {
    return result(`the server refused ${e.command === 'MAIL FROM' ? 'the sender' : 'the recipient'}, answering ${said ?? message}.`, FIX.relay);
  }
  if (reply >= 500) return result(`the server refused the message, answering ${said ?? message}.`, FIX.relay);
  if (e.code === 'ESOCKET' || e.code === 'ECONNECTION') return result(`the connection to ${where} failed: ${message}.`, FIX.endpoint);
  return result(`${message}.`, FIX.other);
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim().replace(/[.:]$/, '');
}

/** The password, should a server or library ever echo it. */
function hide(text: string, secret: string): string {
  return secret.length >= 3 ? text.split(secret).join('…') : text;
}
