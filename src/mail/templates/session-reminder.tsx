import { emailDateTime, closing } from './format';
import { renderEmailHtml } from './layout';
import { sessionLinkLines, sessionLinks, SessionLinksParagraph, SessionDetailsBlock, sessionDetailLines } from './session-links';
import type { OnRecipientClock, RenderContext, RenderedEmail, SessionFactsPayload } from './index';
import { pluralize } from '../../plural';

export interface SessionReminderPayload extends SessionFactsPayload {
  /** Which reminder: the day-before one or the hour-before one. */
  kind: '24h' | '1h';
  /** How long before the start it was queued (a reminder due while the app was down goes out late). */
  leadMinutes: number;
  meetingUrl: string | null;
  provider: string | null;
}

/** "in 24 hours", "in 1 hour", "in 35 minutes": how far off the session was when the reminder was written. */
export function leadPhrase(minutes: number): string {
  if (minutes >= 50) {
    const hours = Math.round(minutes / 60);
    return pluralize(hours, 'hour');
  }
  const m = Math.max(1, Math.round(minutes));
  return pluralize(m, 'minute');
}

/** To each participant, 24 hours and 1 hour before a confirmed session, in the recipient's zone. */
export function sessionReminderEmail(p: SessionReminderPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const links = sessionLinks(ctx.appUrl, p.sessionId, true);
  const lead = leadPhrase(p.leadMinutes);
  const link = p.meetingUrl
    ?? (p.provider === 'none' || !p.provider
      ? 'The mentor will share the meeting details with you before the session.'
      : `The meeting link is being prepared; it will be on the session page: ${links.view}`);
  const footer = `You received this email because you have a session on CodeMentorHub (${ctx.recipient.address}).`;
  const text = [
    `Hello ${p.recipientName},`, '',
    `Reminder: your session with ${p.otherName} starts in ${lead}.`, '',
    ...sessionDetailLines({ date, time, durationMinutes: p.durationMinutes, link }), '',
    'Please join the meeting 5 minutes before the scheduled time.', '',
    ...sessionLinkLines(links), '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Session Reminder', footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>Reminder: your session with <strong>{p.otherName}</strong> starts in {lead}.</p>
        <SessionDetailsBlock date={date} time={time} durationMinutes={p.durationMinutes} link={link} meetingUrl={p.meetingUrl} provider={p.provider} />
        <SessionLinksParagraph links={links} />
      </>
    ),
  });
  return { subject: `Reminder: your session starts in ${lead} - CodeMentorHub`, text, html };
}

export interface SessionRequestReminderPayload extends OnRecipientClock {
  sessionId: string;
  mentorName: string;
  menteeName: string;
  startsAt: string;
  durationMinutes: number;
  /** The mentor's zone. */
  timezone: string;
  /** When the request expires unanswered (48 h after payment, or the start, whichever is first). */
  expiresAt: string;
}

/** To the mentor, 24 hours after a paid request they have not answered. */
export function sessionRequestReminderEmail(p: SessionRequestReminderPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const expires = emailDateTime(p.expiresAt, p.timezone, p.clock);
  const links = sessionLinks(ctx.appUrl, p.sessionId, true);
  const decline = 'Decline it (full refund for the mentee)';
  const deadline = `If you do not accept or decline it by ${expires.date}, ${expires.time}, the request expires and ${p.menteeName} gets a full refund.`;
  const footer = `You received this email because you are a mentor on CodeMentorHub (${ctx.recipient.address}).`;
  const text = [
    `Hello ${p.mentorName},`, '',
    `${p.menteeName} is still waiting for your answer to their session request.`, deadline, '',
    'Session Details:', `Date: ${date}`, `Time: ${time}`, `Duration: ${p.durationMinutes} minutes`, '',
    `Accept or decline it: ${links.view}`,
    ...sessionLinkLines(links, decline).slice(1), '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'A session request is waiting', footer,
    children: (
      <>
        <p>Hello {p.mentorName},</p>
        <p><strong>{p.menteeName}</strong> is still waiting for your answer to their session request. {deadline}</p>
        <p><strong>Session Details:</strong><br />Date: {date}<br />Time: {time}<br />Duration: {p.durationMinutes} minutes</p>
        <p><a href={links.view} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Accept or decline the request</a></p>
        <SessionLinksParagraph links={links} cancelLabel={decline} />
      </>
    ),
  });
  return { subject: 'Reminder: a session request is waiting for your answer - CodeMentorHub', text, html };
}
