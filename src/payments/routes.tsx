import type { FastifyInstance } from 'fastify';
import { refuseUnverified } from '../accounts/verify-gate';
import { releaseHold } from '../booking/holds';
import { bookingStepPath } from '../booking/step';
import { httpStatusOf } from '../errors';
import { ErrorPage } from '../web/errors';
import { findSession } from '../sessions/queries';
import { requireRole } from '../web/auth';
import { pageContext, setFlash, type PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { sendPage } from '../web/render';
import { formatDateTime } from '../web/time';
import { formatMoney } from '../web/money';
import type { SessionRow } from '../sessions/queries';
import { recordCheckoutPayment } from './record';
import { CancellationRule } from '../sessions/views';
import { eq } from 'drizzle-orm';
import { sessions } from '../db/schema';

/** The mentor's profile at the booking form, with this session's length chosen: where a mentee picks a time again. */
const pickAgainPath = (s: { mentorId: string; durationMinutes: number }) => bookingStepPath(s.mentorId, { length: s.durationMinutes });

/**
 * "Cancel and go back" at checkout (a POST, from the mentee whose hold it is): the hold ends at once
 * through the state machine (verb release), so the slot is free for others now rather than when the hold
 * lapses, and the provider's checkout is closed. Then test mode's in-app checkout: a page, clearly marked,
 * whose Pay takes the same path as a real payment.
 */
export async function checkoutRoutes(app: FastifyInstance) {
  const { database, payments, now, wakeWorker } = app.services;
  const db = database.db;
  const mentee = { preHandler: requireRole('mentee') };

  app.post<{ Params: { id: string } }>('/checkout/:id/cancel', mentee, async (request, reply) => {
    const session = await findSession(db, request.params.id);
    // Someone else's booking does not exist for this mentee (the state machine would refuse it too).
    if (!session || session.menteeId !== request.user!.id) return reply.callNotFound();
    const result = await releaseHold({
      db, sessionId: session.id, actorId: request.user!.id, actorRole: 'mentee', now: now(), ip: request.ip, reason: 'the mentee left the checkout',
    });
    if (!result.ok) {
      const text = session.status === 'expired'
        ? 'This booking had already ended and its time was released. Nothing was charged.'
        : result.message;
      return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing was changed', text, back: pickAgainPath(session) }), httpStatusOf(result));
    }
    if (result.checkoutRef) {
      try {
        await payments.expireCheckout(result.checkoutRef);
      } catch (err) {
        // Already closed, or the provider is down: a payment that still arrives for a released hold is refunded.
        request.log.warn({ err, checkoutRef: result.checkoutRef }, 'could not expire checkout');
      }
    }
    setFlash(reply, `Booking cancelled: the time with ${session.mentorName} is free again and nothing was charged. Pick another time when you are ready.`);
    return reply.redirect(pickAgainPath(session), 303);
  });

  if (payments.name !== 'test') return;

  app.get<{ Params: { id: string } }>('/checkout/test/:id', mentee, async (request, reply) => {
    if (refuseUnverified(request, reply)) return reply;
    const session = await findSession(db, request.params.id);
    if (!session || session.menteeId !== request.user!.id) return reply.callNotFound();
    if (session.status === 'expired') {
      const [ended] = await db.select({ paidAt: sessions.paidAt, releasedAt: sessions.holdReleasedAt }).from(sessions).where(eq(sessions.id, session.id));
      // An old checkout link of a hold that ended unpaid: say what happened, and where to pick a time again.
      if (!ended?.paidAt) return sendPage(reply, <HoldEnded ctx={pageContext(request, reply)} session={session} released={Boolean(ended?.releasedAt)} />, 410);
    }
    if (session.status !== 'awaiting_payment') {
      setFlash(reply, 'This session does not need paying.');
      return reply.redirect('/dashboard', 303);
    }
    return sendPage(reply, <TestCheckout ctx={pageContext(request, reply)} session={session} />);
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>('/checkout/test/:id/pay', mentee, async (request, reply) => {
    if (refuseUnverified(request, reply)) return reply;
    const session = await findSession(db, request.params.id);
    if (!session || session.menteeId !== request.user!.id) return reply.callNotFound();
    // The amount the page showed and the payer agreed to: checked against the booking like any payment.
    const body = request.body ?? {};
    const [stored] = await db.select({ checkoutRef: sessions.checkoutRef }).from(sessions).where(eq(sessions.id, session.id));
    const amount = Number(body.amount_cents);
    const safeAmount = Number.isSafeInteger(amount) && amount >= 0 ? amount : 0;
    const currency = String(body.currency ?? '').slice(0, 3).toLowerCase().replace(/[^a-z]/g, '');
    const outcome = await recordCheckoutPayment({
      db, now: now(),
      payment: {
        // One payment per session and amount: a repeated Pay is the same payment, a different amount another one.
        checkoutRef: stored?.checkoutRef ?? '', paymentRef: `test_pi_${session.id}_${safeAmount}_${currency}`, amountCents: safeAmount,
        currency, claimedSessionIds: [session.id],
      },
    });
    wakeWorker();
    setFlash(reply, {
      'pending': 'Payment received. Your session is waiting for the mentor to confirm.',
      'already-paid': 'This session is already paid.',
      'refund-requested': 'That slot was taken before your payment arrived, so the payment is being refunded. Please pick another time.',
      'not-found': 'This session no longer exists.',
      'mismatch': 'That payment did not match this booking, so nothing was booked and it is being refunded. Please try again from the session page.',
    }[outcome]);
    return reply.redirect('/dashboard', 303);
  });
}

function TestCheckout(props: { ctx: PageContext; session: SessionRow }) {
  const s = props.session;
  const zone = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title="Checkout">
      <section class="card narrow">
        <p class="test-mode" role="note"><strong>Test mode — no real charge.</strong> No card is needed and no money moves.</p>
        <h1>Pay for your session</h1>
        <dl class="meta">
          <dt>Mentor</dt><dd>{s.mentorName}</dd>
          <dt>When</dt><dd>{formatDateTime(s.startsAt, zone)}</dd>
          <dt>Duration</dt><dd>{s.durationMinutes} minutes</dd>
          <dt>Total</dt><dd><strong>{formatMoney(s.priceCents, s.currency)}</strong></dd>
        </dl>
        <CancellationRule />
        {s.holdExpiresAt ? <p class="muted small">The slot is held for you until {formatDateTime(s.holdExpiresAt, zone)}.</p> : null}
        <form method="post" action={`/checkout/test/${s.id}/pay`} class="stack">
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="amount_cents" value={String(s.priceCents)} />
          <input type="hidden" name="currency" value={s.currency.toLowerCase()} />
          <button type="submit" class="btn btn-block btn-large">Pay {formatMoney(s.priceCents, s.currency)}</button>
        </form>
        {/* A form, not a link: leaving gives the slot back at once instead of holding it until the hold lapses. */}
        <form method="post" action={`/checkout/${s.id}/cancel`} class="center">
          <Csrf token={props.ctx.csrf} />
          <button type="submit" class="btn-link">Cancel and go back</button>
        </form>
        <p class="muted small center">Cancelling frees this time for others at once; nothing is charged.</p>
      </section>
    </Layout>
  );
}

/** An old checkout link whose hold has ended unpaid (it lapsed, or was cancelled): what happened, and the way back. */
function HoldEnded(props: { ctx: PageContext; session: SessionRow; released: boolean }) {
  const s = props.session;
  const zone = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title="This booking has ended">
      <section class="card narrow">
        <h1>This booking has ended</h1>
        <p>
          {props.released
            ? `This booking was cancelled before it was paid, so the time with ${s.mentorName} on ${formatDateTime(s.startsAt, zone)} was released for others to book.`
            : `The hold on ${formatDateTime(s.startsAt, zone)} with ${s.mentorName} lapsed before payment, so the time was released for others to book.`}
          {' '}Nothing was charged.
        </p>
        <p>If that time is still free, you can pick it again, or choose another.</p>
        {/* The same time preselected if it is still free; the profile says so when it is not. */}
        <p><a class="btn" href={bookingStepPath(s.mentorId, { length: s.durationMinutes, startsAt: s.startsAt.toISOString() })}>Pick a time with {s.mentorName}</a></p>
      </section>
    </Layout>
  );
}
