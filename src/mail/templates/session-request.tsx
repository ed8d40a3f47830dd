import { emailDateTime, closing } from './format';
import { renderEmailHtml } from './layout';
import { sessionLinkLines, sessionLinks, SessionLinksParagraph } from './session-links';
import type { OnRecipientClock, RenderContext, RenderedEmail } from './index';

export interface SessionRequestPayload extends OnRecipientClock {
  sessionId: string;
  mentorName: string;
  menteeName: string;
  startsAt: string;
  durationMinutes: number;
  timezone: string;
  /** The mentee's "What would you like help with?" from the booking step, as written (plain text). */
  note?: string;
}

/** To the mentor, once a booking is paid: a request to accept. */
export function sessionRequestEmail(p: SessionRequestPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const url = `${ctx.appUrl}/mentor/dashboard`;
  const links = sessionLinks(ctx.appUrl, p.sessionId, true);
  const footer = `You received this email because you are a mentor on CodeMentorHub (${ctx.recipient.address}).`;
  const text = [
    `Hello ${p.mentorName},`, '',
    `${p.menteeName} has booked and paid for a session with you.`, '',
    ...(p.note ? ['What they would like help with:', ...p.note.split('\n').map((line) => `> ${line}`), ''] : []),
    'Session Details:', `Date: ${date}`, `Time: ${time}`, `Duration: ${p.durationMinutes} minutes`, '',
    `Accept it on your dashboard: ${url}`,
    ...sessionLinkLines(links, 'Decline it (full refund for the mentee)'), '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'New session request', footer,
    children: (
      <>
        <p>Hello {p.mentorName},</p>
        <p><strong>{p.menteeName}</strong> has booked and paid for a session with you.</p>
        {p.note ? (
          <>
            <p style="margin-bottom:4px"><strong>What they would like help with:</strong></p>
            <blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #cbd2d9;white-space:pre-wrap">{p.note}</blockquote>
          </>
        ) : null}
        <p><strong>Session Details:</strong><br />Date: {date}<br />Time: {time}<br />Duration: {p.durationMinutes} minutes</p>
        <p><a href={url} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Open your dashboard to accept</a></p>
        <SessionLinksParagraph links={links} cancelLabel="Decline it (full refund for the mentee)" />
      </>
    ),
  });
  return { subject: 'New session request - CodeMentorHub', text, html };
}
