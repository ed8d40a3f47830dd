import { APPLICATION_LIMITS, type OpenApplication } from '../mentors/applications';
import type { MentorCard } from '../mentors/directory';
import type { PageContext } from '../web/context';
import { TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatMoney } from '../web/money';

/** A decline form sent back with its error (an empty reason), kept as typed. */
export interface DeclineFormState {
  applicationId: string;
  reason: string;
  error: string;
}

const when = (d: Date) => d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

export function AdminMentors(props: { ctx: PageContext; mentors: MentorCard[]; applications: OpenApplication[]; decline?: DeclineFormState }) {
  return (
    <Layout ctx={props.ctx} title="Mentors" wide>
      <h1>Mentors</h1>
      {props.decline ? (
        <div class="alert error-summary" role="alert">
          <p><strong>Nothing was changed.</strong> <a href={`#reason-${props.decline.applicationId}`}>Reason for declining: {props.decline.error}</a></p>
        </div>
      ) : null}
      <section aria-labelledby="applications">
        <h2 id="applications">Applications</h2>
        {props.applications.length === 0 ? (
          <p class="card empty">No applications are waiting. People apply on the public <a href="/become-a-mentor">Become a mentor</a> page.</p>
        ) : (
          <ul class="application-list">
            {props.applications.map((a) => (
              <ApplicationCard key={a.id} ctx={props.ctx} a={a} decline={props.decline?.applicationId === a.id ? props.decline : undefined} />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="mentors">
        <h2 id="mentors">Mentors</h2>
        {props.mentors.length === 0 ? <p class="card empty">No mentors yet. Approve an application above, or create one with <code>npm run cli -- user:create --role mentor …</code>.</p> : (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Mentors</caption>
              <thead><tr><th scope="col">Mentor</th><th scope="col">Headline</th><th scope="col">Rate</th><th scope="col">Edit</th></tr></thead>
              <tbody>
                {props.mentors.map((m) => (
                  <tr key={m.id}>
                    <td><a href={`/mentors/${m.id}`}>{m.name}</a></td>
                    <td>{m.headline}</td>
                    <td>{formatMoney(m.hourlyRateCents, m.currency)}/h</td>
                    <td>
                      <a href={`/admin/mentors/${m.id}/profile`}>Profile<span class="sr-only"> of {m.name}</span></a>{' · '}
                      <a href={`/admin/mentors/${m.id}/availability`}>Availability<span class="sr-only"> of {m.name}</span></a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

function ApplicationCard(props: { ctx: PageContext; a: OpenApplication; decline?: DeclineFormState }) {
  const { a } = props;
  const headingId = `application-${a.id}`;
  return (
    <li class="card application">
      <h3 id={headingId}><a href={`/admin/users/${a.userId}`}>{a.name}</a></h3>
      <p class="muted small">
        {a.email}{a.emailVerified ? '' : ' (email not confirmed)'} · applied {when(a.createdAt)} UTC
      </p>
      {a.deactivated ? <p class="note">This account is deactivated: reactivate it on their page before approving, or decline.</p> : null}
      <dl class="meta">
        <dt>Headline</dt><dd>{a.headline}</dd>
        <dt>Skills</dt><dd>{a.skills.join(', ')}</dd>
        <dt>Hourly rate</dt><dd>{formatMoney(a.hourlyRateCents, a.currency)}</dd>
        <dt>Links</dt>
        <dd>
          {a.links.length === 0 ? <span class="muted">None</span> : (
            <ul class="link-list">
              {/* Stored only when http(s): see parseLinks. Opened without our referrer or window. */}
              {a.links.map((l) => <li key={l}><a href={l} rel="nofollow noopener noreferrer ugc">{l}</a></li>)}
            </ul>
          )}
        </dd>
      </dl>
      <p class="bio">{a.bio}</p>
      {a.upcomingAsMentee > 0 ? (
        <p class="note">
          Has {a.upcomingAsMentee} upcoming {a.upcomingAsMentee === 1 ? 'session' : 'sessions'} booked as a mentee. They stay booked after an
          approval; as a mentor, this person can still open and join them, but an admin cancels or moves them.
        </p>
      ) : null}
      <div class="decision">
        <form method="post" action={`/admin/mentors/applications/${a.id}/approve`} class="inline-form">
          <Csrf token={props.ctx.csrf} />
          <button type="submit" class="btn">Approve<span class="sr-only"> {a.name}</span></button>
        </form>
        <form method="post" action={`/admin/mentors/applications/${a.id}/decline`} class="decline-form" novalidate>
          <Csrf token={props.ctx.csrf} />
          <TextArea id={`reason-${a.id}`} name="reason" label={`Reason for declining ${a.name}`} value={props.decline?.reason ?? ''} error={props.decline?.error}
            rows={2} maxLength={APPLICATION_LIMITS.reason} hint="Emailed to the applicant as written." />
          <button type="submit" class="btn btn-quiet">Decline<span class="sr-only"> {a.name}</span></button>
        </form>
      </div>
    </li>
  );
}
