import { closing, emailDateTime } from './format';
import { renderEmailHtml } from './layout';
import { SessionSummaryBlock, sessionSummaryLines } from './session-links';
import type { RenderContext, RenderedEmail, SessionFactsPayload } from './index';

export interface SessionRecordingReadyPayload extends SessionFactsPayload {
  recordingUrl: string;
}

/**
 * "Your session recording is ready": Google published a recording after the session was completed
 * (the completion email listed those that existed then). Once per recording per participant.
 */
export function sessionRecordingReadyEmail(p: SessionRecordingReadyPayload, ctx: RenderContext): RenderedEmail {
  const { date, time } = emailDateTime(p.startsAt, p.timezone, p.clock);
  const page = `${ctx.appUrl}/sessions/${p.sessionId}`;
  const footer = `You received this email because you had a session on CodeMentorHub (${ctx.recipient.address}) that Google Meet recorded.`;
  const text = [
    `Hello ${p.recipientName},`, '',
    `The recording of your session with ${p.otherName} is ready.`, '',
    ...sessionSummaryLines({ date, time, durationMinutes: p.durationMinutes }), '',
    `Recording: ${p.recordingUrl}`,
    'It is stored in Google Drive; only the people it is shared with can open it.', '',
    `Session page: ${page}`, '',
    ...closing(footer),
  ].join('\n');
  const html = renderEmailHtml({
    title: 'Your session recording is ready', footer,
    children: (
      <>
        <p>Hello {p.recipientName},</p>
        <p>The recording of your session with <strong>{p.otherName}</strong> is ready.</p>
        <SessionSummaryBlock date={date} time={time} durationMinutes={p.durationMinutes} />
        <p><a href={p.recordingUrl}>Open the recording</a> (Google Drive; only the people it is shared with can open it)</p>
        <p><a href={page}>Session page</a></p>
      </>
    ),
  });
  return { subject: 'Your session recording is ready - CodeMentorHub', text, html };
}
