import type { Mailbox } from '../address';
import { emailVerificationEmail, passwordChangedEmail, passwordResetEmail, type AccountLinkPayload, type PasswordChangedPayload } from './account';
import { mailTestEmail, type MailTestPayload } from './mail-test';
import { mentorApprovedEmail, mentorDeclinedEmail, type MentorApprovedPayload, type MentorDeclinedPayload } from './mentor-application';
import { paymentReceiptEmail, type PaymentReceiptPayload } from './payment-receipt';
import { paymentRefundedEmail, type PaymentRefundedPayload } from './payment-refunded';
import { sessionCompletedEmail, type SessionCompletedPayload } from './session-completed';
import { sessionCancelledEmail, type SessionCancelledPayload } from './session-cancelled';
import { sessionConfirmedEmail, type SessionConfirmedPayload } from './session-confirmed';
import { sessionReminderEmail, sessionRequestReminderEmail, type SessionReminderPayload, type SessionRequestReminderPayload } from './session-reminder';
import { sessionRecordingReadyEmail, type SessionRecordingReadyPayload } from './session-recording-ready';
import { sessionRescheduledEmail, type SessionReschedulePayload } from './session-rescheduled';
import { sessionRequestEmail, type SessionRequestPayload } from './session-request';
import { welcomeEmail, type WelcomePayload } from './welcome';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; contentType: string; content: string | Buffer }[];
  /** A calendar invite: mail clients show "Add to calendar" / accept buttons for it. */
  icalEvent?: { method: 'REQUEST' | 'CANCEL'; content: string };
}

export interface RenderContext {
  appUrl: string;
  recipient: Mailbox;
  from: Mailbox;
}

/** A payload whose times are said on the recipient's clock. */
export interface OnRecipientClock {
  /** The recipient's chosen clock; absent (older emails, no choice): 24-hour. */
  clock?: '12h' | '24h';
}

/** What every email about one session says of it, as its recipient sees it (see sessions/emails.ts sessionFacts). */
export interface SessionFactsPayload extends OnRecipientClock {
  sessionId: string;
  role: 'mentee' | 'mentor';
  recipientName: string;
  otherName: string;
  startsAt: string;
  durationMinutes: number;
  timezone: string;
}

/** Every email the product sends, by template name, with the payload the outbox row carries. */
export interface TemplatePayloads {
  welcome: WelcomePayload;
  'session-request': SessionRequestPayload;
  'payment-refunded': PaymentRefundedPayload;
  'payment-receipt': PaymentReceiptPayload;
  'session-confirmed': SessionConfirmedPayload;
  'session-completed': SessionCompletedPayload;
  'session-reminder': SessionReminderPayload;
  'session-request-reminder': SessionRequestReminderPayload;
  'session-cancelled': SessionCancelledPayload;
  'session-recording-ready': SessionRecordingReadyPayload;
  'session-rescheduled': SessionReschedulePayload;
  'password-reset': AccountLinkPayload;
  'email-verification': AccountLinkPayload;
  'password-changed': PasswordChangedPayload;
  'mentor-approved': MentorApprovedPayload;
  'mentor-declined': MentorDeclinedPayload;
  'mail-test': MailTestPayload;
}
export type TemplateName = keyof TemplatePayloads;

const templates: { [K in TemplateName]: (payload: TemplatePayloads[K], ctx: RenderContext) => RenderedEmail } = {
  welcome: welcomeEmail,
  'session-request': sessionRequestEmail,
  'payment-refunded': paymentRefundedEmail,
  'payment-receipt': paymentReceiptEmail,
  'session-confirmed': sessionConfirmedEmail,
  'session-completed': sessionCompletedEmail,
  'session-reminder': sessionReminderEmail,
  'session-request-reminder': sessionRequestReminderEmail,
  'session-cancelled': sessionCancelledEmail,
  'session-recording-ready': sessionRecordingReadyEmail,
  'session-rescheduled': sessionRescheduledEmail,
  'password-reset': passwordResetEmail,
  'email-verification': emailVerificationEmail,
  'password-changed': passwordChangedEmail,
  'mentor-approved': mentorApprovedEmail,
  'mentor-declined': mentorDeclinedEmail,
  'mail-test': mailTestEmail,
};

export function renderEmail(template: string, payload: unknown, ctx: RenderContext): RenderedEmail {
  const fn = templates[template as TemplateName];
  if (!fn) throw new Error(`unknown email template: ${template}`);
  return fn(payload as never, ctx);
}
