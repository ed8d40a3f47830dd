import { formatter } from '../web/time';

const DAY: Intl.DateTimeFormatOptions = { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric' };
const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
const timeOf = (d: Date, zone: string) => formatter(zone, TIME).format(d);

/** A mentor's free starts as radio buttons (`startsAt`, the instant), one group per day of the viewer's zone. */
export function SlotPicker(props: { slots: Date[]; zone: string; /** Preselected (the choice made before logging in, or a refused booking's). */ checked?: Date }) {
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
                <span>{timeOf(s, props.zone)}</span>
              </label>
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}
