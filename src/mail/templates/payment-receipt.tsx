import { formatter } from '../../web/time';
import { closing, emailDateTime, money } from './format';
import { renderEmailHtml } from './layout';
import type { OnRecipientClock, RenderContext, RenderedEmail } from './index';

export interface PaymentReceiptPayload extends OnRecipientClock {
  sessionId: string;
  receiptNumber: string;
  menteeName: string;
  mentorName: string;
  amountCents: number;
  currency: string;
  paidAt: string;
  startsAt: string;
  durationMinutes: number;
  /** The mentee's zone: the paid-at time and the session's time are shown in it. */
  timezone: string;
}

/** To the mentee, in the transaction that records their payment: what they paid, when, and for what. */
export function paymentReceiptEmail(p: PaymentReceiptPayload, ctx: RenderContext): RenderedEmail {
  const session = emailDateTime(p.startsAt, p.timezone, p.clock);
  const paid = formatter(p.timezone, { month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(p.paidAt));
  const amount = money(p.amountCents, p.currency);
  const url = `${ctx.appUrl}/sessions/${p.sessionId}/receipt`;
  const footer = `You received this email because you paid for a session on CodeMentorHub (${ctx.recipient.address}).`;
  const lines: [string, string][] = [
    ['Receipt number', p.receiptNumber],
    ['Amount paid', amount],
    ['Date paid', paid],
    ['For', `a ${p.durationMinutes}-minute mentoring session with ${p.mentorName}`],
    ['Session date', session.date],
    ['Session time', session.time],
  ];
  const text = [
    `Hello ${p.menteeName},`, '',
    `Thank you for your payment. This is your receipt.`, '',
    ...lines.map(([k, v]) => `${k}: ${v}`), '',
    `View or print this receipt: ${url}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Receipt for your session', footer,
    children: (
      <>
        <p>Hello {p.menteeName},</p>
        <p>Thank you for your payment. This is your receipt.</p>
        <p>{lines.map(([k, v]) => <>{k}: <strong>{v}</strong><br /></>)}</p>
        <p><a href={url} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">View or print this receipt</a></p>
      </>
    ),
  });
  return { subject: 'Receipt for your session - CodeMentorHub', text, html };
}
