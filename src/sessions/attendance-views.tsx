import { formatDateTime } from '../web/time';
import { numberOfKind, type Attendance, type Attendee, type Stretch } from './attendance';
import { pluralize } from '../plural';

const ARTIFACT = { recording: { word: 'Recording', where: 'Google Drive' }, transcript: { word: 'Transcript', where: 'Google Docs' } } as const;

function Stretches(props: { stretches: Stretch[]; zone: string }) {
  return (
    <ul>
      {props.stretches.map((s) => (
        <li key={s.joinedAt.toISOString()}>
          Joined {formatDateTime(s.joinedAt, props.zone)}, {s.leftAt ? `left ${formatDateTime(s.leftAt, props.zone)}` : 'still in the meeting when last read'}
        </li>
      ))}
    </ul>
  );
}

function AttendeeItem(props: { p: Attendee; zone: string }) {
  const { p, zone } = props;
  return (
    <li data-role={p.role}>
      <strong>{p.name} ({p.role}):</strong>{' '}
      {p.stretches.length ? <>{minutes(p.minutes)} in the meeting.<Stretches stretches={p.stretches} zone={zone} /></> : 'No-show: never joined the meeting.'}
    </li>
  );
}

/**
 * "In the meeting": for Google sessions, who joined and left when, minutes together, recordings and
 * transcripts (this page is only ever shown to the two participants and admins); for the others, only
 * when each person opened the link through us, said to be no more than that.
 */
export function AttendanceCard(props: { a: Attendance; zone: string; admin?: boolean }) {
  const { a, zone } = props;
  if (a.kind === 'link-log') {
    return (
      <section class="card" aria-labelledby="attendance-heading" id="attendance">
        <h2 id="attendance-heading">Meeting link opened</h2>
        <p class="muted small">This only says when each person opened the meeting link from CodeMentorHub; the meeting itself does not tell us who took part.</p>
        {a.opened.length === 0 ? <p>Nobody has opened the meeting link from CodeMentorHub.</p> : (
          <ul>{a.opened.map((o) => <li key={`${o.name}${o.at.toISOString()}`}>{o.name} ({o.role}) opened the link at {formatDateTime(o.at, zone)}</li>)}</ul>
        )}
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="attendance-heading" id="attendance">
      <h2 id="attendance-heading">In the meeting</h2>
      {a.readAt === null ? (
        <p>Attendance, recordings and transcripts are read from Google Meet after the meeting ends. They are not here yet.</p>
      ) : (
        <>
          {/* A list rather than a table: it reads the same on a phone, with nothing to scroll sideways. */}
          <ul>
            <AttendeeItem p={a.mentor} zone={zone} />
            <AttendeeItem p={a.mentee} zone={zone} />
          </ul>
          <p id="minutes-together"><strong>{a.minutesTogether > 0 ? `Together for ${minutes(a.minutesTogether)}.` : 'Never in the meeting together.'}</strong></p>
          {a.others.length ? (
            <p class="small">Also in the meeting, as Google names them: {a.others.map((o) => o.name).join(', ')}.</p>
          ) : null}
          <h3>Recordings and transcripts</h3>
          {a.artifacts.length === 0 ? (
            <p class="muted small">None. If the meeting was recorded, Google publishes the files up to a few hours after it ends; they will appear here.</p>
          ) : (
            <ul>{a.artifacts.map((f, i) => (
              <li key={f.url}><a href={f.url} rel="noopener">{ARTIFACT[f.kind].word} {numberOfKind(a.artifacts, i)}</a> ({ARTIFACT[f.kind].where}; only the people it is shared with can open it)</li>
            ))}</ul>
          )}
          <p class="muted small">From Google Meet's records, last read {formatDateTime(a.readAt, zone)} (times in {zone}).</p>
        </>
      )}
      {props.admin && a.lastError ? <p class="error-text">Last read failed: {a.lastError}</p> : null}
    </section>
  );
}

const minutes = (n: number) => pluralize(n, 'minute');
