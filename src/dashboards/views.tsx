import type { SessionStatus } from '../db/schema';
import { formatMoney } from '../mentors/directory';
import type { SessionRow } from '../sessions/queries';
import type { PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { formatDateTime } from '../web/time';

/** The status as users read it; the seed's three keep their names. */
export const STATUS_LABEL: Record<SessionStatus, string> = {
  awaiting_payment: 'Awaiting payment',
  pending: 'Pending',
  confirmed: 'Confirmed',
  completed: 'Completed',
  declined: 'Declined',
  cancelled: 'Cancelled',
  expired: 'Expired',
};

function StatusBadge(props: { status: SessionStatus }) {
  return <span class={`badge badge-status-${props.status}`}>{STATUS_LABEL[props.status]}</span>;
}

function SessionCard(props: { s: SessionRow; zone: string; as: 'mentee' | 'mentor' }) {
  const { s, zone } = props;
  const other = props.as === 'mentee' ? `Mentor: ${s.mentorName}` : `Mentee: ${s.menteeName}`;
  return (
    <li class="card session" key={s.id}>
      <div class="session-head">
        <h3>{other}</h3>
        <StatusBadge status={s.status} />
      </div>
      <p class="session-when">{formatDateTime(s.startsAt, zone)} · {s.durationMinutes} minutes · {formatMoney(s.priceCents, s.currency)}</p>
      {s.status === 'awaiting_payment' && props.as === 'mentee' ? (
        <p class="session-note">
          Not paid yet{s.holdExpiresAt ? ` — the slot is held until ${formatDateTime(s.holdExpiresAt, zone)}` : ''}.{' '}
          {s.checkoutUrl ? <a class="btn btn-small" href={s.checkoutUrl}>Pay</a> : null}
        </p>
      ) : null}
      {s.status === 'pending' ? (
        <p class="session-note">{props.as === 'mentee' ? 'Waiting for the mentor to confirm.' : 'Paid, waiting for you to accept.'}</p>
      ) : null}
      {s.status === 'expired' && props.as === 'mentee' ? <p class="session-note muted">The hold lapsed before payment; nothing was charged.</p> : null}
    </li>
  );
}

function SessionList(props: { title: string; id: string; rows: SessionRow[]; zone: string; as: 'mentee' | 'mentor'; empty: string }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.rows.length === 0 ? <p class="muted">{props.empty}</p> : (
        <ul class="session-list">{props.rows.map((s) => <SessionCard key={s.id} s={s} zone={props.zone} as={props.as} />)}</ul>
      )}
    </section>
  );
}

export function MenteeDashboard(props: { ctx: PageContext; upcoming: SessionRow[]; history: SessionRow[] }) {
  const zone = props.ctx.user!.timezone;
  return (
    <Layout ctx={props.ctx} title="My Sessions">
      <div class="page-head">
        <h1>My Sessions</h1>
        <a class="btn" href="/mentors">Find a mentor</a>
      </div>
      <p class="muted small">Times in {zone}.</p>
      <SessionList title="Upcoming" id="upcoming" rows={props.upcoming} zone={zone} as="mentee" empty="No upcoming sessions. Find a mentor and book one." />
      <SessionList title="History" id="history" rows={props.history} zone={zone} as="mentee" empty="Past sessions will appear here." />
    </Layout>
  );
}

export function MentorDashboard(props: { ctx: PageContext; upcoming: SessionRow[]; history: SessionRow[] }) {
  const zone = props.ctx.user!.timezone;
  const requests = props.upcoming.filter((s) => s.status === 'pending');
  const confirmed = props.upcoming.filter((s) => s.status === 'confirmed');
  return (
    <Layout ctx={props.ctx} title="Mentor Dashboard">
      <h1>Mentor Dashboard</h1>
      <p class="muted small">Times in {zone}.</p>
      <SessionList title="Session requests" id="requests" rows={requests} zone={zone} as="mentor" empty="No requests waiting." />
      <SessionList title="Upcoming sessions" id="upcoming" rows={confirmed} zone={zone} as="mentor" empty="No confirmed sessions coming up." />
      <SessionList title="History" id="history" rows={props.history} zone={zone} as="mentor" empty="Past sessions will appear here." />
    </Layout>
  );
}
