import { formatTime, formatter, type Clock } from '../web/time';
import type { CalendarWeek } from './weeks';
import { glyph } from '../web/glyph';

const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' };

/** A mentor's free starts as radio buttons (`startsAt`, the instant), one group per day of the viewer's zone, on the viewer's clock. */
export function SlotPicker(props: { slots: Date[]; zone: string; clock?: Clock; /** Preselected (the choice made before logging in, or a refused booking's). */ checked?: Date }) {
  const byDay = new Map<string, Date[]>();
  for (const s of props.slots) {
    const k = formatter(props.zone, DAY).format(s);
    byDay.set(k, [...(byDay.get(k) ?? []), s]);
  }
  return (
    <div class="days">
      {[...byDay].map(([day, slots]) => (
        <fieldset class="day" key={day}>
          <legend>{day}</legend>
          <div class="slots">
            {slots.map((s) => (
              <label class="slot" key={s.toISOString()}>
                <input type="radio" name="startsAt" value={s.toISOString()} checked={s.getTime() === props.checked?.getTime()} required />
                <span>{formatTime(s, props.zone, props.clock)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}

/** Earlier / this calendar week ("Dec 7 – 13") / Later. */
export function WeekNav(props: { week: CalendarWeek; link: (index: number) => string }) {
  const { week } = props;
  return (
    <nav class="week-nav" aria-label="Weeks">
      {week.index > 0 ? <a href={props.link(week.index - 1)}>{glyph('←')} Earlier</a> : <span />}
      <span class="week-label"><strong>{week.label}</strong><span class="sr-only">, week {week.index + 1} of {week.count}</span></span>
      {week.index + 1 < week.count ? <a href={props.link(week.index + 1)}>Later {glyph('→')}</a> : <span />}
    </nav>
  );
}
