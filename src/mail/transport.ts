import type { Mailbox } from './address';

/** A fully rendered email, ready for a transport. Addresses are objects, never raw strings. */
export interface OutgoingEmail {
  messageId: string;
  from: Mailbox;
  to: Mailbox;
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: string | Buffer }[];
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

/** What the receiving server answered on accepting an email ("250 2.0.0 OK …"); the built-in mailbox has none. */
export interface SendReceipt {
  response?: string;
}

/** Where mail goes: SMTP in production, the built-in mailbox in demo mode. */
export interface MailTransport {
  send(email: OutgoingEmail): Promise<SendReceipt>;
  close(): Promise<void>;
}
