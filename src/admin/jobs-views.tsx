import type { FailedJob } from '../jobs/failed';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';

const SUBJECT_LINK: Record<NonNullable<FailedJob['subject']>['kind'], (id: string) => string | null> = {
  session: (id) => `/admin/sessions/${id}`,
  refund: () => '/admin/payments',
  email: () => '/admin/outbox',
};

export function FailedJobsPage(props: { ctx: PageContext; jobs: FailedJob[] }) {
  const tz = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title="Failed jobs" wide>
      <h1>Failed jobs</h1>
      <p>Background work that used up its retries: a meeting room, a refund, an email or a scheduled sweep. Retry runs it once more, now.</p>
      {props.jobs.length === 0 ? (
        <p class="card empty">Nothing has failed.</p>
      ) : (
        <div class="table-wrap table-wrap-cards">
          <table class="table-cards">
            <caption class="sr-only">Failed jobs, latest first</caption>
            <thead>
              <tr><th scope="col">Failed</th><th scope="col">Job</th><th scope="col">For</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {props.jobs.map((j) => {
                const href = j.subject ? SUBJECT_LINK[j.subject.kind](j.subject.id) : null;
                return (
                  <tr key={j.id}>
                    <td data-label="Failed">{formatDateTime(j.failedAt, tz)}</td>
                    <td data-label="Job"><code>{j.name}</code></td>
                    <td data-label="For">{j.subject ? (href ? <a href={href}>{j.subject.kind}</a> : j.subject.kind) : ''}</td>
                    <td data-label="Attempts">{j.attempts}</td>
                    <td data-label="Last error" class="error-text">{j.lastError}</td>
                    <td data-label="Actions">
                      <form method="post" action={`/admin/jobs/${j.id}/retry`}>
                        <Csrf token={props.ctx.csrf} />
                        <input type="hidden" name="name" value={j.name} />
                        <button type="submit" class="btn btn-small" aria-label={`Retry ${j.name} job`}>Retry</button>
                      </form>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
