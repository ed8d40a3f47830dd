import { z } from 'zod';
import type { Mailbox } from '../../mail/address';
import type { MailTransport } from '../../mail/transport';
import { defineJob } from '../definition';

export interface MailServices {
  transport: MailTransport;
  from: Mailbox;
  appUrl: string;
  /** Attempts before the outbox row is marked failed (shown on /admin/outbox with Retry). */
  maxAttempts?: number;
}

/**
 * The outbox relay: delivers one outbox email. Sent by enqueueEmail with the row, and by the admin's
 * Retry. The outbox row keeps status, attempts and last error (what /admin/outbox shows); its
 * Message-ID lets receivers drop the copy a crash between send and commit can cause. Ten retries from
 * 10 s, doubling (about 3 h). An attempt is one SMTP exchange; the worker sets the expiry from the
 * SMTP timeout.
 */
export const deliverEmailJob = defineJob<{ emailId: string }, MailServices>({
  name: 'mail.deliver',
  schema: z.object({ emailId: z.string().min(1) }),
  policy: { retryLimit: 10, retryDelay: 10, retryBackoff: true, expireInSeconds: 60 },
  singletonKey: (d) => d.emailId,
  handler: async (data, run) => {
    const { deliverEmail } = await import('../../mail/deliver');
    return deliverEmail({ ...run, emailId: data.emailId });
  },
});
