import type { FastifyInstance } from 'fastify';
import { requireRole } from '../web/auth';
import { pageContext, type PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { formatMoney } from '../web/money';
import { sendPage } from '../web/render';
import { loadRevenue, REVENUE_MONTHS, type CurrencyRevenue, type RevenueReport } from './revenue';

/** The admin's revenue overview (/admin/revenue): paid, refunded and net per month. */
export async function adminRevenueRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  app.get('/admin/revenue', { preHandler: requireRole('admin') }, async (request, reply) => {
    const report = await loadRevenue({ db: database.db, now: now() });
    return sendPage(reply, <RevenuePage ctx={pageContext(request, reply)} report={report} />);
  });
}

/** "2026-11" -> "November 2026" ("Nov 2026" in the tables, which must fit a phone). */
function monthName(key: string, month: 'long' | 'short' = 'long'): string {
  const [y, m] = key.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, 1)).toLocaleDateString('en-GB', { month, year: 'numeric', timeZone: 'UTC' });
}

function RevenuePage(props: { ctx: PageContext; report: RevenueReport }) {
  const { report } = props;
  return (
    <Layout ctx={props.ctx} title="Revenue" wide>
      <h1>Revenue</h1>
      <p class="lead">
        Booking payments and their refunds over the last {REVENUE_MONTHS} months, {monthName(report.from)} to {monthName(report.to)}.
        Months are calendar months in UTC.
      </p>
      <p class="muted small">
        A payment counts in the month it was paid, a refund in the month it was completed. Net is paid minus refunded.
        Payments that did not match their booking are refunded in full and not counted: see <a href="/admin/payments">Payments</a>.
      </p>
      {report.currencies.length === 0 ? (
        <p class="card empty">No payments or refunds in the last {REVENUE_MONTHS} months.</p>
      ) : report.currencies.map((c) => <CurrencyTable key={c.currency} c={c} />)}
    </Layout>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function CurrencyTable(props: { c: CurrencyRevenue }) {
  const { c } = props;
  const money = (cents: number) => formatMoney(cents, c.currency);
  const headingId = `revenue-${c.currency}`;
  return (
    <section aria-labelledby={headingId} class="revenue">
      <h2 id={headingId}>In {c.currency}</h2>
      <div class="stats earnings-stats">
        <div class="stat"><span class="stat-value">{money(c.total.paidCents)}</span><span class="stat-label">Paid ({plural(c.total.payments, 'payment')})</span></div>
        <div class="stat"><span class="stat-value">{money(c.total.refundedCents)}</span><span class="stat-label">Refunded ({plural(c.total.refunds, 'refund')})</span></div>
        <div class="stat"><span class="stat-value">{money(c.total.netCents)}</span><span class="stat-label">Net</span></div>
      </div>
      {c.outstanding.count > 0 ? (
        <p class="note">
          {c.outstanding.count} {c.outstanding.count === 1 ? 'refund' : 'refunds'} of {money(c.outstanding.cents)} not completed yet
          (not in the table until the provider confirms it; a failed one is on <a href="/admin/jobs">Failed jobs</a>).
        </p>
      ) : null}
      <div class="table-wrap">
        <table class="numbers">
          <caption class="sr-only">{c.currency} per month (UTC), latest first</caption>
          <thead>
            <tr><th scope="col">Month</th><th scope="col">Paid</th><th scope="col">Refunded</th><th scope="col">Net</th></tr>
          </thead>
          <tbody>
            {[...c.months].reverse().map((m) => (
              <tr key={m.month}>
                <th scope="row"><abbr title={monthName(m.month)}>{monthName(m.month, 'short')}</abbr></th>
                <td>{money(m.paidCents)}</td>
                <td>{money(m.refundedCents)}</td>
                <td>{money(m.netCents)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{money(c.total.paidCents)}</td>
              <td>{money(c.total.refundedCents)}</td>
              <td>{money(c.total.netCents)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
