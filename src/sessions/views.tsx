import type { SessionStatus } from '../db/schema';
import { formatMoney } from '../mentors/directory';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';
import type { SessionRow } from './queries';

export const STATUS_LABEL: Record<SessionStatus, string> = {
  awaiting_payment: 'Awaiting payment',
  pending: 'Pending',
  confirmed: 'Confirmed',
  completed: 'Completed',
  declined: 'Declined',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

export function StatusBadge(props: { status: SessionStatus }) {
  return <span class={`badge badge-status-${props.status}`}>{STATUS_LABEL[props.status]}{props.status === 'confirmed' ? ' ✓' : ''}</span>;
}

/** Links exist only for confirmed and completed sessions; before that, nothing is shown anywhere. */
export const hasMeetingStage = (s: SessionRow) => s.status === 'confirmed' || s.status === 'completed';

/** The seed's "prominent blue box": a big join button and the URL as selectable text with a copy control. */
export function JoinBox(props: { s: SessionRow }) {
  const { s } = props;
  if (!hasMeetingStage(s)) return null;
  if (!s.meetingUrl) {
    return (
      <div class="join-box join-waiting" role="status">
        {s.meetingProvider === 'none'
          ? 'Video meetings are not set up on this site: the mentor will share the meeting details with you.'
          : 'Meeting link being prepared. It will appear here and arrive by email in a moment.'}
      </div>
    );
  }
  const label = s.meetingProvider === 'google-meet' ? 'Join Google Meet' : 'Join meeting';
  const urlId = `meeting-url-${s.id}`;
  return (
    <div class="join-box">
      <a class="btn btn-large btn-join" href={`/sessions/${s.id}/join`} target="_blank" rel="noopener">
        <span aria-hidden="true">📹 </span>{label}
      </a>
      <p class="join-url-row">
        <code class="join-url" id={urlId}>{s.meetingUrl}</code>
        <button type="button" class="btn btn-small btn-quiet" data-copy={`#${urlId}`} hidden>Copy link</button>
      </p>
      {s.status === 'confirmed' ? <p class="small">Please join 5 minutes before the start. The meeting opens in a new tab.</p> : null}
    </div>
  );
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

export function AdminSessionsPage(props: { ctx: PageContext; rows: SessionRow[]; status?: string }) {
  const tz = props.ctx.user!.timezone;
  const statuses = ['all', 'pending', 'confirmed', 'completed', 'awaiting_payment', 'cancelled', 'declined', 'expired'];
  return (
    <Layout ctx={props.ctx} title="Sessions" wide>
      <h1>Sessions</h1>
      <nav aria-label="Filter by status" class="filters">
        {statuses.map((st) => {
          const current = (props.status ?? 'all') === st;
          return <a key={st} href={st === 'all' ? '/admin/sessions' : `/admin/sessions?status=${st}`} aria-current={current ? 'page' : undefined}>{st === 'all' ? 'All' : STATUS_LABEL[st as SessionStatus]}</a>;
        })}
      </nav>
      {props.rows.length === 0 ? <p class="card empty">No sessions.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Sessions, latest start first. Times in {tz}.</caption>
            <thead>
              <tr>
                <th scope="col">Mentor</th><th scope="col">Mentee</th><th scope="col">Date</th><th scope="col">Duration</th>
                <th scope="col">Status</th><th scope="col">Payment</th><th scope="col">Meeting Link</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((s) => (
                <tr key={s.id}>
                  <td>{s.mentorName}</td>
                  <td>{s.menteeName}</td>
                  <td>{formatDateTime(s.startsAt, tz)}</td>
                  <td>{s.durationMinutes} min</td>
                  <td><StatusBadge status={s.status} /></td>
                  <td>{formatMoney(s.priceCents, s.currency)}{s.status === 'awaiting_payment' ? ' (unpaid)' : ''}</td>
                  <td>
                    {hasMeetingStage(s) && s.meetingUrl ? (
                      <a href={`/sessions/${s.id}/join`} target="_blank" rel="noopener"><span aria-hidden="true">📹 </span>Join Meeting</a>
                    ) : hasMeetingStage(s) ? (
                      <span class="muted small">{s.meetingProvider === 'none' ? 'No video link' : 'Being prepared'}</span>
                    ) : null}
                  </td>
                  <td class="actions">
                    {s.status === 'pending' ? <ActionButton csrf={props.ctx.csrf} action={`/admin/sessions/${s.id}/set-status/`} status="confirmed" label="Confirm" /> : null}
                    {s.status === 'confirmed' ? <ActionButton csrf={props.ctx.csrf} action={`/admin/sessions/${s.id}/set-status/`} status="completed" label="Mark completed" /> : null}
                    {s.status === 'pending' || s.status === 'confirmed' ? <ActionButton csrf={props.ctx.csrf} action={`/admin/sessions/${s.id}/set-status/`} status="cancelled" label="Cancel" quiet /> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
