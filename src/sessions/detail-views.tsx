import type { Role } from '../db/schema';
import { formatMoney } from '../web/money';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime, type Clock } from '../web/time';
import type { Attendance } from './attendance';
import { AttendanceCard } from './attendance-views';
import type { SessionRow } from './queries';
import { FREE_CANCELLATION_HOURS, refundOnCancel } from './refund-policy';
import { JoinBox, StatusBadge, StepButton } from './views';
import { glyph } from '../web/glyph';

/** What the session page needs beyond the list row: payment, who ended it, the refund. */
export interface SessionDetail {
  paidAt: Date | null;
  cancelledAt: Date | null;
  /** Who cancelled: the mentee, the mentor or an admin; `self` when it was the viewer. */
  cancelledBy: { role: Role; self: boolean } | null;
  declinedAt: Date | null;
  /** The reason given when it was cancelled or declined (from its audit row), if any. */
  endReason?: string | null;
  /** When an unanswered paid request expires (48 h after payment, or the start, whichever is first). */
  answerBy: Date | null;
  refund: { amountCents: number; currency: string; status: 'requested' | 'succeeded' | 'failed' } | null;
}

const REFUND_STATE = { requested: 'being refunded', succeeded: 'refunded', failed: 'refund failed; our team has been told' } as const;

/** The refund outcome of cancelling now, for this viewer: shown before they press the button. */
export function cancelOutcome(options: { as: Role; s: SessionRow; paid: boolean; now: Date; zone: string; clock?: Clock }): { refund: 'full' | 'none'; text: string } {
  const { s, as, now } = options;
  const amount = formatMoney(s.priceCents, s.currency);
  const refund = refundOnCancel({ by: as, status: s.status, startsAt: s.startsAt, now, paid: options.paid });
  if (!options.paid) return { refund, text: 'Nothing has been charged, so there is nothing to refund.' };
  if (as === 'mentee') {
    if (refund === 'full' && s.status === 'pending') {
      return { refund, text: `If you cancel now, you get a full refund of ${amount}: the mentor has not accepted your request yet. Once they accept, free cancellation ends 24 hours before the start.` };
    }
    if (refund === 'full') {
      const until = formatDateTime(new Date(s.startsAt.getTime() - FREE_CANCELLATION_HOURS * 3_600_000), options.zone, options.clock);
      return { refund, text: `If you cancel now, you get a full refund of ${amount}. Free cancellation ends ${until}, 24 hours before the start.` };
    }
    return { refund, text: `If you cancel now, you get no refund: the session starts in less than 24 hours, so the ${amount} is not returned.` };
  }
  const who = as === 'mentor' ? s.menteeName : `${s.menteeName} (the mentee)`;
  return { refund, text: refund === 'full' ? `If you cancel, ${who} gets a full refund of ${amount}.` : `If you cancel, ${who} gets no refund.` };
}

/** The deadline of an unanswered request, told to each as it concerns them: the mentor is the one who answers. */
function answerByNote(as: Role, by: string, menteeName: string): string {
  if (as === 'mentor') return ` Answer by ${by}: after that the request expires and ${menteeName} gets a full refund.`;
  return ` If the mentor has not answered by ${by}, the request expires and ${as === 'mentee' ? 'you get' : 'the mentee gets'} a full refund.`;
}

function Ended(props: { s: SessionRow; d: SessionDetail; zone: string; clock?: Clock }) {
  const { s, d, zone, clock } = props;
  const byWord = (by: SessionDetail['cancelledBy']) => {
    if (!by) return '';
    if (by.self) return ' by you';
    return by.role === 'admin' ? ' by a CodeMentorHub administrator' : ` by ${by.role === 'mentor' ? s.mentorName : s.menteeName} (the ${by.role})`;
  };
  let what: string | null = null;
  if (s.status === 'cancelled') what = `Cancelled${byWord(d.cancelledBy)}${d.cancelledAt ? ` on ${formatDateTime(d.cancelledAt, zone, clock)}` : ''}.`;
  if (s.status === 'declined') what = `Declined by the mentor${d.declinedAt ? ` on ${formatDateTime(d.declinedAt, zone, clock)}` : ''}.`;
  if (s.status === 'expired') what = d.paidAt ? 'The mentor did not answer the request in time, so it expired.' : 'The hold lapsed before payment; nothing was charged.';
  if (!what) return null;
  const refund = d.refund
    ? `Refund: ${formatMoney(d.refund.amountCents, d.refund.currency)}, ${REFUND_STATE[d.refund.status]}.`
    : d.paidAt ? 'No refund.' : null;
  return (
    <div class="session-note" role="status">
      <p>{what}</p>
      {d.endReason ? <p class="end-reason">Reason: {d.endReason}</p> : null}
      {refund ? <p><strong>{refund}</strong></p> : null}
    </div>
  );
}

/**
 * GET /sessions/:id: one session for its mentor, its mentee or an admin. Times in the viewer's zone;
 * the join box once confirmed; and, while it can be cancelled, a form that says what cancelling
 * means for the viewer's money before the button.
 */
export function SessionPage(props: { ctx: PageContext; s: SessionRow; d: SessionDetail; now: Date; attendance?: Attendance | null }) {
  const { ctx, s, d, now } = props;
  const user = ctx.user!;
  const zone = user.timezone;
  const as = user.role;
  const title = as === 'mentee' ? `Session with ${s.mentorName}` : as === 'mentor' ? `Session with ${s.menteeName}` : `Session: ${s.mentorName} and ${s.menteeName}`;
  const back = { mentee: { href: '/dashboard', label: 'My Sessions' }, mentor: { href: '/mentor/dashboard', label: 'Mentor Dashboard' }, admin: { href: '/admin/sessions', label: 'Sessions' } }[as];
  // Participants can cancel until the start (the cancel rule in sessions/machine.ts).
  const cancellable = (s.status === 'pending' || s.status === 'confirmed') && now < s.startsAt;
  const answering = s.status === 'pending' && as === 'mentor';
  const outcome = cancellable ? cancelOutcome({ as, s, paid: Boolean(d.paidAt), now, zone, clock: ctx.clock }) : null;
  return (
    <Layout ctx={ctx} title={title}>
      <p class="small"><a href={back.href}>{glyph('←')} {back.label}</a></p>
      <div class="stack">
        <article class="card" aria-labelledby="session-title">
          <div class="session-head">
            <h1 id="session-title">{title}</h1>
            <StatusBadge status={s.status} />
          </div>
          <dl class="meta">
            <dt>Date and time</dt><dd>{formatDateTime(s.startsAt, zone, ctx.clock)}</dd>
            <dt>Ends</dt><dd>{formatDateTime(s.endsAt, zone, ctx.clock)}</dd>
            <dt>Duration</dt><dd>{s.durationMinutes} minutes</dd>
            <dt>Mentor</dt><dd>{s.mentorName}</dd>
            <dt>Mentee</dt><dd>{s.menteeName}</dd>
            <dt>Price</dt>
            <dd>
              {formatMoney(s.priceCents, s.currency)}{d.paidAt ? ' (paid)' : ' (not paid)'}
              {/* The receipt is the payer's: the mentor's side of the money is their earnings summary. */}
              {d.paidAt && as !== 'mentor' ? <> · <a href={`/sessions/${s.id}/receipt`}>{as === 'admin' ? 'The mentee\'s receipt' : 'Receipt'}</a></> : null}
            </dd>
          </dl>
          <p class="muted small">Times in {zone}.</p>
          {s.status === 'awaiting_payment' ? (
            <p class="session-note">
              Not paid yet{s.holdExpiresAt ? ` — the slot is held until ${formatDateTime(s.holdExpiresAt, zone, ctx.clock)}` : ''}.{' '}
              {as === 'mentee' && s.checkoutUrl ? <a class="btn btn-small" href={s.checkoutUrl}>Pay</a> : null}
            </p>
          ) : null}
          {s.status === 'awaiting_payment' && as === 'mentee' ? (
            // Giving the hold up frees the time for others now rather than when it lapses (payments/routes.tsx).
            <form method="post" action={`/checkout/${s.id}/cancel`} class="session-actions">
              <Csrf token={ctx.csrf} />
              <button type="submit" class="btn btn-small btn-quiet">Cancel this booking</button>
              <span class="muted small">Frees the time at once; nothing is charged.</span>
            </form>
          ) : null}
          {s.status === 'pending' ? (
            <p class="session-note">
              {as === 'mentor' ? 'Paid, waiting for you to accept.' : 'Paid, waiting for the mentor to accept.'}
              {d.answerBy ? answerByNote(as, formatDateTime(d.answerBy, zone, ctx.clock), s.menteeName) : ''}
            </p>
          ) : null}
          {s.bookingNote ? (
            <section class="booking-note-full" aria-labelledby="note-heading">
              <h2 id="note-heading" class="h3">{as === 'mentee' ? 'What you would like help with' : `What ${s.menteeName} would like help with`}</h2>
              <p class="note-text">{s.bookingNote}</p>
            </section>
          ) : null}
          <Ended s={s} d={d} zone={zone} clock={ctx.clock} />
          <JoinBox s={s} />
          {/* Offered while pending or confirmed and not started; the page says why when the rule refuses this viewer. */}
          {cancellable && s.startsAt > now ? (
            <p class="session-actions"><a class="btn btn-small btn-quiet" href={`/sessions/${s.id}/reschedule`}>Reschedule</a></p>
          ) : null}
        </article>
        {props.attendance ? <AttendanceCard a={props.attendance} zone={zone} admin={as === 'admin'} /> : null}
        {answering ? (
          <section id="cancel" class="card" aria-labelledby="answer-heading">
            <h2 id="answer-heading">Answer this request</h2>
            <p id="decline-outcome">If you decline, {s.menteeName} gets a full refund of {formatMoney(s.priceCents, s.currency)}.</p>
            <div class="session-actions">
              <form method="post" action={`/mentor/session/${s.id}/accept/`} class="inline">
                <Csrf token={ctx.csrf} />
                <button type="submit" class="btn">{s.requestedAt ? 'Accept new time' : 'Accept session'}</button>
              </form>
              <StepButton action={`/mentor/session/${s.id}/decline`} params={{ back: `/sessions/${s.id}` }} label="Decline" quiet describedBy="decline-outcome" />
            </div>
          </section>
        ) : outcome ? (
          <section id="cancel" class="card" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">Cancel this session</h2>
            <p id="cancel-outcome" data-refund={outcome.refund}>{outcome.text}</p>
            <div class="session-actions">
              <StepButton action={`/sessions/${s.id}/cancel`} params={{ back: `/sessions/${s.id}` }} label="Cancel session" quiet describedBy="cancel-outcome" />
            </div>
          </section>
        ) : null}
      </div>
    </Layout>
  );
}
