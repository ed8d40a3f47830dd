import { SlotPicker, WeekNav } from '../booking/slot-picker';
import type { CalendarWeek } from '../booking/weeks';
import type { PageContext } from '../web/context';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';
import { describeZone } from '../web/zones';
import { RESCHEDULE_RULE } from './refund-policy';

export interface ReschedulePageProps {
  ctx: PageContext;
  session: { id: string; status: string; startsAt: Date; durationMinutes: number; otherName: string };
  slots: Date[];
  week: CalendarWeek;
  /** Why this viewer cannot move the session now: the page says so instead of showing the form. */
  refused: string | null;
  error?: string;
}

/** GET /sessions/:id/reschedule: the mentor's free slots of the session's length, in the viewer's zone. */
export function ReschedulePage(props: ReschedulePageProps) {
  const { ctx, session: s } = props;
  const user = ctx.user!;
  const zone = user.timezone;
  const asksMentor = user.role === 'mentee' && s.status === 'confirmed';
  const weekLink = (week: number) => `/sessions/${s.id}/reschedule?week=${week}`;
  return (
    <Layout ctx={ctx} title="Reschedule session" wide>
      <p class="small"><a href={`/sessions/${s.id}`}>← Back to the session</a></p>
      <section class="card" aria-labelledby="reschedule-heading">
        <h1 id="reschedule-heading">Reschedule your session with {s.otherName}</h1>
        <p>Now: <strong>{formatDateTime(s.startsAt, zone, ctx.clock)}</strong>, {s.durationMinutes} minutes. The price, payment and meeting link stay the same.</p>
        {user.role === 'mentee' ? <p class="muted small">{RESCHEDULE_RULE}</p> : null}
        {props.error ? <p class="alert" role="alert">{props.error}</p> : null}
        {props.refused ? (
          <p class="alert" role="alert">{props.refused}</p>
        ) : (
          <>
            <p class="muted small">Times are shown in <strong>{describeZone(zone)}</strong>, your account’s time zone.</p>
            <WeekNav week={props.week} link={weekLink} />
            {props.slots.length === 0 ? (
              <p class="empty">No free {s.durationMinutes}-minute slots {props.week.index === 0 ? 'this week' : `from ${props.week.label}`}.</p>
            ) : (
              <form method="post" action={`/sessions/${s.id}/reschedule`}>
                <Csrf token={ctx.csrf} />
                <SlotPicker slots={props.slots} zone={zone} clock={ctx.clock} />
                <div class="book-bar">
                  {asksMentor ? <p id="reschedule-note">Your mentor will be asked to accept the new time. If they decline, you get a full refund.</p> : null}
                  <button type="submit" class="btn btn-large" aria-describedby={asksMentor ? 'reschedule-note' : undefined}>
                    {asksMentor ? 'Request this time' : 'Move to this time'}
                  </button>
                </div>
              </form>
            )}
          </>
        )}
      </section>
    </Layout>
  );
}
