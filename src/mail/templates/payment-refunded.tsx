import { emailDateTime, money, closing } from './format';
import { renderEmailHtml } from './layout';
import type { OnRecipientClock, RenderContext, RenderedEmail } from './index';

export interface PaymentRefundedPayload extends OnRecipientClock {
  menteeName: string;
  mentorName: string;
  mentorId: string;
  startsAt: string;
  timezone: string;
  amountCents: number;
  currency: string;
  reason: string;
  /** Why the payment was not kept: it came after the hold ended (default), or it did not match the booking. */
  kind?: 'late' | 'mismatch';
}

/** To the mentee, when a payment could not be kept: it came too late, or it did not match the booking. */
export function paymentRefundedEmail(p: PaymentRefundedPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const url = `${ctx.appUrl}/mentors/${p.mentorId}`;
  const amount = money(p.amountCents, p.currency);
  const footer = `You received this email because you booked a session on CodeMentorHub (${ctx.recipient.address}).`;
  const what = p.kind === 'mismatch'
    ? `A payment of ${amount} for your booking with ${p.mentorName} on ${date} at ${time} did not match the booking, so it was not accepted and your booking is unchanged.`
    : `Your payment of ${amount} for the session with ${p.mentorName} on ${date} at ${time} arrived after the booking was released, so it could not be kept.`;
  const text = [
    `Hello ${p.menteeName},`, '',
    what,
    `${p.reason} We are refunding the full ${amount}; it should reach you within 5-10 business days.`, '',
    `Pick another time with ${p.mentorName}: ${url}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Your payment is being refunded', footer,
    children: (
      <>
        <p>Hello {p.menteeName},</p>
        <p>{what}</p>
        <p>{p.reason} We are refunding the full {amount}; it should reach you within 5-10 business days.</p>
        <p><a href={url}>Pick another time with {p.mentorName}</a></p>
      </>
    ),
  });
  return { subject: 'Your payment is being refunded - CodeMentorHub', text, html };
}
