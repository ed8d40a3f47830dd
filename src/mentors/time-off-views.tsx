import type { FieldErrors } from '../accounts/users';
import { ErrorSummary, Field } from '../web/forms';
import { Csrf } from '../web/layout';
import { formatDateTime, formatter } from '../web/time';
import { describeZone } from '../web/zones';
import { parseIsoDate, TIME_OFF_LIMITS, type TimeOffEntry, type TimeOffForm } from './time-off';

export const EMPTY_TIME_OFF: TimeOffForm = { startDate: '', endDate: '', note: '' };

const TIME_OFF_LABELS: Record<string, string> = { startDate: 'First day off', endDate: 'Last day off', note: 'Note' };

/** "Mon, Dec 7, 2026": a calendar date as stored (no zone: it is already the mentor's date). */
function formatDay(iso: string): string {
  const d = parseIsoDate(iso)!;
  return formatter('UTC', { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' }).format(new Date(Date.UTC(d.year, d.month - 1, d.day)));
}

export function formatDays(entry: { startDate: string; endDate: string }): string {
  return entry.startDate === entry.endDate ? formatDay(entry.startDate) : `${formatDay(entry.startDate)} – ${formatDay(entry.endDate)}`;
}

/** The availability page's time-off part: what is planned (with the sessions still booked then), and a form to add more. */
export function TimeOffSection(props: {
  csrf: string; url: string; zone: string; ownPage: boolean;
  entries: TimeOffEntry[]; values: TimeOffForm; errors: FieldErrors;
}) {
  const { entries, values, errors } = props;
  return (
    <section aria-labelledby="time-off" class="time-off">
      <h2 id="time-off">Time off</h2>
      <p class="hint">Days of your calendar in {describeZone(props.zone)} on which no new session can be booked. Sessions already booked on those days stay as they are.</p>
      {entries.length === 0 ? <p class="muted">No time off planned.</p> : (
        <ul class="time-off-list">
          {entries.map((e) => (
            <li key={e.id} class="card">
              <div class="time-off-head">
                <p><strong>{formatDays(e)}</strong>{e.note ? <span class="muted"> · {e.note}</span> : null}</p>
                <form method="post" action={`${props.url}/${e.id}/remove`}>
                  <Csrf token={props.csrf} />
                  <button type="submit" class="btn btn-quiet">Remove<span class="sr-only"> time off {formatDays(e)}</span></button>
                </form>
              </div>
              {e.sessions.length ? (
                <div class="note">
                  <p>{props.ownPage ? 'You still have' : 'There are still'} these sessions on those days:</p>
                  <ul>
                    {e.sessions.map((s) => (
                      <li key={s.id}><a href={`/sessions/${s.id}`}>{formatDateTime(s.startsAt, props.zone)}</a>, {s.durationMinutes} minutes with {s.menteeName} ({s.status.replace('_', ' ')})</li>
                    ))}
                  </ul>
                  <p>They are not cancelled. Open one to reschedule or cancel it.</p>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h3>Add time off</h3>
      <ErrorSummary errors={errors} labels={TIME_OFF_LABELS} retry="add it" />
      <form method="post" action={props.url} class="card stack time-off-form" novalidate>
        <Csrf token={props.csrf} />
        <div class="time-off-dates">
          <Field name="startDate" label="First day off" type="date" value={values.startDate} error={errors.startDate}
            hint="The first day you are away." />
          <Field name="endDate" label="Last day off" type="date" value={values.endDate} error={errors.endDate}
            hint="The same as the first day for a single day." />
        </div>
        <Field name="note" label="Note (optional)" value={values.note} error={errors.note} maxLength={TIME_OFF_LIMITS.note}
          hint="For yourself, e.g. Holiday. Mentees do not see it." />
        <button type="submit" class="btn">Add time off</button>
      </form>
    </section>
  );
}
