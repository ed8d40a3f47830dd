import type { Role } from '../db/schema';
import { StatusBadge } from '../sessions/views';
import type { SessionRow } from '../sessions/queries';
import type { PageContext } from '../web/context';
import { Field, SelectField } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatMoney } from '../web/money';
import { formatDateTime } from '../web/time';
import { PERSON_SESSIONS, USERS_PAGE, type Person, type UserRow } from './people';

const ROLE_OPTIONS = [
  { value: '', label: 'Everyone' }, { value: 'mentee', label: 'Mentees' }, { value: 'mentor', label: 'Mentors' }, { value: 'admin', label: 'Admins' },
];

function StatusOf(props: { deactivatedAt: Date | null }) {
  return props.deactivatedAt ? <span class="badge badge-failed">Deactivated</span> : <span class="badge badge-sent">Active</span>;
}

/** Deactivate or Reactivate, posting to the account routes; `back` is where the answer returns to. */
function AccountButton(props: { ctx: PageContext; u: { id: string; name: string; deactivatedAt: Date | null }; hidden: Record<string, string> }) {
  const { u } = props;
  if (u.id === props.ctx.user!.id) return <span class="muted small">You</span>;
  return (
    <form method="post" action={`/admin/users/${u.id}/${u.deactivatedAt ? 'reactivate' : 'deactivate'}`} class="inline-form">
      <Csrf token={props.ctx.csrf} />
      {Object.entries(props.hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
      <button type="submit" class={u.deactivatedAt ? 'btn btn-small' : 'btn btn-small btn-quiet'}>
        {u.deactivatedAt ? 'Reactivate' : 'Deactivate'}<span class="sr-only"> {u.name}</span>
      </button>
    </form>
  );
}

export function AdminUsers(props: { ctx: PageContext; rows: UserRow[]; q: string; role?: Role }) {
  const hidden: Record<string, string> = {};
  if (props.q) hidden.q = props.q;
  if (props.role) hidden.role = props.role;
  const filtered = Boolean(props.q || props.role);
  return (
    <Layout ctx={props.ctx} title="Users" wide>
      <h1>Users</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new */}
      <form method="get" action="/admin/users" class="search filters-form" role="search">
        <Field id="q" name="q" label="Name or email" type="search" value={props.q} />
        <SelectField id="role" name="role" label="Role" value={props.role ?? ''} options={ROLE_OPTIONS} />
        <button type="submit" class="btn">Search</button>
        {filtered ? <a href="/admin/users">Clear search</a> : null}
      </form>
      {props.rows.length === 0 ? <p class="card empty">No accounts match.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Accounts{props.role ? ` with the role ${props.role}` : ''}{props.q ? ` matching ${props.q}` : ''}, by name</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
            <tbody>
              {props.rows.map((u) => (
                <tr key={u.id}>
                  <td><a href={`/admin/users/${u.id}`}>{u.name}</a></td>
                  <td>{u.email}{u.emailVerifiedAt ? null : <span class="muted small"> (not confirmed)</span>}</td>
                  <td>{u.role}</td>
                  <td><StatusOf deactivatedAt={u.deactivatedAt} /></td>
                  <td><AccountButton ctx={props.ctx} u={u} hidden={hidden} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.rows.length === USERS_PAGE ? <p class="muted small">Showing the first {USERS_PAGE} by name: search to narrow the list.</p> : null}
    </Layout>
  );
}

function SessionTable(props: { id: string; title: string; other: 'mentor' | 'mentee'; side: Person['asMentee']; tz: string; allHref: string }) {
  const { side } = props;
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title} <span class="muted small">({side.total})</span></h2>
      {side.rows.length === 0 ? <p class="card empty">None.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{props.title}, latest start first. Times in {props.tz}.</caption>
            <thead>
              <tr><th scope="col">Date</th><th scope="col">{props.other === 'mentor' ? 'Mentor' : 'Mentee'}</th><th scope="col">Status</th><th scope="col">Price</th></tr>
            </thead>
            <tbody>
              {side.rows.map((s: SessionRow) => (
                <tr key={s.id}>
                  <td><a href={`/admin/sessions/${s.id}`}>{formatDateTime(s.startsAt, props.tz)}</a></td>
                  <td><a href={`/admin/users/${props.other === 'mentor' ? s.mentorId : s.menteeId}`}>{props.other === 'mentor' ? s.mentorName : s.menteeName}</a></td>
                  <td><StatusBadge status={s.status} /></td>
                  <td>{formatMoney(s.priceCents, s.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {side.total > side.rows.length ? (
        <p class="small">Showing the latest {PERSON_SESSIONS}. <a href={props.allHref}>All {side.total} on the Sessions page</a></p>
      ) : null}
    </section>
  );
}

const APPLICATION_WORDS = { pending: 'Waiting for review', approved: 'Approved', declined: 'Declined' } as const;

export function PersonPage(props: { ctx: PageContext; person: Person }) {
  const { user, asMentee, asMentor, applications } = props.person;
  const tz = props.ctx.user!.timezone;
  return (
    <Layout ctx={props.ctx} title={user.name} wide>
      <p><a href="/admin/users">← Users</a></p>
      <h1>{user.name}</h1>
      <section aria-labelledby="account" class="card">
        <h2 id="account">Account</h2>
        <dl class="meta">
          <dt>Email</dt><dd>{user.email}{user.emailVerifiedAt ? '' : ' (not confirmed)'}</dd>
          <dt>Role</dt><dd>{user.role}</dd>
          <dt>Status</dt><dd><StatusOf deactivatedAt={user.deactivatedAt} />{user.deactivatedAt ? ` since ${formatDateTime(user.deactivatedAt, tz)}` : ''}</dd>
          <dt>Time zone</dt><dd>{user.timezone}</dd>
          <dt>Joined</dt><dd>{formatDateTime(user.createdAt, tz)}</dd>
        </dl>
        {props.person.hasMentorProfile ? (
          <p>
            <a href={`/mentors/${user.id}`}>Public profile</a>{' · '}
            <a href={`/admin/mentors/${user.id}/profile`}>Edit profile</a>{' · '}
            <a href={`/admin/mentors/${user.id}/availability`}>Availability</a>
          </p>
        ) : null}
        <AccountButton ctx={props.ctx} u={user} hidden={{ back: 'person' }} />
        {user.deactivatedAt || user.id === props.ctx.user!.id ? null : (
          <p class="muted small">Deactivating logs them out everywhere and cancels their upcoming sessions with a full refund.</p>
        )}
      </section>
      <SessionTable id="as-mentee" title="Sessions as mentee" other="mentor" side={asMentee} tz={tz} allHref={`/admin/sessions?mentee=${user.id}`} />
      <SessionTable id="as-mentor" title="Sessions as mentor" other="mentee" side={asMentor} tz={tz} allHref={`/admin/sessions?mentor=${user.id}`} />
      {applications.length ? (
        <section aria-labelledby="applications">
          <h2 id="applications">Mentor applications</h2>
          <ul class="plain-list">
            {applications.map((a) => (
              <li key={a.id}>
                {formatDateTime(a.createdAt, tz)}: {APPLICATION_WORDS[a.status]}
                {a.status === 'pending' ? <> (<a href="/admin/mentors#applications">decide</a>)</> : null}
                {a.declineReason ? <span class="muted"> — {a.declineReason}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
