import { emailDateTime, closing } from './format';
import { sessionInvite } from './invite';
import { renderEmailHtml } from './layout';
import { sessionLinkLines, sessionLinks, SessionLinksParagraph, SessionDetailsBlock, sessionDetailLines } from './session-links';
import type { RenderContext, RenderedEmail, SessionFactsPayload } from './index';
import type { MeetingProviderName } from '../../meetings/provider';

export interface SessionConfirmedPayload extends SessionFactsPayload {
  /** Null when the meeting integration is off: the mentor shares the details. */
  meetingUrl: string | null;
  provider: MeetingProviderName;
  attendees: { name: string; email: string }[];
  /** The invite's SEQUENCE: above 0 after a move, so calendars update the entry in place. */
  sequence?: number;
  /** The admin's reason for confirming, when one was given. */
  note?: string;
}

/** The seed's "Email Examples", with times in the recipient's zone and a real link. */
export function sessionConfirmedEmail(p: SessionConfirmedPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const updated = (p.sequence ?? 0) > 0;
  const dashboard = `${ctx.appUrl}${p.role === 'mentor' ? '/mentor/dashboard' : '/dashboard'}`;
  const links = sessionLinks(ctx.appUrl, p.sessionId, true);
  const link = p.meetingUrl ?? 'The mentor will share the meeting details with you before the session.';
  const footer = `You received this email because you have a session on CodeMentorHub (${ctx.recipient.address}).`;
  const text = [
    `Hello ${p.recipientName},`, '',
    `Your session with ${p.otherName} has been confirmed${updated ? ' at its new time' : ''}!`, '',
    ...(p.note ? [`A note from the CodeMentorHub team: ${p.note}`, ''] : []),
    ...sessionDetailLines({ date, time, durationMinutes: p.durationMinutes, link }), '',
    'Please join the meeting 5 minutes before the scheduled time.', '',
    ...sessionLinkLines(links),
    `Your sessions: ${dashboard}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Session Confirmed', footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>Your session with <strong>{p.otherName}</strong> has been confirmed{updated ? ' at its new time' : ''}!</p>
        {p.note ? <p style={{ whiteSpace: 'pre-line' }}>A note from the CodeMentorHub team: {p.note}</p> : null}
        <SessionDetailsBlock date={date} time={time} durationMinutes={p.durationMinutes} link={link} meetingUrl={p.meetingUrl} provider={p.provider} />
        <SessionLinksParagraph links={links} />
        <p><a href={dashboard}>Your sessions</a></p>
      </>
    ),
  });
  const invite = sessionInvite({
    sessionId: p.sessionId, appUrl: ctx.appUrl, organizer: { name: ctx.from.name || 'CodeMentorHub', email: ctx.from.address },
    method: 'REQUEST', sequence: p.sequence ?? 0, start: new Date(p.startsAt), durationMinutes: p.durationMinutes,
    summary: `CodeMentorHub session with ${p.otherName}`,
    description: `CodeMentorHub session with ${p.otherName}.\nMeeting Link: ${link}\nPlease join the meeting 5 minutes before the scheduled time.`,
    meetingUrl: p.meetingUrl, attendees: p.attendees,
  });
  return { subject: 'Session Confirmed - CodeMentorHub', text, html, icalEvent: { method: 'REQUEST', content: invite } };
}
