import type { VNode } from 'preact';
import { Stars } from '../feedback/views';
import { formatMoney } from '../web/money';
import { JOIN_ADVICE, JoinBox, StatusBadge } from '../sessions/views';
import { mayReschedule, refundOnCancel } from '../sessions/refund-policy';
import type { Earnings, SessionRow } from '../sessions/queries';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime, type Clock } from '../web/time';
import { pluralize } from '../plural';
import { glyph } from '../web/glyph';
import { html, type Rendered } from '../web/html';

/** A mentee's rating of each rated session: the card offers to rate, to edit (for 7 days), or shows it. */
export type ReviewStates = Map<string, { rating: number; editable: boolean }>;

/**
 * A card's buttons submit one of the page's two shared forms (CardForms) with their own formaction:
 * a busy mentor's page lists up to a hundred requests, and a form with its own CSRF field per button
 * made it weigh over 64 KB, which costs several times more to send (bench/RESULTS.md, issue 15).
 */
function cardButton(props: { action: string; label: string; post?: boolean; quiet?: boolean }) {
  return html`<button type="submit" form="${props.post ? 'card-post' : 'card-get'}" formaction="${props.action}" class="${props.quiet ? 'btn btn-small btn-quiet' : 'btn btn-small'}">${props.label}</button>`;
}

/** The forms cardButton submits: a POST one carrying the CSRF token once, and a GET one for the confirmation steps. */
function CardForms(props: { csrf: string; path: string }) {
  return (
    <>
      <form id="card-post" method="post" action={props.path}><Csrf token={props.csrf} /></form>
      <form id="card-get" method="get" action={props.path} />
    </>
  );
}

/** The card's small links (reschedule, receipt, notes) on one line. */
function cardLinks(links: (VNode | null)[]) {
  const shown = links.filter((l) => l !== null);
  if (shown.length === 0) return null;
  return html`<p class="session-note small card-links">${shown.map((l, i) => (i > 0 ? [' · ', l] : l))}</p>`;
}

/**
 * One session in a dashboard list. An html`` template rather than JSX: a busy mentor's page shows
 * eighty of these on every request (src/web/html.ts says why).
 */
function sessionCard(props: { s: SessionRow; zone: string; clock?: Clock; as: 'mentee' | 'mentor'; now: Date; reviews?: ReviewStates }) {
  const { s, zone, clock } = props;
  const review = props.reviews?.get(s.id);
  // Until the start: after it only an admin can call a session off (sessions/machine.ts).
  const cancellable = (s.status === 'pending' || s.status === 'confirmed') && props.now < s.startsAt;
  const refund = refundOnCancel({ by: props.as, status: s.status, startsAt: s.startsAt, now: props.now, paid: true }) === 'full' ? 'full refund' : 'no refund within 24 hours of the start';
  const other = props.as === 'mentee' ? `Mentor: ${s.mentorName}` : `Mentee: ${s.menteeName}`;
  const movable = mayReschedule({ by: props.as, status: s.status, startsAt: s.startsAt, now: props.now, menteeMoves: s.menteeReschedules });
  const newTime = s.status === 'pending' && Boolean(s.requestedAt);
  const unpaid = s.status === 'awaiting_payment' && props.as === 'mentee'
    ? html`<p class="session-note">Not paid yet${s.holdExpiresAt ? html` ${glyph('—')} the slot is held until ${formatDateTime(s.holdExpiresAt, zone, clock)}` : ''}. ${s.checkoutUrl ? html`<a class="btn btn-small" href="${s.checkoutUrl}">Pay</a>` : null}</p>`
    : null;
  const waiting = s.status === 'pending' && (props.as === 'mentee' || newTime)
    ? html`<p class="session-note">${props.as === 'mentee'
      ? (newTime ? 'New time requested, waiting for the mentor to accept it.' : 'Waiting for the mentor to confirm.')
      : `${s.menteeName} asked to move this session to this new time.`}</p>`
    : null;
  const answer = s.status === 'pending' && props.as === 'mentor'
    ? html`<div class="session-actions">${cardButton({ post: true, action: `/mentor/session/${s.id}/accept/`, label: newTime ? 'Accept new time' : 'Accept session' })}${cardButton({ action: `/mentor/session/${s.id}/decline`, label: 'Decline', quiet: true })}</div>`
    : null;
  const cancel = cancellable && !(s.status === 'pending' && props.as === 'mentor')
    ? html`<div class="session-actions">${cardButton({ action: `/sessions/${s.id}/cancel`, label: 'Cancel session', quiet: true })}<span class="muted small">${refund}</span></div>`
    : null;
  const rating = props.as === 'mentee' && s.status === 'completed'
    ? html`<div class="session-actions">${!review ? html`<a class="btn btn-small" href="/sessions/${s.id}/feedback">Rate this session</a>`
      : review.editable ? html`<span class="small">Your rating: ${Stars({ rating: review.rating })}</span> <a class="btn btn-small btn-quiet" href="/sessions/${s.id}/feedback">Edit your rating</a>`
      : html`<span class="small">Your rating: ${Stars({ rating: review.rating })}</span>`}</div>`
    : null;
  const links = cardLinks([
    movable ? html`<a href="/sessions/${s.id}/reschedule">Reschedule</a>` : null,
    props.as === 'mentee' && s.paidAt ? html`<a href="/sessions/${s.id}/receipt" aria-label="Receipt for the session with ${s.mentorName}">Receipt</a>` : null,
    props.as === 'mentor' && s.status !== 'awaiting_payment' ? html`<a href="/sessions/${s.id}/notes">Private notes</a>` : null,
  ]);
  return html`<li class="card session"><div class="session-head"><h3><a href="/sessions/${s.id}">${other}</a></h3>${StatusBadge({ status: s.status })}</div><p class="session-when">${formatDateTime(s.startsAt, zone, clock)} · ${s.durationMinutes} minutes · ${formatMoney(s.priceCents, s.currency)}</p>${[
    unpaid, waiting,
    props.as === 'mentor' && s.status === 'pending' && s.bookingNote ? bookingNoteShort(s) : null,
    s.status === 'expired' && props.as === 'mentee' ? html`<p class="session-note muted">The hold lapsed before payment; nothing was charged.</p>` : null,
    JoinBox({ s, inList: true }), answer, cancel, rating, links,
  ]}</li>`;
}

/** How much of the mentee's note a request row shows; the session's page shows all of it. */
const NOTE_SHORT = 140;

/** The mentee's "What would you like help with?", cut short on the request row, with the way to the whole of it. */
function bookingNoteShort(s: SessionRow) {
  const note = s.bookingNote!.replace(/\s+/g, ' ');
  const cut = note.length > NOTE_SHORT;
  return html`<p class="session-note booking-note-short"><span class="muted">Help with:</span> &#8220;${cut ? [[...note].slice(0, NOTE_SHORT).join('').trimEnd(), glyph('…')] : note}&#8221;${cut ? html` <a href="/sessions/${s.id}" aria-label="Read all of ${s.menteeName}'s note">Read all</a>` : null}</p>`;
}

function SessionList(props: { title: string; id: string; rows: SessionRow[]; zone: string; clock?: Clock; as: 'mentee' | 'mentor'; empty: string; now: Date; reviews?: ReviewStates; intro?: string }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.intro && props.rows.length > 0 ? <p class="small">{props.intro}</p> : null}
      {props.rows.some((s) => s.status === 'confirmed' && s.meetingUrl) ? <p class="small">{JOIN_ADVICE}</p> : null}
      {props.rows.length === 0 ? <p class="muted">{props.empty}</p> : (
        <ul class="session-list">{props.rows.map((s) => sessionCard({ s, zone: props.zone, clock: props.clock, as: props.as, now: props.now, reviews: props.reviews }))}</ul>
      )}
    </section>
  );
}

/** "Older sessions": the next page of history, by keyset cursor. */
function OlderLink(props: { path: string; next: string | null }) {
  return props.next ? <p><a href={`${props.path}?before=${encodeURIComponent(props.next)}#history`}>Older sessions {glyph('→')}</a></p> : null;
}

/** "Later sessions": the next page of upcoming ones. */
function LaterLink(props: { path: string; next: string | null }) {
  return props.next ? <p><a href={`${props.path}?after=${encodeURIComponent(props.next)}#upcoming`}>Later sessions {glyph('→')}</a></p> : null;
}

/** My Sessions' two lists: what the page keeps between requests (src/dashboards/mentee-lists.ts). */
export function MenteeLists(props: { zone: string; clock?: Clock; upcoming: SessionRow[]; nextUpcoming: string | null; history: SessionRow[]; nextHistory: string | null; now: Date; reviews?: ReviewStates }) {
  const common = { zone: props.zone, clock: props.clock, as: 'mentee' as const, now: props.now, reviews: props.reviews };
  return (
    <>
      <SessionList title="Upcoming" id="upcoming" rows={props.upcoming} {...common} empty="No upcoming sessions. Find a mentor and book one." />
      <LaterLink path="/dashboard" next={props.nextUpcoming} />
      <SessionList title="History" id="history" rows={props.history} {...common} empty="Past sessions will appear here." />
      <OlderLink path="/dashboard" next={props.nextHistory} />
    </>
  );
}

export function MenteeDashboard(props: { ctx: PageContext; lists: Rendered }) {
  return (
    <Layout ctx={props.ctx} title="My Sessions">
      <div class="page-head">
        <h1>My Sessions</h1>
        <a class="btn" href="/mentors">Find a mentor</a>
      </div>
      <p class="muted small">Times in {props.ctx.user!.timezone}.</p>
      <CardForms csrf={props.ctx.csrf} path="/dashboard" />
      {props.lists.node()}
    </Layout>
  );
}

function EarningsSummary(props: { earnings: Earnings[] }) {
  const e = props.earnings[0] ?? { currency: 'USD', completedCents: 0, completedCount: 0, monthCents: 0, upcomingCents: 0, upcomingCount: 0 };
  return (
    <section aria-labelledby="earnings">
      <h2 id="earnings">Earnings</h2>
      <div class="stats earnings-stats">
        <div class="stat"><span class="stat-value">{formatMoney(e.monthCents, e.currency)}</span><span class="stat-label">Completed this month</span></div>
        <div class="stat"><span class="stat-value">{formatMoney(e.completedCents, e.currency)}</span><span class="stat-label">All time ({pluralize(e.completedCount, 'session')})</span></div>
        <div class="stat"><span class="stat-value">{formatMoney(e.upcomingCents, e.currency)}</span><span class="stat-label">Booked, to come ({e.upcomingCount})</span></div>
      </div>
      {props.earnings.length > 1 ? <p class="muted small">Also: {props.earnings.slice(1).map((x) => `${formatMoney(x.completedCents, x.currency)} completed`).join(', ')}.</p> : null}
    </section>
  );
}

export function MentorDashboard(props: { ctx: PageContext; upcoming: SessionRow[]; requests?: SessionRow[]; nextUpcoming: string | null; history: SessionRow[]; nextHistory: string | null; now: Date; earnings: Earnings[] }) {
  const zone = props.ctx.user!.timezone;
  const common = { zone, clock: props.ctx.clock, as: 'mentor' as const, now: props.now };
  // The first page brings every waiting request; a later page shows those among its sessions.
  const requests = props.requests ?? props.upcoming.filter((s) => s.status === 'pending');
  const confirmed = props.upcoming.filter((s) => s.status === 'confirmed');
  return (
    <Layout ctx={props.ctx} title="Mentor Dashboard">
      <h1>Mentor Dashboard</h1>
      <p class="muted small">Times in {zone}.</p>
      <CardForms csrf={props.ctx.csrf} path="/mentor/dashboard" />
      <SessionList title="Session requests" id="requests" rows={requests} {...common} empty="No requests waiting." intro="Paid, waiting for you to accept." />
      <SessionList title="Upcoming sessions" id="upcoming" rows={confirmed} {...common} empty="No confirmed sessions coming up." />
      <LaterLink path="/mentor/dashboard" next={props.nextUpcoming} />
      <SessionList title="History" id="history" rows={props.history} {...common} empty="Past sessions will appear here." />
      <OlderLink path="/mentor/dashboard" next={props.nextHistory} />
      <EarningsSummary earnings={props.earnings} />
    </Layout>
  );
}
