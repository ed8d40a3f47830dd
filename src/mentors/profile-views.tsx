import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../accounts/users';
import type { PageContext } from '../web/context';
import { ErrorSummary, Field, FieldError, fieldId, SelectField, TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { describeZone } from '../web/zones';
import { formatMinute, timeInputValue, WEEK, type WindowRow } from './availability';
import { TimeOffSection } from './time-off-views';
import type { TimeOffEntry, TimeOffForm } from './time-off';
import { BUFFER_CHOICES, CURRENCIES, LIMITS, SESSION_LENGTH_CHOICES, type ProfileForm } from './profile';

/** Whose profile the page edits, and where its forms post: the mentor's own pages, or an admin's. */
export interface EditTarget {
  mentor: { id: string; name: string; timezone: string };
  /** True on the admin pages. */
  asAdmin: boolean;
  profileUrl: string;
  availabilityUrl: string;
}

/** Rows of the availability form per weekday key ("monday"), as typed or as stored. */
export type AvailabilityForm = Record<string, { start: string; end: string }[]>;

export const ROWS_PER_DAY = 3;

/** The stored windows as form rows: at least ROWS_PER_DAY per day, more if more are stored (so none is dropped). */
export function availabilityFormValues(windows: WindowRow[]): AvailabilityForm {
  const out: AvailabilityForm = {};
  for (const day of WEEK) {
    const rows = windows
      .filter((w) => w.weekday === day.value)
      .map((w) => ({ start: timeInputValue(w.startMinute), end: timeInputValue(w.endMinute) }));
    while (rows.length < ROWS_PER_DAY) rows.push({ start: '', end: '' });
    out[day.key] = rows;
  }
  return out;
}

function SessionLengths(props: { values: string[]; error?: string }) {
  const id = fieldId('sessionLengths');
  return (
    <fieldset id={id} class={props.error ? 'field choices has-error' : 'field choices'}
      aria-describedby={props.error ? `${id}-hint ${id}-error` : `${id}-hint`}>
      <legend>Session lengths offered</legend>
      <p class="hint" id={`${id}-hint`}>Mentees choose one of these when they book. Pick at least one.</p>
      <FieldError id={id} error={props.error} />
      <div class="choice-row">
        {SESSION_LENGTH_CHOICES.map((len) => (
          <label key={len} class="choice">
            <input type="checkbox" name="sessionLengths" value={String(len)} checked={props.values.includes(String(len))}
              aria-invalid={props.error ? 'true' : undefined} />
            {' '}{len} minutes
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function EditNav(props: { target: EditTarget; current: 'profile' | 'availability' }) {
  const { target } = props;
  return (
    <nav class="subnav" aria-label={target.asAdmin ? `Edit ${target.mentor.name}` : 'My mentor profile'}>
      <ul>
        <li><a href={target.profileUrl} aria-current={props.current === 'profile' ? 'page' : undefined}>Profile</a></li>
        <li><a href={target.availabilityUrl} aria-current={props.current === 'availability' ? 'page' : undefined}>Weekly availability</a></li>
        <li><a href={`/mentors/${target.mentor.id}`}>{target.asAdmin ? 'Public profile' : 'My public profile'}</a></li>
      </ul>
    </nav>
  );
}

const PROFILE_LABELS: Record<string, string> = {
  headline: 'Headline', bio: 'About', skills: 'Skills', hourlyRate: 'Hourly rate', currency: 'Currency',
  sessionLengths: 'Session lengths', minNoticeHours: 'Minimum notice', horizonDays: 'Booking horizon', bufferMinutes: 'Buffer between sessions',
};

export function ProfileEditPage(props: { ctx: PageContext; target: EditTarget; values: ProfileForm; errors: FieldErrors }) {
  const { target, values, errors } = props;
  const title = target.asAdmin ? `Profile of ${target.mentor.name}` : 'My profile';
  return (
    <Layout ctx={props.ctx} title={title}>
      {target.asAdmin ? <p><a href="/admin">← Admin</a></p> : null}
      <h1>{title}</h1>
      <EditNav target={target} current="profile" />
      <ErrorSummary errors={errors} labels={PROFILE_LABELS} retry="save" />
      <form method="post" action={target.profileUrl} class="card stack edit-form" novalidate>
        <Csrf token={props.ctx.csrf} />
        <fieldset>
          <legend>About {target.asAdmin ? target.mentor.name : 'you'}</legend>
          <Field name="headline" label="Headline" value={values.headline} error={errors.headline}
            hint={`One line shown under the name in the mentor list, up to ${LIMITS.headline} characters.`} />
          <TextArea name="bio" label="About" value={values.bio} error={errors.bio}
            hint={`Experience, what you help with, how you like to work. Up to ${LIMITS.bio} characters.`} />
          <Field name="skills" label="Skills" value={values.skills} error={errors.skills}
            hint={`Separate with commas, e.g. TypeScript, React, System design. 1 to ${LIMITS.skills} skills, each up to ${LIMITS.skill} characters.`} />
        </fieldset>
        <fieldset>
          <legend>Price</legend>
          <Field name="hourlyRate" label="Hourly rate" value={values.hourlyRate} error={errors.hourlyRate} inputmode="decimal"
            hint={`In the currency below, from ${LIMITS.rateMin} to ${LIMITS.rateMax}, e.g. 60 or 72.50. A session costs its share of this rate.`} />
          <SelectField name="currency" label="Currency" value={values.currency} options={CURRENCIES} error={errors.currency} keepUnlisted />
        </fieldset>
        <fieldset>
          <legend>Bookings</legend>
          <SessionLengths values={values.sessionLengths} error={errors.sessionLengths} />
          <Field name="minNoticeHours" label="Minimum notice (hours)" value={values.minNoticeHours} error={errors.minNoticeHours}
            type="number" inputmode="numeric" min={0} max={LIMITS.noticeHoursMax} step={1}
            hint={`How long before a session it must be booked: 0 to ${LIMITS.noticeHoursMax} hours.`} />
          <Field name="horizonDays" label="Booking horizon (days)" value={values.horizonDays} error={errors.horizonDays}
            type="number" inputmode="numeric" min={1} max={LIMITS.horizonDaysMax} step={1}
            hint={`How far ahead sessions can be booked: 1 to ${LIMITS.horizonDaysMax} days.`} />
          <SelectField name="bufferMinutes" label="Buffer between sessions" value={values.bufferMinutes || '0'} error={errors.bufferMinutes}
            options={BUFFER_CHOICES.map((m) => ({ value: String(m), label: m === 0 ? 'None' : `${m} minutes` }))}
            hint="Time kept free before and after each of your sessions: no slot is offered that starts or ends closer to one." />
        </fieldset>
        <button type="submit" class="btn">Save profile</button>
      </form>
    </Layout>
  );
}

function WeekTable(props: { windows: WindowRow[]; zone: string }) {
  return (
    <div class="table-wrap">
      <table class="week-table">
        <caption>Weekly availability, in {props.zone}</caption>
        <thead>
          <tr><th scope="col">Day</th><th scope="col">Available</th></tr>
        </thead>
        <tbody>
          {WEEK.map((day) => {
            const ws = props.windows.filter((w) => w.weekday === day.value);
            return (
              <tr key={day.key}>
                <th scope="row">{day.label}</th>
                <td>{ws.length === 0 ? <span class="muted">Not available</span>
                  : ws.map((w) => `${formatMinute(w.startMinute)}–${formatMinute(w.endMinute)}`).join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function TimeInput(props: { name: string; label: ComponentChildren; value: string; errorId?: string }) {
  const id = fieldId(props.name);
  return (
    <div class="time-field">
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type="time" step={1800} value={props.value}
        aria-invalid={props.errorId ? 'true' : undefined} aria-describedby={props.errorId} />
    </div>
  );
}

export function AvailabilityPage(props: {
  ctx: PageContext; target: EditTarget; values: AvailabilityForm; errors: FieldErrors; saved: WindowRow[];
  timeOff: { entries: TimeOffEntry[]; values: TimeOffForm; errors: FieldErrors };
}) {
  const { target, values, errors } = props;
  const zone = target.mentor.timezone;
  const title = target.asAdmin ? `Availability of ${target.mentor.name}` : 'My weekly availability';
  const labels: Record<string, string> = {};
  for (const day of WEEK) (values[day.key] ?? []).forEach((_, i) => { labels[`${day.key}-${i + 1}-start`] = `${day.label}, window ${i + 1}`; });
  // Errors are per row ("monday-1"); the summary links to the row's start field.
  const summaryErrors: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) summaryErrors[key === 'form' ? key : `${key}-start`] = message;
  return (
    <Layout ctx={props.ctx} title={title}>
      {target.asAdmin ? <p><a href="/admin">← Admin</a></p> : null}
      <h1>{title}</h1>
      <EditNav target={target} current="availability" />
      {/* At the top, above the current week, so a refused save is seen without scrolling (app.js also focuses it). */}
      <ErrorSummary errors={summaryErrors} labels={labels} retry="save" />
      <p class="note">
        All times are in <strong>{describeZone(zone)}</strong>, {target.asAdmin ? `${target.mentor.name}’s time zone` : 'your time zone'}.
        {' '}Mentees see them converted to their own.
        {target.asAdmin ? null : <> <a href="/account">Change your time zone</a>.</>}
      </p>
      <section aria-labelledby="current">
        <h2 id="current">Current availability</h2>
        <WeekTable windows={props.saved} zone={zone} />
      </section>
      <TimeOffSection csrf={props.ctx.csrf} url={`${target.availabilityUrl}/time-off`} zone={zone} ownPage={!target.asAdmin} {...props.timeOff} />
      <section aria-labelledby="edit">
        <h2 id="edit">Change availability</h2>
        <form method="post" action={target.availabilityUrl} class="stack" novalidate>
          <Csrf token={props.ctx.csrf} />
          <p class="hint" id="availability-hint">
            Up to {ROWS_PER_DAY} windows a day, on the hour or half hour. Leave a row empty to skip it.
            To be available until midnight, end at 00:00. Saving replaces the whole week.
          </p>
          <div class="week-form">
            {WEEK.map((day) => (
              <fieldset key={day.key} class="card day-windows">
                <legend>{day.label}</legend>
                {(values[day.key] ?? []).map((row, i) => {
                  const rowId = `${day.key}-${i + 1}`;
                  const error = errors[rowId];
                  const errorId = error ? `${fieldId(rowId)}-error` : undefined;
                  return (
                    <div key={rowId} class={error ? 'window-row has-error' : 'window-row'}>
                      <TimeInput name={`${rowId}-start`} value={row.start} errorId={errorId}
                        label={<><span class="sr-only">{day.label}, window {i + 1}, </span>Start</>} />
                      <TimeInput name={`${rowId}-end`} value={row.end} errorId={errorId}
                        label={<><span class="sr-only">{day.label}, window {i + 1}, </span>End</>} />
                      {error ? <p class="error" id={errorId}>{error}</p> : null}
                    </div>
                  );
                })}
              </fieldset>
            ))}
          </div>
          <button type="submit" class="btn">Save availability</button>
        </form>
      </section>
    </Layout>
  );
}
