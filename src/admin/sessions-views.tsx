import { mayReschedule } from '../sessions/refund-policy';
import type { SessionStatus } from '../db/schema';
import { formatMoney } from '../web/money';
import { bothAttended, type Attendance } from '../sessions/attendance';
import { AttendanceCard } from '../sessions/attendance-views';
import type { SessionSummary } from '../sessions/queries';
import { ActionButton, hasMeetingStage, STATUS_LABEL, StatusBadge, StepButton } from '../sessions/views';
import type { PageContext } from '../web/context';
import { Field } from '../web/forms';
import { Layout } from '../web/layout';
import { formatDateTime } from '../web/time';
import { PROBLEM_WORDS, Received } from './payments-views';
import type { loadSessionDetail } from './sessions-queries';
import { glyph } from '../web/glyph';
import { html, type Rendered } from '../web/html';

const STATUSES = ['pending', 'confirmed', 'completed', 'awaiting_payment', 'cancelled', 'declined', 'expired'] as const;

export interface ListQuery {
  status?: string; mentor?: string; mentee?: string; from?: string; to?: string; q?: string; before?: string;
}

function href(query: ListQuery, change: Partial<ListQuery>): string {
  const merged = { ...query, ...change };
  const params = new URLSearchParams(Object.entries(merged).filter(([, v]) => v) as [string, string][]);
  const s = params.toString();
  return s ? `/admin/sessions?${s}` : '/admin/sessions';
}

/**
 * One row of the list: an html`` template rather than JSX, as this page renders fifty of them on
 * every request (src/web/html.ts says why). Its step buttons each open their confirmation page,
 * which comes back to this same filtered list.
 */
export function sessionRow(s: SessionSummary, tz: string) {
  const step = (status: string, label: string, quiet?: boolean) =>
    html`<button type="submit" form="step" formaction="/admin/sessions/${s.id}/set-status/" name="status" value="${status}" class="${quiet ? 'btn btn-small btn-quiet' : 'btn btn-small'}">${label}</button>`;
  return html`<tr><td><a href="?mentor=${s.mentorId}">${s.mentorName}</a></td><td><a href="?mentee=${s.menteeId}">${s.menteeName}</a></td><td><a href="/admin/sessions/${s.id}">${formatDateTime(s.startsAt, tz)}</a></td><td>${s.durationMinutes} min</td><td>${StatusBadge({ status: s.status })}</td><td>${formatMoney(s.priceCents, s.currency)}${s.status === 'awaiting_payment' ? ' (unpaid)' : ''}</td><td>${meetingLink(s)}</td><td class="actions">${[
    s.status === 'pending' ? step('confirmed', 'Confirm') : null,
    s.status === 'confirmed' ? step('completed', 'Mark completed') : null,
    s.status === 'pending' || s.status === 'confirmed' ? step('cancelled', 'Cancel', true) : null,
  ]}</td></tr>`;
}

/** A status tab with its count: an html`` template, as the page renders eight on every request. */
function statusLink(to: string, current: boolean, label: string, count: number) {
  return current
    ? html`<a href="${to}" aria-current="page">${label} <span class="count">${count}</span></a>`
    : html`<a href="${to}">${label} <span class="count">${count}</span></a>`;
}

function meetingLink(s: SessionSummary) {
  if (hasMeetingStage(s) && s.meetingUrl) return html`<a href="/sessions/${s.id}/join" target="_blank" rel="noopener"><span aria-hidden="true">${glyph('📹')} </span>Join Meeting</a>`;
  // A completed session without a room never had one: nothing is being prepared any more.
  if (hasMeetingStage(s)) return html`<span class="muted small">${s.meetingProvider === 'none' || s.status === 'completed' ? 'No video link' : 'Being prepared'}</span>`;
  return null;
}

export function AdminSessionsPage(props: {
  ctx: PageContext; rows: Rendered; rowCount: number; query: ListQuery; next: string | null; counts: Record<string, number>; countsCachedAt: number | null;
}) {
  const { query } = props;
  const tz = props.ctx.user!.timezone;
  const total = Object.values(props.counts).reduce((a, b) => a + b, 0);
  const filtered = Boolean(query.mentor || query.mentee || query.from || query.to || query.q);
  const back = href(query, {});
  return (
    <Layout ctx={props.ctx} title="Sessions" wide>
      <h1>Sessions</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new */}
      <form method="get" action="/admin/sessions" class="search filters-form" role="search">
        <Field id="q" name="q" label="Name or email" type="search" value={query.q} />
        <Field id="from" name="from" label="Starting from" type="date" value={query.from} />
        <Field id="to" name="to" label="Up to" type="date" value={query.to} />
        {query.status ? <input type="hidden" name="status" value={query.status} /> : null}
        {query.mentor ? <input type="hidden" name="mentor" value={query.mentor} /> : null}
        {query.mentee ? <input type="hidden" name="mentee" value={query.mentee} /> : null}
        <button type="submit" class="btn">Filter</button>
        {filtered || query.status ? <a href="/admin/sessions">Clear filters</a> : null}
      </form>
      <nav aria-label="Filter by status" class="filters">
        {statusLink(href(query, { status: undefined, before: undefined }), !query.status, 'All', total)}
        {STATUSES.map((st) => statusLink(href(query, { status: st, before: undefined }), query.status === st, STATUS_LABEL[st as SessionStatus], props.counts[st] ?? 0))}
      </nav>
      {props.countsCachedAt ? <p class="muted small">Counts as of {formatDateTime(new Date(props.countsCachedAt), tz)}.</p> : null}
      {/* The rows' step buttons submit this one form (each with its own formaction), so a row carries
          two buttons rather than two forms: the page stays well under 64 KB (see bench/RESULTS.md). */}
      <form id="step" method="get" action="/admin/sessions">
        {back === '/admin/sessions' ? null : <input type="hidden" name="back" value={back} />}
      </form>
      {props.rowCount === 0 ? <p class="card empty">No sessions match.</p> : (
        <div class="table-wrap table-wrap-cards">
          <table class="table-cards sessions-cards">
            <caption class="sr-only">Sessions, latest start first. Times in {tz}.</caption>
            <thead>
              <tr>
                <th scope="col">Mentor</th><th scope="col">Mentee</th><th scope="col">Date</th><th scope="col">Duration</th>
                <th scope="col">Status</th><th scope="col">Payment</th><th scope="col">Meeting Link</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>{props.rows.node()}</tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" class="week-nav">
        {query.before ? <a href={href(query, { before: undefined })}>{glyph('←')} First page</a> : <span />}
        {props.next ? <a href={href(query, { before: props.next })}>Next page {glyph('→')}</a> : <span />}
      </nav>
    </Layout>
  );
}

type Detail = NonNullable<Awaited<ReturnType<typeof loadSessionDetail>>>;

const ROOM_WORDS = { made: 'Created', pending: 'Pending', failed: 'Failed', none: 'None' } as const;

/** The room at its provider: ids, the room job's state, its last error and next retry, and "Retry now". */
function RoomState(props: { room: Detail['room']; csrf: string; sessionId: string; t: (d: Date | null | undefined) => string }) {
  const { room, t } = props;
  if (!room || (room.state === 'none' && !room.externalId)) return null;
  return (
    <section aria-labelledby="room">
      <h2 id="room">Meeting room</h2>
      <dl class="meta">
        <dt>Provider</dt><dd>{room.provider ?? '—'}</dd>
        <dt>State</dt><dd><span class={`badge badge-room-${room.state}`}>{ROOM_WORDS[room.state]}</span>
          {room.job && room.state !== 'made' ? <span class="muted small"> · {room.job.attempts} of {room.job.retryLimit + 1} attempts</span> : null}</dd>
        {room.externalId ? <><dt>{room.provider === 'google-meet' ? 'Calendar event' : 'Room'}</dt><dd><code>{room.externalId}</code></dd></> : null}
        {room.conferenceId ? <><dt>Conference</dt><dd><code>{room.conferenceId}</code></dd></> : null}
        {room.meetingCode ? <><dt>Meeting code</dt><dd><code>{room.meetingCode}</code></dd></> : null}
        {room.lastError ? <><dt>Last error</dt><dd class="error-text">{room.lastError}</dd></> : null}
        {room.state === 'pending' && room.job?.nextRunAt ? <><dt>Next attempt</dt><dd>{t(room.job.nextRunAt)}</dd></> : null}
      </dl>
      {room.state === 'pending' || room.state === 'failed' ? (
        <ActionButton csrf={props.csrf} action={`/admin/sessions/${props.sessionId}/retry-room`} label="Retry now" />
      ) : null}
    </section>
  );
}

export function AdminSessionDetail(props: { ctx: PageContext; detail: Detail; attendance?: Attendance | null }) {
  const { session: s, raw, room, audit, refunds, emails, accesses, problems } = props.detail;
  const tz = props.ctx.user!.timezone;
  const t = (d: Date | null | undefined) => (d ? formatDateTime(d, tz) : '—');
  const here = `/admin/sessions/${s.id}`;
  return (
    <Layout ctx={props.ctx} title="Session" wide>
      <p><a href="/admin/sessions">← All sessions</a></p>
      <h1>{s.mentorName} with {s.menteeName}</h1>
      <section class="card">
        <dl class="meta">
          <dt>Status</dt><dd><StatusBadge status={s.status} /></dd>
          <dt>When</dt><dd>{t(s.startsAt)} · {s.durationMinutes} minutes</dd>
          <dt>Mentor</dt><dd><a href={`/admin/sessions?mentor=${s.mentorId}`}>{s.mentorName}</a></dd>
          <dt>Mentee</dt><dd><a href={`/admin/sessions?mentee=${s.menteeId}`}>{s.menteeName}</a></dd>
          <dt>Meeting Link</dt><dd>{meetingLink(s)}{raw.meetingLastError ? <span class="error-text"> Last error: {raw.meetingLastError}</span> : null}</dd>
        </dl>
        <div class="session-actions">
          {s.status === 'pending' ? <StepButton action={`/admin/sessions/${s.id}/set-status/`} params={{ status: 'confirmed', back: here }} label="Confirm" /> : null}
          {s.status === 'confirmed' ? <StepButton action={`/admin/sessions/${s.id}/set-status/`} params={{ status: 'completed', back: here }} label="Mark completed" /> : null}
          {s.status === 'awaiting_payment' ? <ActionButton csrf={props.ctx.csrf} action={`/admin/sessions/${s.id}/release`} label="Release hold" quiet /> : null}
          {mayReschedule({ by: 'admin', status: s.status, startsAt: s.startsAt, now: new Date(), menteeMoves: 0 })
            ? <a class="btn btn-small btn-quiet" href={`/sessions/${s.id}/reschedule`}>Reschedule</a> : null}
          {s.status === 'pending' || s.status === 'confirmed' ? <StepButton action={`/admin/sessions/${s.id}/set-status/`} params={{ status: 'cancelled', back: here }} label="Cancel" quiet /> : null}
        </div>
        {s.status === 'confirmed' && bothAttended(props.attendance ?? null) ? (
          <p class="session-note" role="note">Both took part in the meeting (Google Meet's records): you can mark this session completed.</p>
        ) : null}
      </section>
      <RoomState room={room} csrf={props.ctx.csrf} sessionId={s.id} t={t} />
      {props.attendance?.kind === 'meet-records' ? <AttendanceCard a={props.attendance} zone={tz} admin /> : null}
      <section aria-labelledby="payment">
        <h2 id="payment">Payment</h2>
        <dl class="meta">
          <dt>Price</dt><dd>{formatMoney(s.priceCents, s.currency)}</dd>
          <dt>Provider</dt><dd>{raw.paymentProvider}</dd>
          <dt>Paid</dt><dd>{t(raw.paidAt)}{raw.paymentRef ? <> · <code>{raw.paymentRef}</code></> : null}</dd>
          <dt>Refund</dt><dd>{refunds.length === 0 ? 'None' : (
            <ul>{refunds.map((r) => (
              <li key={r.id}>{formatMoney(r.amountCents, r.currency)}, {r.status}{r.providerRef ? ` (${r.providerRef})` : ''} — {r.reason} <code>{r.paymentRef}</code></li>
            ))}</ul>
          )}</dd>
        </dl>
        {problems.length ? (
          <div class="session-note" role="note">
            <p><strong>Refused payments.</strong> These did not match this booking; nothing changed and each is refunded.</p>
            <ul>{problems.map((p) => (
              <li key={p.id}>{t(p.createdAt)}: {PROBLEM_WORDS[p.reason]} — <Received p={p} /> · <code>{p.paymentRef}</code></li>
            ))}</ul>
            <p><a href="/admin/payments">All payment problems</a></p>
          </div>
        ) : null}
      </section>
      <section aria-labelledby="audit">
        <h2 id="audit">Audit trail</h2>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">From</th></tr></thead>
          <tbody>{audit.map((a, i) => (
            <tr key={i}><td>{t(a.createdAt)}</td><td>{a.action}{a.data && (a.data as { from?: string }).from ? ` (${(a.data as { from?: string }).from} → ${(a.data as { to?: string }).to})` : ''}{a.data && typeof (a.data as { reason?: unknown }).reason === 'string' ? ` — ${(a.data as { reason: string }).reason}` : ''}</td><td>{a.actorName ? `${a.actorName} (${a.actorRole})` : 'system'}</td><td>{a.ip ?? ''}</td></tr>
          ))}</tbody>
        </table></div>
      </section>
      <section aria-labelledby="emails">
        <h2 id="emails">Emails</h2>
        {emails.length === 0 ? <p class="muted">None.</p> : (
          <div class="table-wrap"><table>
            <thead><tr><th scope="col">Queued</th><th scope="col">Email</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Sent</th></tr></thead>
            <tbody>{emails.map((e) => (
              <tr key={e.id}><td>{t(e.createdAt)}</td><td>{e.template}</td><td>{e.toAddress}</td><td><span class={`badge badge-${e.status}`}>{e.status}</span></td><td>{t(e.sentAt)}</td></tr>
            ))}</tbody>
          </table></div>
        )}
      </section>
      <section aria-labelledby="accesses">
        <h2 id="accesses">Meeting link opened</h2>
        {accesses.length === 0 ? <p class="muted">Not yet.</p> : (
          <ul>{accesses.map((a, i) => <li key={i}>{a.name} ({a.role}) · {t(a.at)}{a.ip ? ` · ${a.ip}` : ''}</li>)}</ul>
        )}
      </section>
    </Layout>
  );
}
