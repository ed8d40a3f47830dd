import { emailDateTime, money, closing } from './format';
import { sessionInvite } from './invite';
import { renderEmailHtml } from './layout';
import { sessionLinkLines, sessionLinks, SessionLinksParagraph } from './session-links';
import type { RenderContext, RenderedEmail, SessionFactsPayload } from './index';

export interface SessionCancelledPayload extends SessionFactsPayload {
  /** How the session ended: cancelled by someone, declined by the mentor, or expired unanswered. */
  kind: 'cancelled' | 'declined' | 'expired';
  mentorName: string;
  menteeName: string;
  /** Who did it, as the recipient sees it; null when nobody did (an unanswered request expired). */
  by: 'self' | 'other' | 'admin' | null;
  /** The refund rule's outcome (src/sessions/refund-policy.ts). */
  refund: 'full' | 'none';
  paid: boolean;
  /** Why, in the words of whoever cancelled or declined; absent in emails queued before reasons existed. */
  reason?: string | null;
  amountCents: number;
  currency: string;
  /** Set when this recipient was sent the confirmation's calendar invite: the CANCEL that removes it. */
  invite: { meetingUrl: string | null; attendees: { name: string; email: string }[]; sequence?: number } | null;
}

const SUBJECT: Record<SessionCancelledPayload['kind'], string> = {
  cancelled: 'Session Cancelled - CodeMentorHub',
  declined: 'Session Declined - CodeMentorHub',
  expired: 'Session Request Expired - CodeMentorHub',
};

/** "You cancelled…", "Ada cancelled…", "The request expired…": who ended it, from the recipient's side. */
function whatHappened(p: SessionCancelledPayload): string {
  const withOther = `your session with ${p.otherName}`;
  switch (p.kind) {
    case 'cancelled':
      if (p.by === 'self') return `You cancelled ${withOther}.`;
      if (p.by === 'admin') return `A CodeMentorHub administrator cancelled ${withOther}.`;
      return `${p.otherName} (the ${p.role === 'mentee' ? 'mentor' : 'mentee'}) cancelled your session.`;
    case 'declined':
      if (p.by === 'admin') return `A CodeMentorHub administrator declined the session request between ${p.menteeName} and ${p.mentorName}.`;
      return p.role === 'mentor' ? `You declined the session request from ${p.menteeName}.` : `${p.mentorName} (the mentor) declined your session request.`;
    case 'expired':
      return p.role === 'mentor'
        ? `You did not accept or decline the session request from ${p.menteeName} in time, so it has expired.`
        : `${p.mentorName} (the mentor) did not answer your session request in time, so it has expired.`;
  }
}

/** The refund outcome in one line, and a sentence saying what it means for the recipient. */
function refundWords(p: SessionCancelledPayload): { line: string; sentence: string } {
  const amount = money(p.amountCents, p.currency);
  if (!p.paid) return { line: 'Refund: nothing was charged', sentence: 'Nothing was charged, so there is nothing to refund.' };
  if (p.refund === 'full') {
    return {
      line: `Refund: full refund (${amount})`,
      sentence: p.role === 'mentee'
        ? `You get a full refund of ${amount}; it should reach you within 5-10 business days.`
        : `${p.menteeName} gets a full refund of ${amount}.`,
    };
  }
  return {
    line: 'Refund: no refund',
    sentence: p.role === 'mentee'
      ? `No refund is due: the session was cancelled less than 24 hours before the start, so the ${amount} is not returned.`
      : `No refund is due: ${p.menteeName} cancelled less than 24 hours before the start.`,
  };
}

/** To both participants when a session is cancelled, declined or expires unanswered. */
export function sessionCancelledEmail(p: SessionCancelledPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const links = sessionLinks(ctx.appUrl, p.sessionId, false);
  const happened = whatHappened(p);
  const refund = refundWords(p);
  const footer = `You received this email because you had a session on CodeMentorHub (${ctx.recipient.address}).`;
  const findMentor = p.role === 'mentee' ? [`Find another time or mentor: ${ctx.appUrl}/mentors`, ''] : [];
  const text = [
    `Hello ${p.recipientName},`, '',
    happened, '',
    ...(p.reason ? [`Reason: ${p.reason}`, ''] : []),
    'Session Details:', `Date: ${date}`, `Time: ${time}`, `Duration: ${p.durationMinutes} minutes`, refund.line, '',
    refund.sentence, '',
    ...findMentor,
    ...sessionLinkLines(links), '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: SUBJECT[p.kind].replace(' - CodeMentorHub', ''), footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>{happened}</p>
        {p.reason ? <p style={{ whiteSpace: 'pre-line' }}>Reason: {p.reason}</p> : null}
        <p>
          <strong>Session Details:</strong><br />
          Date: {date}<br />
          Time: {time}<br />
          Duration: {p.durationMinutes} minutes<br />
          {refund.line}
        </p>
        <p>{refund.sentence}</p>
        {p.role === 'mentee' ? <p><a href={`${ctx.appUrl}/mentors`}>Find another time or mentor</a></p> : null}
        <SessionLinksParagraph links={links} />
      </>
    ),
  });
  if (!p.invite) return { subject: SUBJECT[p.kind], text, html };
  // The same UID as the confirmation's invite, a higher SEQUENCE: calendars remove that entry.
  const invite = sessionInvite({
    sessionId: p.sessionId, appUrl: ctx.appUrl, organizer: { name: ctx.from.name || 'CodeMentorHub', email: ctx.from.address },
    method: 'CANCEL', sequence: p.invite.sequence ?? 1, start: new Date(p.startsAt), durationMinutes: p.durationMinutes,
    summary: `CodeMentorHub session with ${p.otherName}`,
    description: `${happened}\n${refund.line}`,
    meetingUrl: p.invite.meetingUrl, attendees: p.invite.attendees,
  });
  return { subject: SUBJECT[p.kind], text, html, icalEvent: { method: 'CANCEL', content: invite } };
}
