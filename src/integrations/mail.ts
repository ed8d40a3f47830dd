import type { Config } from '../config';
import type { Db } from '../db/client';
import type { MailTransport } from '../mail/transport';
import type { CheckReport } from './check';

/** Sends a test email through the outbox and the configured transport, and reports the server's answer. */
export async function checkMail(_options: { config: Config; db: Db; transport: MailTransport; to: string; now?: () => Date }): Promise<CheckReport> {
  throw new Error('checkMail: being built on its branch');
}
