import type { InferSelectModel } from 'drizzle-orm';
import type { emailOutbox, mailboxMessages } from '../db/schema';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';

type MailboxRow = Pick<InferSelectModel<typeof mailboxMessages>, 'id' | 'toName' | 'toAddress' | 'subject' | 'createdAt'>;

export function MailboxList(props: { ctx: PageContext; messages: MailboxRow[]; smtp: boolean }) {
  const tz = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title="Mail" wide>
      <h1>Mail</h1>
      {props.smtp ? (
        <p class="note">Email is delivered over SMTP. The built-in mailbox below keeps only what was sent before SMTP was configured.</p>
      ) : (
        <p class="note">Demo mode: emails are kept here instead of being sent. Set <code>SMTP_URL</code> to deliver them.</p>
      )}
      {props.messages.length === 0 ? (
        <p class="card empty">No emails yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Emails, newest first</caption>
            <thead><tr><th scope="col">Received</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
            <tbody>
              {props.messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt, tz)}</td>
                  <td>{m.toName} <span class="muted">&lt;{m.toAddress}&gt;</span></td>
                  <td><a href={`/admin/mail/${m.id}`}>{m.subject}</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function MailboxMessage(props: { ctx: PageContext; message: InferSelectModel<typeof mailboxMessages> }) {
  const m = props.message;
  const tz = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title={m.subject} wide>
      <p><a href="/admin/mail">← All mail</a></p>
      <h1>{m.subject}</h1>
      <dl class="meta">
        <dt>From</dt><dd>{m.fromHeader}</dd>
        <dt>To</dt><dd>{m.toName} &lt;{m.toAddress}&gt;</dd>
        <dt>Received</dt><dd>{formatDateTime(m.createdAt, tz)}</dd>
        <dt>Message-ID</dt><dd><code>{m.messageId}</code></dd>
      </dl>
      {m.html ? <p><a href={`/admin/mail/${m.id}/html`}>View the HTML version</a></p> : null}
      {m.attachments.length > 0 ? (
        <section aria-labelledby="att">
          <h2 id="att">Attachments</h2>
          <ul>
            {m.attachments.map((a, i) => (
              <li key={a.filename}><a href={`/admin/mail/${m.id}/attachments/${i}`}>{a.filename}</a> <span class="muted">({a.contentType.split(';')[0]})</span></li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2>Text</h2>
      <pre class="mail-text">{m.text}</pre>
    </Layout>
  );
}

type OutboxRow = InferSelectModel<typeof emailOutbox>;

export function OutboxList(props: { ctx: PageContext; rows: OutboxRow[]; status?: string }) {
  const tz = props.ctx.user?.timezone ?? 'UTC';
  return (
    <Layout ctx={props.ctx} title="Outbox" wide>
      <h1>Outbox</h1>
      <p class="note">Every email the product sends passes through here. Failed emails can be retried once the cause is fixed.</p>
      <nav aria-label="Filter by status" class="filters">
        {['all', 'pending', 'sending', 'sent', 'failed'].map((s) => {
          const current = (props.status ?? 'all') === s;
          return <a key={s} href={s === 'all' ? '/admin/outbox' : `/admin/outbox?status=${s}`} aria-current={current ? 'page' : undefined}>{s}</a>;
        })}
      </nav>
      {props.rows.length === 0 ? (
        <p class="card empty">Nothing here.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Outbox emails, failures first</caption>
            <thead>
              <tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.createdAt, tz)}</td>
                  <td>{r.toName} <span class="muted">&lt;{r.toAddress}&gt;</span></td>
                  <td>{r.template}</td>
                  <td><span class={`badge badge-${r.status}`}>{r.status}</span></td>
                  <td>{r.attempts}</td>
                  <td class="error-text">{r.lastError ?? ''}</td>
                  <td>
                    {r.status === 'failed' ? (
                      <form method="post" action={`/admin/outbox/${r.id}/retry`}>
                        <Csrf token={props.ctx.csrf} />
                        <button type="submit" class="btn btn-small" aria-label={`Retry email to ${r.toAddress}`}>Retry</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
