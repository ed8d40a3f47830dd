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
