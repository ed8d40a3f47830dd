import type { FastifyInstance } from 'fastify';
import { updateAccountSettings, type AccountSettingsForm } from './settings';
import { requireRole, SESSION_COOKIE } from '../web/auth';
import { pageContext, setFlash, type PageContext } from '../web/context';
import { Field, SelectField } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { sendPage } from '../web/render';
import { describeZone, TIME_ZONES } from '../web/zones';
import { changePassword } from './password-reset';
import { ResendVerificationForm } from './recovery-views';
import { PASSWORD_MIN, type FieldErrors } from './users';

const CLOCK_CHOICES = [{ value: '12h', label: '12-hour (2:30 PM)' }, { value: '24h', label: '24-hour (14:30)' }];

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

/** Name, time zone and password, for every logged-in user: their own account only (the user comes from the session). */
export async function accountSettingsRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  const { hasher, now, wakeWorker, config } = app.services;
  const anyone = { preHandler: requireRole('mentee', 'mentor', 'admin') };
  const limit = { rateLimit: { max: config.authRateLimitPerMinute, timeWindow: '1 minute' } };

  app.get('/account', anyone, async (request, reply) => {
    const user = request.user!;
    return sendPage(reply, <AccountSettingsPage ctx={pageContext(request, reply)} values={{ name: user.name, timezone: user.timezone, clock: user.clock ?? undefined }} errors={{}} />);
  });

  app.post<{ Body: Body }>('/account', anyone, async (request, reply) => {
    const body = request.body ?? {};
    const input = { name: one(body.name), timezone: one(body.timezone), clock: body.clock === undefined ? undefined : one(body.clock) };
    const user = request.user!;
    const result = await updateAccountSettings({ db, userId: user.id, input, actorId: user.id, ip: request.ip });
    if (!result.ok) {
      return sendPage(reply, <AccountSettingsPage ctx={pageContext(request, reply)} values={input} errors={result.errors} />, 400);
    }
    setFlash(reply, 'Your account settings are saved.');
    return reply.redirect('/account', 303);
  });

  app.post<{ Body: Body }>('/account/password', { ...anyone, config: limit }, async (request, reply) => {
    const body = request.body ?? {};
    const user = request.user!;
    const result = await changePassword({
      db, hasher, userId: user.id, currentPassword: one(body.currentPassword), newPassword: one(body.newPassword),
      keepToken: request.cookies[SESSION_COOKIE] ?? '', ip: request.ip, now: now(),
    });
    if (!result.ok) {
      return sendPage(reply, (
        <AccountSettingsPage ctx={pageContext(request, reply)} values={{ name: user.name, timezone: user.timezone, clock: user.clock ?? undefined }} errors={{}} passwordErrors={result.errors} />
      ), 400);
    }
    wakeWorker();
    setFlash(reply, 'Your password is changed. You stay logged in here; everywhere else you have been logged out.');
    return reply.redirect('/account', 303);
  });
}

export function AccountSettingsPage(props: { ctx: PageContext; values: AccountSettingsForm; errors: FieldErrors; passwordErrors?: FieldErrors }) {
  const { values, errors } = props;
  const pw = props.passwordErrors ?? {};
  const current = props.ctx.user!.timezone;
  const mentor = props.ctx.user!.role === 'mentor';
  return (
    <Layout ctx={props.ctx} title="Account">
      <section class="card narrow">
        <h1>Account</h1>
        {errors.form ? <p class="alert" role="alert">{errors.form}</p> : null}
        {errors.name || errors.timezone || errors.clock ? <p class="alert" role="alert">Nothing was saved. Correct the fields marked below.</p> : null}
        <form method="post" action="/account" class="stack" novalidate>
          <Csrf token={props.ctx.csrf} />
          <Field name="name" label="Name" value={values.name} error={errors.name} autocomplete="name" required />
          <SelectField name="timezone" label="Time zone" value={values.timezone} options={TIME_ZONES} error={errors.timezone} keepUnlisted
            hint={`Every time on the site is shown in this zone${mentor ? '; your weekly availability keeps its clock times in it' : ''}. Now: ${describeZone(current)}.`} />
          <SelectField name="clock" label="Clock" value={values.clock || (props.ctx.clock ?? '24h')} options={CLOCK_CHOICES} error={errors.clock}
            hint={values.clock ? undefined : 'Until you choose, the one your browser’s language uses.'} />
          <button type="submit" class="btn btn-block">Save</button>
        </form>
        <p class="muted small">Your email: {props.ctx.user!.email}{props.ctx.user!.emailVerified ? ' (confirmed)' : ''}</p>
      </section>
      {props.ctx.user!.emailVerified ? null : (
        <section class="card narrow" aria-labelledby="verify-heading">
          <h2 id="verify-heading">Confirm your email</h2>
          <p>Your email address is not confirmed yet: open the link we emailed you. You can book and pay for sessions once it is confirmed.</p>
          <ResendVerificationForm csrf={props.ctx.csrf} />
        </section>
      )}
      <section class="card narrow" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        {pw.form ? <p class="alert" role="alert">{pw.form}</p> : null}
        {pw.currentPassword || pw.newPassword ? <p class="alert" role="alert">Your password was not changed. Correct the fields marked below.</p> : null}
        <form method="post" action="/account/password" class="stack" novalidate>
          <Csrf token={props.ctx.csrf} />
          <Field name="currentPassword" label="Current password" type="password" error={pw.currentPassword} autocomplete="current-password" required />
          <Field name="newPassword" label="New password" type="password" error={pw.newPassword} autocomplete="new-password"
            hint={`At least ${PASSWORD_MIN} characters, hard to guess: not a common password or your name. You stay logged in here; every other device is logged out.`} required />
          <button type="submit" class="btn btn-block">Change password</button>
        </form>
      </section>
    </Layout>
  );
}
