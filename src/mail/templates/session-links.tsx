/**
 * The links every email about a session carries: its page (absolute, from APP_URL) and, while it
 * can still be cancelled, the page's cancel form (a GET never cancels: the form states the refund
 * first, then a POST does it).
 */
export function sessionLinks(appUrl: string, sessionId: string, cancellable: boolean) {
  const view = `${appUrl}/sessions/${sessionId}`;
  return { view, cancel: cancellable ? `${view}#cancel` : null };
}

export type SessionLinks = ReturnType<typeof sessionLinks>;

/** The plain-text lines: "View the session: …" and, when it can be, "Cancel the session: …". */
export function sessionLinkLines(links: SessionLinks, cancelLabel = 'Cancel the session'): string[] {
  return [`View the session: ${links.view}`, ...(links.cancel ? [`${cancelLabel}: ${links.cancel}`] : [])];
}

/** The same links in the HTML part. */
export function SessionLinksParagraph(props: { links: SessionLinks; cancelLabel?: string }) {
  return (
    <p>
      <a href={props.links.view}>View the session</a>
      {props.links.cancel ? <> · <a href={props.links.cancel}>{props.cancelLabel ?? 'Cancel the session'}</a></> : null}
    </p>
  );
}

/** The seed's "Session Details" block, as text lines: Date, Time (zone named), Duration, Meeting Link. */
export function sessionDetailLines(d: { date: string; time: string; durationMinutes: number; link: string }): string[] {
  return [...sessionSummaryLines(d), `Meeting Link: ${d.link}`];
}

/** "Session Details" without a meeting link: for emails about a session that has taken place. */
export function sessionSummaryLines(d: { date: string; time: string; durationMinutes: number }): string[] {
  return ['Session Details:', `Date: ${d.date}`, `Time: ${d.time}`, `Duration: ${d.durationMinutes} minutes`];
}

/** The same block in HTML. */
export function SessionSummaryBlock(props: { date: string; time: string; durationMinutes: number }) {
  return (
    <p>
      <strong>Session Details:</strong><br />
      Date: {props.date}<br />
      Time: {props.time}<br />
      Duration: {props.durationMinutes} minutes
    </p>
  );
}

/** The same block in HTML, with the join button when there is a link. */
export function SessionDetailsBlock(props: { date: string; time: string; durationMinutes: number; link: string; meetingUrl: string | null; provider?: string | null }) {
  const { meetingUrl } = props;
  return (
    <>
      <p>
        <strong>Session Details:</strong><br />
        Date: {props.date}<br />
        Time: {props.time}<br />
        Duration: {props.durationMinutes} minutes<br />
        Meeting Link: {meetingUrl ? <a href={meetingUrl}>{meetingUrl}</a> : props.link}
      </p>
      {meetingUrl ? (
        <p><a href={meetingUrl} style="display:inline-block;background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">
          {props.provider === 'google-meet' ? 'Join Google Meet' : 'Join meeting'}
        </a></p>
      ) : null}
      <p>Please join the meeting 5 minutes before the scheduled time.</p>
    </>
  );
}
