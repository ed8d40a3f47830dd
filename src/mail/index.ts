import type { Config } from '../config';
import type { Db } from '../db/client';
import { createMailboxTransport } from './mailbox';
import { createSmtpTransport } from './smtp';
import type { MailTransport } from './transport';

/** The one place the mail transport is chosen: SMTP when SMTP_URL is set, else the built-in mailbox. */
export function createMailTransport(config: Config, db: Db): MailTransport {
  return config.smtp ? createSmtpTransport(config.smtp) : createMailboxTransport(db);
}
