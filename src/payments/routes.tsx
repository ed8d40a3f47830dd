import type { FastifyInstance } from 'fastify';
import { refuseUnverified } from '../accounts/verify-gate';
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

/** Test mode's checkout: an in-app page, clearly marked, whose Pay takes the same path as a real payment. */
export async function checkoutRoutes(app: FastifyInstance) {
  const { database, payments, now, wakeWorker } = app.services;
  if (payments.name !== 'test') return;
  const db = database.db;
  const mentee = { preHandler: requireRole('mentee') };

  app.get<{ Params: { id: string } }>('/checkout/test/:id', mentee, async (request, reply) => {
    if (refuseUnverified(request, reply)) return reply;
    const session = await findSession(db, request.params.id);
    if (!session || session.menteeId !== request.user!.id) return reply.callNotFound();
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
        <p class="center"><a href={`/mentors/${s.mentorId}`}>Cancel and go back</a></p>
      </section>
    </Layout>
  );
}
