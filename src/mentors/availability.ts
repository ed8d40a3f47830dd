import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { inTransaction, Refused, type Outcome } from '../accounts/outcome';
import { fieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { availabilityWindows } from '../db/schema';
import { text } from '../web/input';
import { lockMentorForEdit } from './profile';

/** A mentor's weekly availability: the windows, in the mentor's own zone, that bookable slots are cut from. */

/** Monday first, as people read a week; `value` is the stored weekday (0 = Sunday). */
export const WEEK = [
  { value: 1, key: 'monday', label: 'Monday' },
  { value: 2, key: 'tuesday', label: 'Tuesday' },
  { value: 3, key: 'wednesday', label: 'Wednesday' },
  { value: 4, key: 'thursday', label: 'Thursday' },
  { value: 5, key: 'friday', label: 'Friday' },
  { value: 6, key: 'saturday', label: 'Saturday' },
  { value: 0, key: 'sunday', label: 'Sunday' },
] as const;

export interface WindowRow {
  weekday: number;
  startMinute: number;
  endMinute: number;
}


export interface WindowInput {
  /** Names the form row, so an error lands next to it; defaults to the index. */
  id?: string;
  weekday: number;
  start: string;
  end: string;
}

/** "09:30" -> 570; "24:00" -> 1440; seconds (":00") are tolerated. Null if not a time of day. */
export function parseTime(raw: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::00(?:\.0+)?)?$/.exec(raw.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** 570 -> "09:30"; 1440 -> "24:00". */
export function formatMinute(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** What a time input can hold: it has no 24:00, so midnight at the end of a day shows as 00:00 (read back as 24:00). */
export function timeInputValue(m: number): string {
  return m === 1440 ? '00:00' : formatMinute(m);
}

const HALF_HOUR = 30;

const windowsSchema = z
  .array(z.object({ id: text({ max: 40 }), weekday: z.number().int().min(0).max(6), start: text({ max: 10 }), end: text({ max: 10 }) }))
  .transform((rows, ctx) => {
    const out: (WindowRow & { id: string })[] = [];
    for (const row of rows) {
      const startRaw = row.start.trim();
      const endRaw = row.end.trim();
      if (!startRaw && !endRaw) continue;
      const fail = (message: string) => ctx.addIssue({ code: 'custom', path: [row.id], message });
      if (!startRaw || !endRaw) { fail('Enter both a start and an end, or leave both empty'); continue; }
      const start = parseTime(startRaw);
      let end = parseTime(endRaw);
      if (start === null || end === null) { fail('Enter times like 09:00 or 17:30'); continue; }
      // An end of 00:00 is midnight at the end of the day: a time input cannot say 24:00.
      if (end === 0) end = 1440;
      if (start % HALF_HOUR !== 0 || end % HALF_HOUR !== 0) { fail('Use times on the hour or half hour, like 09:00 or 09:30'); continue; }
      if (start >= end) {
        fail(start === 1440 ? 'A window cannot start at 24:00' : 'The end must be after the start. For a window past midnight, end it at 00:00 and add one on the next day');
        continue;
      }
      out.push({ id: row.id, weekday: row.weekday, startMinute: start, endMinute: end });
    }
    for (const day of WEEK) {
      const sorted = out.filter((w) => w.weekday === day.value).sort((a, b) => a.startMinute - b.startMinute);
      for (let i = 1; i < sorted.length; i++) {
        const prev = sorted[i - 1]!;
        const cur = sorted[i]!;
        if (cur.startMinute < prev.endMinute) {
          ctx.addIssue({
            code: 'custom', path: [cur.id],
            message: `This window overlaps ${formatMinute(prev.startMinute)}–${formatMinute(prev.endMinute)} on ${day.label}`,
          });
        }
      }
    }
    return out.map(({ weekday, startMinute, endMinute }) => ({ weekday, startMinute, endMinute }));
  });

export interface ReplaceAvailabilityOptions {
  db: Db;
  mentorId: string;
  /** Every row of the form; rows with neither start nor end are ignored. Times are in the mentor's zone. */
  windows: WindowInput[];
  actorId: string;
  ip?: string;
}

/** Replaces all of a mentor's weekly windows at once; errors are keyed by row id. */
export async function replaceAvailability(options: ReplaceAvailabilityOptions): Promise<Outcome> {
  const parsed = windowsSchema.safeParse(options.windows.map((w, i) => ({ ...w, id: w.id ?? String(i) })));
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const windows = parsed.data.sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  return inTransaction(options.db, async (tx) => {
    const allowed = await lockMentorForEdit(tx, options.mentorId, options.actorId);
    if (!allowed.ok) throw new Refused(allowed);
    await tx.delete(availabilityWindows).where(eq(availabilityWindows.mentorId, options.mentorId));
    if (windows.length) await tx.insert(availabilityWindows).values(windows.map((w) => ({ ...w, mentorId: options.mentorId })));
    await recordAudit(tx, {
      actorId: options.actorId, action: 'mentor.availability.replace', subjectType: 'user', subjectId: options.mentorId,
      data: { windows: windows.map((w) => [w.weekday, w.startMinute, w.endMinute]) }, ip: options.ip,
    });
  });
}
