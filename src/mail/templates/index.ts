import type { Mailbox } from '../address';
import { paymentRefundedEmail, type PaymentRefundedPayload } from './payment-refunded';
import { sessionConfirmedEmail, type SessionConfirmedPayload } from './session-confirmed';
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

/** Every email the product sends, by template name, with the payload the outbox row carries. */
export interface TemplatePayloads {
  welcome: WelcomePayload;
  'session-request': SessionRequestPayload;
  'payment-refunded': PaymentRefundedPayload;
  'session-confirmed': SessionConfirmedPayload;
}
export type TemplateName = keyof TemplatePayloads;

const templates: { [K in TemplateName]: (payload: TemplatePayloads[K], ctx: RenderContext) => RenderedEmail } = {
  welcome: welcomeEmail,
  'session-request': sessionRequestEmail,
  'payment-refunded': paymentRefundedEmail,
  'session-confirmed': sessionConfirmedEmail,
};

export function renderEmail(template: string, payload: unknown, ctx: RenderContext): RenderedEmail {
  const fn = templates[template as TemplateName];
  if (!fn) throw new Error(`unknown email template: ${template}`);
  return fn(payload as never, ctx);
}
