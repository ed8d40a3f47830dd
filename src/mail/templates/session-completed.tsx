import { emailDateTime, closing } from './format';
import { numberOfKind } from '../../sessions/attendance';
import { renderEmailHtml } from './layout';
import { SessionSummaryBlock, sessionSummaryLines } from './session-links';
import type { RenderContext, RenderedEmail, SessionFactsPayload } from './index';

export interface SessionCompletedPayload extends SessionFactsPayload {
  /** Google Meet recordings and transcripts that existed when the session was completed. */
  artifacts?: { kind: 'recording' | 'transcript'; url: string }[];
  /** The admin's reason for marking it completed, when one was given. */
  note?: string;
}

/** The feedback page of a session, as an absolute link for emails. */
export const feedbackUrl = (appUrl: string, sessionId: string) => `${appUrl}/sessions/${sessionId}/feedback`;
/** The mentor's private notes on a session, as an absolute link for emails. */
export const notesUrl = (appUrl: string, sessionId: string) => `${appUrl}/sessions/${sessionId}/notes`;

const ARTIFACT_WORDS = { recording: 'Recording', transcript: 'Transcript' } as const;

function artifactLines(artifacts: SessionCompletedPayload['artifacts']): string[] {
  if (!artifacts?.length) return [];
  return ['From the meeting (Google Drive; only the people they are shared with can open them):', ...artifacts.map((a, i) => `${ARTIFACT_WORDS[a.kind]} ${numberOfKind(artifacts, i)}: ${a.url}`), ''];
}

const BUTTON = 'display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none';

/**
 * "Thanks for your session": sent to both participants when an admin marks a session completed.
 * The mentee's invites a rating (the feedback page); the mentor's points to their private notes.
 */
export function sessionCompletedEmail(p: SessionCompletedPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const mentee = p.role === 'mentee';
  const action = mentee ? feedbackUrl(ctx.appUrl, p.sessionId) : notesUrl(ctx.appUrl, p.sessionId);
  const dashboard = `${ctx.appUrl}${mentee ? '/dashboard' : '/mentor/dashboard'}`;
  const footer = `You received this email because you had a session on CodeMentorHub (${ctx.recipient.address}) that was marked completed.`;
  const ask = mentee
    ? 'How did it go? Rate the session and, if you like, leave a comment for other mentees. It takes a minute.'
    : 'You can keep private notes on this session for your next meeting. Only you can see them.';
  const actionLabel = mentee ? 'Rate your session' : 'Private notes';
  const text = [
    `Hello ${p.recipientName},`, '',
    `Thanks for your session with ${p.otherName}. It has been marked completed.`, '',
    ...(p.note ? [`A note from the CodeMentorHub team: ${p.note}`, ''] : []),
    ...sessionSummaryLines({ date, time, durationMinutes: p.durationMinutes }), '',
    ask, `${actionLabel}: ${action}`, '',
    ...(mentee ? ['You can change your rating for 7 days after you first submit it.', ''] : []),
    ...artifactLines(p.artifacts), `Your sessions: ${dashboard}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Thanks for your session', footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>Thanks for your session with <strong>{p.otherName}</strong>. It has been marked completed.</p>
        {p.note ? <p style={{ whiteSpace: 'pre-line' }}>A note from the CodeMentorHub team: {p.note}</p> : null}
        <SessionSummaryBlock date={date} time={time} durationMinutes={p.durationMinutes} />
        <p>{ask}</p>
        <p><a href={action} style={BUTTON}>{actionLabel}</a></p>
        <p style="font-size:13px;color:#52606d">Or open this link: <a href={action}>{action}</a></p>
        {mentee ? <p>You can change your rating for 7 days after you first submit it.</p> : null}
        {p.artifacts?.length ? (
          <p>From the meeting (Google Drive; only the people they are shared with can open them):<br />
            {p.artifacts.map((a, i) => <span key={a.url}><a href={a.url}>{ARTIFACT_WORDS[a.kind]} {numberOfKind(p.artifacts ?? [], i)}</a><br /></span>)}
          </p>
        ) : null}
        <p><a href={dashboard}>Your sessions</a></p>
      </>
    ),
  });
  return { subject: 'Thanks for your session - CodeMentorHub', text, html };
}
