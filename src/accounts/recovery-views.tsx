import type { PageContext } from '../web/context';
import { Field } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import type { FieldErrors } from './users';
import { PASSWORD_MIN } from './users';

export function ForgotPasswordPage(props: { ctx: PageContext; email?: string; error?: string; sent?: boolean }) {
  return (
    <Layout ctx={props.ctx} title="Forgot password">
      <section class="card narrow">
        <h1>Forgot your password?</h1>
        {props.error ? <p class="alert" role="alert">{props.error}</p> : null}
        {props.sent ? (
          <p class="flash" role="status">
            If an account exists for that address, we have sent it an email with a link to choose a new password.
            The link works once, for 30 minutes. Check your spam folder if it does not arrive.
          </p>
        ) : (
          <p class="muted">Enter the email address of your account. We will send you a link to choose a new password.</p>
        )}
        <form method="post" action="/forgot-password" class="stack">
          <Csrf token={props.ctx.csrf} />
          <Field name="email" label="Email" type="email" value={props.email} autocomplete="username" required />
          <button type="submit" class="btn btn-block">{props.sent ? 'Send the link again' : 'Send reset link'}</button>
        </form>
        <p class="muted"><a href="/login">Back to log in</a></p>
      </section>
    </Layout>
  );
}

/** The page a reset link opens: the token travels on in the form's body, and only a POST uses it. */
export function ResetPasswordPage(props: { ctx: PageContext; token: string; errors: FieldErrors }) {
  const { errors } = props;
  return (
    <Layout ctx={props.ctx} title="Choose a new password">
      <section class="card narrow">
        <h1>Choose a new password</h1>
        {errors.form ? <p class="alert" role="alert">{errors.form}</p> : null}
        {errors.password ? <p class="alert" role="alert">Your password was not changed. Correct the field marked below.</p> : null}
        <form method="post" action="/reset-password" class="stack" novalidate>
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="token" value={props.token} />
          <Field name="password" label="New password" type="password" error={errors.password} autocomplete="new-password"
            hint={`At least ${PASSWORD_MIN} characters, hard to guess: not a common password or your name.`} required />
          <button type="submit" class="btn btn-block">Set new password</button>
        </form>
        <p class="muted small">Saving logs you out everywhere; you then log in with the new password.</p>
      </section>
    </Layout>
  );
}

export function ExpiredLinkPage(props: { ctx: PageContext; kind: 'reset' | 'verify' }) {
  const reset = props.kind === 'reset';
  return (
    <Layout ctx={props.ctx} title="Link expired">
      <section class="card narrow center">
        <h1>This link no longer works</h1>
        <p role="alert">
          {reset
            ? 'Password reset links work once, for 30 minutes. Ask for a new one.'
            : 'Email confirmation links work once, for 7 days. Log in to have a new one sent, or carry on if your address is already confirmed.'}
        </p>
        <p>{reset ? <a class="btn" href="/forgot-password">Ask for a new link</a> : <a class="btn" href="/account">Go to your account</a>}</p>
      </section>
    </Layout>
  );
}

export function VerifyEmailPage(props: { ctx: PageContext; token: string; next?: string }) {
  return (
    <Layout ctx={props.ctx} title="Confirm your email">
      <section class="card narrow center">
        <h1>Confirm your email</h1>
        <p>One click and your email address is confirmed, so you can book and pay for sessions.</p>
        <form method="post" action="/verify-email" class="stack">
          <Csrf token={props.ctx.csrf} />
          <input type="hidden" name="token" value={props.token} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <button type="submit" class="btn btn-block">Confirm my email</button>
        </form>
      </section>
    </Layout>
  );
}

/** Shown instead of booking or paying while a mentee's address is unconfirmed. */
export function VerifyFirstPage(props: { ctx: PageContext; next?: string }) {
  return (
    <Layout ctx={props.ctx} title="Confirm your email first">
      <section class="card narrow center">
        <h1>Confirm your email first</h1>
        <p role="alert">
          You can book and pay for sessions once your email address is confirmed. Open the link in the welcome email
          we sent to {props.ctx.user?.email}, or have a new one sent.
        </p>
        <ResendVerificationForm csrf={props.ctx.csrf} next={props.next} />
        {props.next ? <p><a href={props.next}>Back to your booking</a></p> : null}
      </section>
    </Layout>
  );
}

export function ResendVerificationForm(props: { csrf: string; next?: string }) {
  return (
    <form method="post" action="/account/verify-email" class="stack">
      <Csrf token={props.csrf} />
      {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
      <button type="submit" class="btn btn-block">Resend verification email</button>
    </form>
  );
}
