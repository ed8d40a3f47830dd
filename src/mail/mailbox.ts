import { mailboxMessages } from '../db/schema';
import type { Db } from '../db/client';
import type { MailTransport } from './transport';

/** Demo mode's transport: messages are stored and shown to admins at /admin/mail instead of sent. */
export function createMailboxTransport(db: Db): MailTransport {
  return {
    async send(email) {
      await db
        .insert(mailboxMessages)
        .values({
          messageId: email.messageId,
          fromHeader: email.from.name ? `${email.from.name} <${email.from.address}>` : email.from.address,
          toName: email.to.name,
          toAddress: email.to.address,
          subject: email.subject,
          text: email.text,
          html: email.html,
          attachments: [
            ...(email.attachments ?? []),
            ...(email.icalEvent ? [{ filename: 'invite.ics', contentType: `text/calendar; method=${email.icalEvent.method}`, content: email.icalEvent.content }] : []),
          ].map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            contentBase64: Buffer.from(a.content).toString('base64'),
          })),
        })
        // A redelivery after a lost acknowledgement lands on the same Message-ID: keep one copy.
        .onConflictDoNothing({ target: mailboxMessages.messageId });
      return {};
    },
    async close() {},
  };
}
