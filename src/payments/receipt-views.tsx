import type { PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { formatMoney } from '../web/money';
import { formatDateTime, formatter } from '../web/time';
import type { Receipt, ReceiptRefund } from './receipts';

const dateOnly = (d: Date, zone: string) => formatter(zone, { year: 'numeric', month: 'short', day: 'numeric' }).format(d);

function refundLine(r: ReceiptRefund, zone: string): string {
  if (r.status === 'succeeded') return `Refunded on ${dateOnly(r.completedAt ?? r.requestedAt, zone)}`;
  if (r.status === 'failed') return `Requested on ${dateOnly(r.requestedAt, zone)}; the first attempt failed and our team has been told`;
  return `Requested on ${dateOnly(r.requestedAt, zone)}; on its way (it usually arrives within 5-10 business days)`;
}

/**
 * GET /sessions/:id/receipt: the mentee's receipt for a paid session, printable (the print stylesheet
 * leaves only the receipt). Times are in the mentee's zone, whoever reads it, so an admin sees what the
 * mentee sees.
 */
export function ReceiptPage(props: { ctx: PageContext; r: Receipt }) {
  const { ctx, r } = props;
  const zone = r.menteeTimezone;
  const back = ctx.user?.role === 'admin' ? { href: `/admin/sessions/${r.sessionId}`, label: 'The session (admin)' } : { href: `/sessions/${r.sessionId}`, label: 'The session' };
  const refunded = r.refunds.filter((f) => f.status !== 'failed').reduce((sum, f) => sum + f.amountCents, 0);
  return (
    <Layout ctx={ctx} title={`Receipt ${r.number}`}>
      <p class="small no-print"><a href={back.href}>← {back.label}</a></p>
      <article class="card receipt" aria-labelledby="receipt-title">
        <div class="receipt-head">
          <p class="receipt-brand"><span class="brand-mark" aria-hidden="true">{'</>'}</span> CodeMentorHub</p>
          <h1 id="receipt-title">Receipt</h1>
        </div>
        <dl class="meta receipt-meta">
          <dt>Receipt number</dt><dd>{r.number}</dd>
          <dt>Date paid</dt><dd>{formatDateTime(r.paidAt, zone)}</dd>
          <dt>Paid by</dt><dd>{r.menteeName} ({r.menteeEmail})</dd>
        </dl>
        <table class="receipt-lines">
          <caption class="sr-only">What was paid for</caption>
          <thead><tr><th scope="col">Description</th><th scope="col" class="num">Amount</th></tr></thead>
          <tbody>
            <tr>
              <td>
                Mentoring session with {r.mentorName}<br />
                <span class="muted small">{formatDateTime(r.startsAt, zone)}, {r.durationMinutes} minutes</span>
              </td>
              <td class="num">{formatMoney(r.amountCents, r.currency)}</td>
            </tr>
            {r.refunds.map((f, i) => (
              <tr key={i} class="receipt-refund">
                <td>Refund<br /><span class="small">{refundLine(f, zone)}</span></td>
                <td class="num">−{formatMoney(f.amountCents, f.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr><th scope="row">Total paid</th><td class="num">{formatMoney(r.amountCents, r.currency)}</td></tr>
            {r.refunds.length ? <tr><th scope="row">Net after refunds</th><td class="num">{formatMoney(r.amountCents - refunded, r.currency)}</td></tr> : null}
          </tfoot>
        </table>
        <p class="muted small">Times in {zone}. Session status: {r.status.replace(/_/g, ' ')}.</p>
      </article>
      <div class="no-print receipt-print">
        <button type="button" class="btn" data-print hidden>Print receipt</button>
        <p class="muted small">To keep a copy, print this page or save it as PDF with your browser's Print command.</p>
      </div>
    </Layout>
  );
}
