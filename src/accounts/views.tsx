import type { PageContext } from '../web/context';
import { Field } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import type { FieldErrors } from './users';
import { PASSWORD_MIN } from './users';

/** Where a page goes next, as a query string for the links between log-in and sign-up. */
const withNext = (path: string, next?: string) => (next ? `${path}?next=${encodeURIComponent(next)}` : path);

/** A booking step waits behind this log-in or sign-up (a slot was chosen): say it is kept. */
const BookingKept = (props: { next?: string }) =>
  props.next && /^\/mentors\/[^/?#]+\?(.*&)?startsAt=/.test(props.next)
    ? <p class="notice" role="note">Your chosen time is kept: after you log in or create an account you come back to it, and nothing is booked until you press “Book and pay”.</p>
    : null;

export function LoginPage(props: { ctx: PageContext; email?: string; error?: string; next?: string }) {
  return (
    <Layout ctx={props.ctx} title="Log in">
      <section class="card narrow">
        <h1>Log in</h1>
        <BookingKept next={props.next} />
        {props.error ? <p class="alert" role="alert">{props.error}</p> : null}
        <form method="post" action="/login" class="stack">
          <Csrf token={props.ctx.csrf} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <Field name="email" label="Email" type="email" value={props.email} autocomplete="username" required />
          <Field name="password" label="Password" type="password" autocomplete="current-password" required />
          <button type="submit" class="btn btn-block">Log in</button>
        </form>
        <p class="muted"><a href="/forgot-password">Forgot password?</a></p>
        <p class="muted">New here? <a href={withNext('/signup', props.next)}>Create an account</a></p>
      </section>
    </Layout>
  );
}

export function SignupPage(props: { ctx: PageContext; values: Partial<Record<string, string>>; errors: FieldErrors; next?: string }) {
  const { values, errors } = props;
  return (
    <Layout ctx={props.ctx} title="Sign up">
      <section class="card narrow">
        <h1>Create your account</h1>
        <p class="muted">Book sessions with experienced developers. Free to join; you pay per session.</p>
        <BookingKept next={props.next} />
        {errors.form ? <p class="alert" role="alert">{errors.form}</p> : null}
        {errors.timezone ? <p class="alert" role="alert">Time zone: {errors.timezone}</p> : null}
        <form method="post" action="/signup" class="stack" novalidate>
          <Csrf token={props.ctx.csrf} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <Field name="name" label="Name" value={values.name} error={errors.name} autocomplete="name" required />
          <Field name="email" label="Email" type="email" value={values.email} error={errors.email} autocomplete="email" required />
          <Field name="password" label="Password" type="password" error={errors.password} autocomplete="new-password"
            hint={`At least ${PASSWORD_MIN} characters, hard to guess: not a common password or your name.`} required />
          {/* Filled in by app.js from the browser; without JavaScript the account starts in UTC and can be changed later. */}
          <input type="hidden" name="timezone" value={values.timezone ?? ''} data-detect-timezone />
          <button type="submit" class="btn btn-block">Sign up</button>
        </form>
        <p class="muted">Already have an account? <a href={withNext('/login', props.next)}>Log in</a></p>
      </section>
    </Layout>
  );
}
