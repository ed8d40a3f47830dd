import type { paymentProblems } from '../db/schema';
import type { PaymentProblem } from '../payments/problems';
import { glyph } from '../web/glyph';
import { formatMoney } from '../web/money';
import type { PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { formatDateTime } from '../web/time';

type Problem = typeof paymentProblems.$inferSelect;

export const PROBLEM_WORDS: Record<Problem['reason'], string> = {
  unknown_checkout: 'Checkout id is not one we created for this booking',
  booking_mismatch: 'Checkout metadata names another booking',
  amount_mismatch: 'Wrong amount',
  currency_mismatch: 'Wrong currency',
  already_paid: 'Booking was already paid',
};

const money = (cents: number | null, currency: string | null) => (cents === null || !currency ? '—' : formatMoney(cents, currency.toUpperCase()));

/** "received $0.01 USD, expected $75.00 USD". */
export function Received(props: { p: Pick<Problem, 'amountCents' | 'currency' | 'expectedAmountCents' | 'expectedCurrency'> }) {
  const { p } = props;
  return (
    <>
      received {money(p.amountCents, p.currency)} {p.currency?.toUpperCase()}
      {p.expectedAmountCents !== null ? <>, expected {money(p.expectedAmountCents, p.expectedCurrency)} {p.expectedCurrency?.toUpperCase()}</> : null}
    </>
  );
}

/**
 * GET /admin/payments: refused payments, newest first, with each refund's progress, a page at a time
 * (`older`: the next page's cursor; `paged`: this is not the newest page).
 */
export function AdminPaymentsPage(props: { ctx: PageContext; rows: PaymentProblem[]; older: string | null; paged: boolean }) {
  const tz = props.ctx.user!.timezone;
  return (
    <Layout ctx={props.ctx} title="Payment problems" wide>
      <h1>Payment problems</h1>
      <p class="muted">
        Payments that did not match the booking they claimed to pay for (checkout id, booking, amount or currency), or that arrived
        for a booking already paid or released. None of them changed a session; each is refunded in full, once.
      </p>
      {props.rows.length === 0 ? <p class="card empty">No payment problems.</p> : (
        <div class="table-wrap table-wrap-cards">
          <table class="table-cards">
            <caption class="sr-only">Refused payments, newest first. Times in {tz}.</caption>
            <thead>
              <tr>
                <th scope="col">When</th><th scope="col">Problem</th><th scope="col">Booking</th><th scope="col">Amount</th>
                <th scope="col">Refund</th><th scope="col">References</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((p) => (
                <tr key={p.id}>
                  <td data-label="When">{formatDateTime(p.createdAt, tz)}</td>
                  <td data-label="Problem">{PROBLEM_WORDS[p.reason]}</td>
                  <td data-label="Booking">{p.sessionId ? <a href={`/admin/sessions/${p.sessionId}`}>{p.mentorName} with {p.menteeName}</a> : <span class="muted">Unknown</span>}</td>
                  <td data-label="Amount"><Received p={p} /></td>
                  <td data-label="Refund">{p.refundStatus ?? (p.amountCents ? 'none' : 'nothing to refund')}</td>
                  <td data-label="References" class="small">
                    {p.checkoutRef ? <>checkout <code>{p.checkoutRef}</code><br /></> : null}
                    payment <code>{p.paymentRef}</code>
                    {p.eventId ? <><br />event <code>{p.eventId}</code></> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.older || props.paged ? (
        <nav aria-label="Pages" class="week-nav">
          {props.paged ? <a href="/admin/payments">{glyph('←')} Newest problems</a> : <span />}
          {props.older ? <a href={`/admin/payments?before=${encodeURIComponent(props.older)}`}>Older problems {glyph('→')}</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}
