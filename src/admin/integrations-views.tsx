import { Fragment, type ComponentChildren } from 'preact';
import type { CheckStep, IntegrationName } from '../integrations/check';
import type { ConfiguredIntegration } from '../integrations/settings';
import type { IntegrationState, LatestCheck } from '../integrations/state';
import type { PageContext } from '../web/context';
import { Field } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime, type Clock } from '../web/time';

export interface MailForm {
  to: string;
  error?: string;
}

interface Props {
  ctx: PageContext;
  configured: Record<IntegrationName, ConfiguredIntegration>;
  state: IntegrationState;
  checks: Record<IntegrationName, LatestCheck | null>;
  mail: MailForm;
}

/** Dates in the admin's zone and clock. */
type When = (date: Date) => string;

const OUTCOME_WORDS: Record<CheckStep['outcome'], string> = { ok: 'Passed', failed: 'Failed', skipped: 'Skipped' };
const MARK: Record<CheckStep['outcome'], string> = { ok: '✓', failed: '✗', skipped: '–' };

/** GET /admin/integrations: per integration, its settings (masked), what the data says now, its latest check and a button to run it. */
export function IntegrationsPage(props: Props) {
  const tz = props.ctx.user?.timezone ?? 'UTC';
  const clock: Clock = props.ctx.clock ?? '24h';
  const when: When = (d) => formatDateTime(d, tz, clock);
  const { state, configured, checks } = props;
  return (
    <Layout ctx={props.ctx} title="Integrations">
      <h1>Integrations</h1>
      <p class="muted">
        How email, meeting rooms and payments are set up, what the data says about them now, and a check of each that you can run
        here or from the command line. Times are in {tz}. Monitoring can read the same state as JSON from <code>GET /healthz?deep=1</code>.
      </p>
      <nav aria-label="Integrations on this page">
        <ul class="filters integration-toc">
          <li><a href="#mail">Mail</a></li>
          <li><a href="#meetings">Meetings</a></li>
          <li><a href="#payments">Payments</a></li>
          <li><a href="#jobs">Background jobs</a></li>
        </ul>
      </nav>

      <Section id="mail" title="Mail" configured={configured.mail} check={checks.mail} when={when} run={<MailCheckForm ctx={props.ctx} form={props.mail} />}>
        <Now>
          <div class="stats">
            <Figure label="Waiting to be sent" value={state.mail.pending} href="/admin/outbox" />
            <Figure label="Failed" value={state.mail.failed} href="/admin/outbox?status=failed" />
          </div>
          <dl class="meta">
            <dt>Last delivered</dt>
            <dd>{state.mail.lastDelivered ? <>{when(state.mail.lastDelivered.at)}: <code>{state.mail.lastDelivered.template}</code></> : 'No email delivered yet.'}</dd>
            <dt>Last failure</dt>
            <dd>
              {state.mail.lastFailure ? (
                <>
                  <code>{state.mail.lastFailure.template}</code>, queued {when(state.mail.lastFailure.queuedAt)}
                  {state.mail.lastFailure.error ? <span class="check-error">{state.mail.lastFailure.error}</span> : null}
                </>
              ) : 'None.'}
            </dd>
          </dl>
        </Now>
      </Section>

      <Section id="meetings" title="Meetings" configured={configured.meetings} check={checks.meetings} when={when} run={<RunCheckForm ctx={props.ctx} integration="meetings" button="Test meetings" hint="Creates a room for a throw-away event with the configured provider, shows its link, and deletes it." />}>
        <Now>
          <div class="stats">
            <Figure label="Rooms pending" one="Room pending" value={state.rooms.pending} />
            <Figure label="Rooms failed" one="Room failed" value={state.rooms.failed} />
          </div>
          {state.rooms.oldest.length > 0 ? (
            <>
              <p>Confirmed sessions still without a meeting room, longest waiting first. Each session's page has "Retry now".</p>
              <ul class="room-list">
                {state.rooms.oldest.map((r) => (
                  <li key={r.sessionId}>
                    <a href={`/admin/sessions/${r.sessionId}`}>Session of {when(r.startsAt)}</a>{' '}
                    <span class={r.state === 'failed' ? 'badge badge-failed' : 'badge badge-pending'}>{r.state === 'failed' ? 'failed' : 'pending'}</span>
                    {r.lastError ? <span class="check-error">{r.lastError}</span> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : <p class="muted">Every confirmed session has its meeting room.</p>}
        </Now>
      </Section>

      <Section id="payments" title="Payments" configured={configured.payments} check={checks.payments} when={when} run={<RunCheckForm ctx={props.ctx} integration="payments" button="Test payments" hint="Checks the key (test or live mode), that the webhook secret is set, and the webhook address to register." />}>
        <Now>
          <div class="stats">
            <Figure label="Webhooks received, last 24 h" one="Webhook received, last 24 h" value={state.webhooks.receivedLast24h} />
            <Figure label="Webhooks refused, last 24 h" one="Webhook refused, last 24 h" value={state.webhooks.refusedLast24h} />
          </div>
          <dl class="meta">
            <dt>Last received</dt>
            <dd>{state.webhooks.lastReceivedAt ? when(state.webhooks.lastReceivedAt) : 'No webhook received yet.'}</dd>
            <dt>Last refusal</dt>
            <dd>
              {state.webhooks.lastRefusal ? <>{when(state.webhooks.lastRefusal.at)}<span class="check-error">{state.webhooks.lastRefusal.reason}</span></> : 'None.'}
            </dd>
          </dl>
        </Now>
      </Section>

      <section id="jobs" aria-labelledby="jobs-title" class="card integration">
        <h2 id="jobs-title">Background jobs</h2>
        <div class="stats">
          <Figure label="Failed jobs" one="Failed job" value={state.jobs.failed} href="/admin/jobs" />
        </div>
        <p class="muted">Meeting rooms, refunds and emails that used up their retries; <a href="/admin/jobs">Failed jobs</a> shows each with its last error and Retry.</p>
      </section>
    </Layout>
  );
}

function Section(props: { id: IntegrationName; title: string; configured: ConfiguredIntegration; check: LatestCheck | null; when: When; run: ComponentChildren; children: ComponentChildren }) {
  const titleId = `${props.id}-title`;
  return (
    <section id={props.id} aria-labelledby={titleId} class="card integration">
      <div class="integration-head">
        <h2 id={titleId}>{props.title}</h2>
        <CheckBadge check={props.check} />
      </div>
      <p class="integration-provider">{props.configured.provider}</p>
      <h3>Settings</h3>
      <dl class="meta settings">
        {props.configured.settings.map((s) => (
          <Fragment key={s.variable}>
            <dt><code>{s.variable}</code></dt>
            <dd><code>{s.value}</code></dd>
          </Fragment>
        ))}
      </dl>
      {props.children}
      <h3>Latest check</h3>
      <CheckReportView check={props.check} when={props.when} />
      {props.run}
    </section>
  );
}

function MailCheckForm(props: { ctx: PageContext; form: MailForm }) {
  return (
    <form method="post" action="/admin/integrations/mail" class="check-form" novalidate>
      <Csrf token={props.ctx.csrf} />
      <Field name="to" label="Send to" type="email" value={props.form.to} autocomplete="email" maxLength={254} error={props.form.error}
        hint="A test email goes through the outbox and the configured transport, as every email does." />
      <button type="submit" class="btn">Send test email</button>
    </form>
  );
}

function RunCheckForm(props: { ctx: PageContext; integration: IntegrationName; button: string; hint: string }) {
  return (
    <form method="post" action={`/admin/integrations/${props.integration}`} class="check-form">
      <Csrf token={props.ctx.csrf} />
      <p class="hint">{props.hint}</p>
      <button type="submit" class="btn">{props.button}</button>
    </form>
  );
}

function Now(props: { children: ComponentChildren }) {
  return (
    <>
      <h3>Current state</h3>
      {props.children}
    </>
  );
}

function CheckBadge(props: { check: LatestCheck | null }) {
  if (!props.check) return <span class="badge">Not checked yet</span>;
  return props.check.ok ? <span class="badge badge-sent">Last check passed</span> : <span class="badge badge-failed">Last check failed</span>;
}

/** The latest check: when, who or where, the summary, and each step with its mark, its outcome in words, its detail and fix. */
function CheckReportView(props: { check: LatestCheck | null; when: When }) {
  const { check } = props;
  if (!check) return <p class="muted">Not checked yet. Run the check below, or from the command line.</p>;
  const where = check.source === 'cli' ? 'from the command line' : check.actorName ? `by ${check.actorName} on this page` : 'on this page';
  return (
    <div class={check.ok ? 'check-report check-passed' : 'check-report check-failed'}>
      <p class="check-summary">
        <strong>{check.ok ? 'Passed' : 'Failed'}:</strong> {check.summary}
      </p>
      <p class="muted check-when">Ran {props.when(check.finishedAt)}, {where}.</p>
      <ul class="check-steps">
        {check.steps.map((step, i) => (
          <li key={i} class={`check-step check-step-${step.outcome}`}>
            <span class="check-mark" aria-hidden="true">{MARK[step.outcome]}</span>
            <span>
              <span class="sr-only">{OUTCOME_WORDS[step.outcome]}: </span>
              <strong>{step.label}</strong>{step.detail ? `: ${step.detail}` : null}
              {step.outcome === 'failed' && step.fix ? <span class="check-fix">{step.fix}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A count and what it counts, read together, as on the admin home. */
function Figure(props: { label: string; one?: string; value: number; href?: string }) {
  const label = props.value === 1 && props.one ? props.one : props.label;
  return (
    <div class="stat">
      <span class="stat-value">{props.value}</span>
      <span class="stat-label">{props.href ? <a href={props.href}>{label}</a> : label}</span>
    </div>
  );
}
