import type { FieldErrors } from '../accounts/users';
import type { PageContext } from '../web/context';
import { ErrorSummary, Field, SelectField, TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatMoney } from '../web/money';
import { APPLICATION_LIMITS, type Application, type ApplicationForm } from './applications';
import { CURRENCIES, LIMITS } from './profile';

export const APPLY_PATH = '/become-a-mentor';

const LABELS: Record<string, string> = {
  headline: 'Headline', skills: 'Skills', hourlyRate: 'Hourly rate', currency: 'Currency', bio: 'About you', links: 'Links',
};

const dateOf = (d: Date) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** What mentoring here means: the same words for a visitor and for an applicant. */
function WhatItMeans() {
  return (
    <section aria-labelledby="what" class="card apply-card">
      <h2 id="what">What mentoring here means</h2>
      <ul class="apply-points">
        <li><strong>One-to-one video sessions</strong> of 30 to 120 minutes, at times you offer in your weekly availability.</li>
        <li><strong>You set your hourly rate</strong>; mentees pay when they book, before you accept.</li>
        <li><strong>You accept or decline</strong> each request; a meeting room and calendar invite are made for you both.</li>
        <li><strong>Mentees rate sessions</strong> afterwards, and the ratings show on your profile.</li>
      </ul>
      <p class="muted small">An admin reads every application, usually within a few days, and emails you the answer.</p>
    </section>
  );
}

export interface ApplyPageProps {
  ctx: PageContext;
  /** The person's applications, newest first (empty for a visitor). */
  applications: Application[];
  values: ApplicationForm;
  errors: FieldErrors;
}

/** "Become a mentor": public, with the form for a signed-in mentee and the status of what they sent. */
export function ApplyPage(props: ApplyPageProps) {
  const { ctx } = props;
  const latest = props.applications[0];
  const role = ctx.user?.role;
  return (
    <Layout ctx={ctx} title="Become a mentor">
      <h1>Become a mentor</h1>
      <p class="lead">Share what you have learnt as a developer, on your own schedule, and get paid for your time.</p>
      <WhatItMeans />
      {!ctx.user ? (
        <section aria-labelledby="apply" class="card apply-card">
          <h2 id="apply">Apply</h2>
          <p>Applying takes a few minutes: a headline, your skills, your rate and a little about you. You need an account first.</p>
          <p class="actions">
            <a class="btn" href={`/login?next=${encodeURIComponent(APPLY_PATH)}`}>Log in to apply</a>
            <a class="btn btn-quiet" href={`/signup?next=${encodeURIComponent(APPLY_PATH)}`}>Sign up to apply</a>
          </p>
        </section>
      ) : role === 'mentor' ? (
        <p class="card apply-card">You are a mentor already. <a href="/mentor/dashboard">Go to your Mentor Dashboard</a> or <a href="/mentor/profile">edit your profile</a>.</p>
      ) : role === 'admin' ? (
        <p class="card apply-card">Admins review applications on <a href="/admin/mentors">the Mentors page</a>.</p>
      ) : latest?.status === 'pending' ? (
        <>
          {props.errors.form ? <p class="alert" role="alert">{props.errors.form}</p> : null}
          <Submitted application={latest} />
        </>
      ) : (
        <>
          {latest?.status === 'declined' ? (
            <section class="alert apply-card" aria-labelledby="declined">
              <h2 id="declined" class="h3">Your application of {dateOf(latest.createdAt)} was declined</h2>
              <p>The reason given:</p>
              <blockquote class="reason">{latest.declineReason}</blockquote>
              <p>You are welcome to apply again below.</p>
            </section>
          ) : null}
          <ApplyForm ctx={ctx} values={props.values} errors={props.errors} />
        </>
      )}
    </Layout>
  );
}

function Submitted(props: { application: Application }) {
  const a = props.application;
  return (
    <section class="card apply-card" aria-labelledby="status">
      <h2 id="status">Your application is waiting for review</h2>
      <p>You sent it on {dateOf(a.createdAt)}. We will email you when an admin has decided; this page shows the answer too.</p>
      <dl class="meta">
        <dt>Status</dt><dd><span class="badge badge-pending">Waiting for review</span></dd>
        <dt>Headline</dt><dd>{a.headline}</dd>
        <dt>Skills</dt><dd>{a.skills.join(', ')}</dd>
        <dt>Hourly rate</dt><dd>{formatMoney(a.hourlyRateCents, a.currency)}</dd>
      </dl>
    </section>
  );
}

function ApplyForm(props: { ctx: PageContext; values: ApplicationForm; errors: FieldErrors }) {
  const { values, errors } = props;
  return (
    <section aria-labelledby="apply">
      <h2 id="apply">Apply</h2>
      <ErrorSummary errors={errors} labels={LABELS} retry="send" />
      <form method="post" action={APPLY_PATH} class="card stack edit-form" novalidate>
        <Csrf token={props.ctx.csrf} />
        <Field name="headline" label="Headline" value={values.headline} error={errors.headline} maxLength={LIMITS.headline}
          hint={`One line under your name in the mentor list, up to ${LIMITS.headline} characters.`} />
        <Field name="skills" label="Skills" value={values.skills} error={errors.skills}
          hint={`Separate with commas, e.g. TypeScript, React, System design. 1 to ${LIMITS.skills} skills.`} />
        <Field name="hourlyRate" label="Hourly rate" value={values.hourlyRate} error={errors.hourlyRate} inputmode="decimal"
          hint={`From ${LIMITS.rateMin} to ${LIMITS.rateMax} in the currency below, e.g. 60 or 72.50. A session costs its share of this rate.`} />
        <SelectField name="currency" label="Currency" value={values.currency} options={CURRENCIES} error={errors.currency} />
        <TextArea name="bio" label="About you" value={values.bio} error={errors.bio} maxLength={LIMITS.bio}
          hint={`Your experience, what you can help with, how you like to work: ${APPLICATION_LIMITS.bioMin} to ${LIMITS.bio} characters. Mentees read it on your profile.`} />
        <TextArea name="links" label="Links (optional)" value={values.links} error={errors.links} rows={3}
          hint={`Up to ${APPLICATION_LIMITS.links} web addresses starting with https:// or http://, one per line: GitHub, a blog, LinkedIn.`} />
        <button type="submit" class="btn">Send application</button>
      </form>
    </section>
  );
}
