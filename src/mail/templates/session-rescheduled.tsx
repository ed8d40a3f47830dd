import type { MeetingProviderName } from '../../meetings/provider';
import { closing, emailDateTime } from './format';
import { sessionInvite } from './invite';
import { renderEmailHtml } from './layout';
import { sessionLinkLines, sessionLinks, SessionLinksParagraph } from './session-links';
import type { RenderContext, RenderedEmail, SessionFactsPayload } from './index';

/** `startsAt` is the new start. */
export interface SessionReschedulePayload extends SessionFactsPayload {
  previousStartsAt: string;
  /** Who moved it, as the recipient sees it. */
  by: 'self' | 'other' | 'admin';
  /** pending: the new time waits for the mentor's answer. */
  status: 'pending' | 'confirmed';
  meetingUrl: string | null;
  provider: MeetingProviderName | null;
  /** Set when this recipient has the session's invite in their calendar: the same UID at the new time. */
  invite: { sequence: number; attendees: { name: string; email: string }[] } | null;
}

function whoMoved(p: SessionReschedulePayload): string {
  if (p.by === 'self') return `You moved your session with ${p.otherName}.`;
  if (p.by === 'admin') return `CodeMentorHub moved your session with ${p.otherName}.`;
  return `${p.otherName} moved your session to a new time.`;
}

function nextStep(p: SessionReschedulePayload): string {
  if (p.status === 'confirmed') return 'The session is confirmed at the new time. The meeting link stays the same.';
  if (p.role === 'mentor') return 'Please accept the new time or decline it from your dashboard. If you decline, the mentee is refunded in full.';
  return `${p.otherName} will accept the new time or decline it (then you get a full refund); you will hear from us either way.`;
}

/** "Session Rescheduled - CodeMentorHub": old and new time in the recipient's zone, and the invite moved in place. */
export function sessionRescheduledEmail(p: SessionReschedulePayload, ctx: RenderContext): RenderedEmail {
  const now = emailDateTime(p.startsAt, p.timezone, p.clock);
  const before = emailDateTime(p.previousStartsAt, p.timezone, p.clock);
  const dashboard = `${ctx.appUrl}${p.role === 'mentor' ? '/mentor/dashboard' : '/dashboard'}`;
  const links = sessionLinks(ctx.appUrl, p.sessionId, true);
  const footer = `You received this email because you have a session on CodeMentorHub (${ctx.recipient.address}).`;
  const text = [
    `Hello ${p.recipientName},`, '',
    whoMoved(p), '',
    `Old time: ${before.date} ${before.time}`,
    `New time: ${now.date} ${now.time}`,
    `Duration: ${p.durationMinutes} minutes`,
    ...(p.meetingUrl ? [`Meeting Link: ${p.meetingUrl}`] : []), '',
    nextStep(p), '',
    ...sessionLinkLines(links),
    `Your sessions: ${dashboard}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Session Rescheduled', footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>{whoMoved(p)}</p>
        <p>
          Old time: <s>{before.date} {before.time}</s><br />
          New time: <strong>{now.date} {now.time}</strong><br />
          Duration: {p.durationMinutes} minutes
          {p.meetingUrl ? <><br />Meeting Link: <a href={p.meetingUrl}>{p.meetingUrl}</a></> : null}
        </p>
        <p>{nextStep(p)}</p>
        <SessionLinksParagraph links={links} />
        <p><a href={dashboard}>Your sessions</a></p>
      </>
    ),
  });
  const subject = 'Session Rescheduled - CodeMentorHub';
  if (!p.invite) return { subject, text, html };
  const invite = sessionInvite({
    sessionId: p.sessionId, appUrl: ctx.appUrl, organizer: { name: ctx.from.name || 'CodeMentorHub', email: ctx.from.address },
    method: 'REQUEST', sequence: p.invite.sequence, start: new Date(p.startsAt), durationMinutes: p.durationMinutes,
    summary: `CodeMentorHub session with ${p.otherName}`,
    description: `CodeMentorHub session with ${p.otherName}.\n${whoMoved(p)}\n${p.meetingUrl ? `Meeting Link: ${p.meetingUrl}` : ''}`,
    meetingUrl: p.meetingUrl, attendees: p.invite.attendees,
  });
  return { subject, text, html, icalEvent: { method: 'REQUEST', content: invite } };
}
