import type { SessionStatus } from '../db/schema';
import { Csrf } from '../web/layout';
import { CANCELLATION_RULE } from './refund-policy';
import type { SessionRow } from './queries';
import { glyph } from '../web/glyph';
import { html } from '../web/html';

export const STATUS_LABEL: Record<SessionStatus, string> = {
  awaiting_payment: 'Awaiting payment',
  pending: 'Pending',
  confirmed: 'Confirmed',
  completed: 'Completed',
  declined: 'Declined',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

/** A session's status as a badge. An html`` template: it is on every row of the busiest lists (and may be called as a function there). */
export function StatusBadge(props: { status: SessionStatus }) {
  return html`<span class="badge badge-status-${props.status}">${STATUS_LABEL[props.status]}${props.status === 'confirmed' ? html` ${glyph('✓')}` : ''}</span>`;
}

/** Links exist only for confirmed and completed sessions; before that, nothing is shown anywhere. */
export const hasMeetingStage = (s: Pick<SessionRow, 'status'>) => s.status === 'confirmed' || s.status === 'completed';

/**
 * The seed's "prominent blue box" for a confirmed session: a big join button and the URL as selectable
 * text with a copy control. A completed session shows only the URL, as text.
 */
export const JOIN_ADVICE = 'Please join 5 minutes before the start. The meeting opens in a new tab.';

/**
 * In a list (`inList`) the advice to join early is said once above the list, not in every box. An
 * html`` template (and a plain function), as it is in every confirmed card of the dashboards.
 */
export function JoinBox(props: { s: SessionRow; inList?: boolean }) {
  const { s } = props;
  if (!hasMeetingStage(s)) return null;
  if (!s.meetingUrl) {
    // A finished session that never had a room has nothing to join or wait for.
    if (s.status === 'completed') return null;
    return html`<div class="join-box join-waiting" role="status">${s.meetingProvider === 'none'
      ? 'Video meetings are not set up on this site: the mentor will share the meeting details with you.'
      : 'Meeting link being prepared. It will appear here and arrive by email in a moment.'}</div>`;
  }
  // Once it took place the link is a record, not a call to action: the URL as small text, nothing to join or add to a calendar.
  if (s.status === 'completed') {
    return html`<p class="session-note small past-link"><span class="muted">Meeting link:</span> <code class="past-url">${s.meetingUrl}</code></p>`;
  }
  const label = s.meetingProvider === 'google-meet' ? 'Join Google Meet' : 'Join meeting';
  return html`<div class="join-box"><a class="btn btn-large btn-join" href="/sessions/${s.id}/join" target="_blank" rel="noopener"><span aria-hidden="true">${glyph('📹')} </span>${label}</a><p class="join-url-row"><code class="join-url">${s.meetingUrl}</code><button type="button" class="btn btn-small btn-quiet" data-copy hidden>Copy link</button></p>${props.inList ? null : html`<p class="small">${JOIN_ADVICE}</p>`}<p class="small"><a href="/sessions/${s.id}/calendar.ics" download>Add to calendar (.ics)</a></p></div>`;
}

function ActionButton(props: { csrf: string; action: string; label: string; status?: string; quiet?: boolean }) {
  return (
    <form method="post" action={props.action} class="inline">
      <Csrf token={props.csrf} />
      {props.status ? <input type="hidden" name="status" value={props.status} /> : null}
      <button type="submit" class={props.quiet ? 'btn btn-small btn-quiet' : 'btn btn-small'}>{props.label}</button>
    </form>
  );
}
export { ActionButton };

/** A button that opens a step page (a GET form, so it stays a button and works without JavaScript). */
export function StepButton(props: { action: string; label: string; params?: Record<string, string | undefined>; quiet?: boolean; describedBy?: string }) {
  return (
    <form method="get" action={props.action} class="inline">
      {Object.entries(props.params ?? {}).filter(([, v]) => v).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <button type="submit" class={props.quiet ? 'btn btn-small btn-quiet' : 'btn btn-small'} aria-describedby={props.describedBy}>{props.label}</button>
    </form>
  );
}

/** The cancellation rule, stated before the mentee pays. */
export function CancellationRule() {
  return <p class="muted small" id="cancellation-rule"><strong>Cancellation:</strong> {CANCELLATION_RULE}</p>;
}
