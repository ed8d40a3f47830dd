import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { sessions, users } from '../db/schema';
import { isClock, type Clock } from '../web/time';

/** Both participants of a session, with their zones, and the session facts every email about it shows. */
export interface SessionPeople {
  mentorId: string;
  menteeId: string;
  startsAt: Date;
  durationMinutes: number;
  priceCents: number;
  currency: string;
  mentorName: string;
  mentorEmail: string;
  mentorTimezone: string;
  /** The clocks chosen on the Account page; null: none chosen (emails use 24-hour). */
  mentorClock: Clock | null;
  menteeClock: Clock | null;
  menteeName: string;
  menteeEmail: string;
  menteeTimezone: string;
}

/** One participant as an email recipient: who they are, their zone, and the other person's name. */
export interface Participant {
  role: 'mentee' | 'mentor';
  id: string;
  name: string;
  email: string;
  timezone: string;
  clock: Clock | null;
  other: string;
}

/** The mentee first, then the mentor: the order their emails are queued in. */
export function participantsOf(p: SessionPeople): Participant[] {
  return [
    { role: 'mentee', id: p.menteeId, name: p.menteeName, email: p.menteeEmail, timezone: p.menteeTimezone, clock: p.menteeClock, other: p.mentorName },
    { role: 'mentor', id: p.mentorId, name: p.mentorName, email: p.mentorEmail, timezone: p.mentorTimezone, clock: p.mentorClock, other: p.menteeName },
  ];
}

/** Both participants of a session, with their zones: what every email about it needs. */
export async function loadSessionPeople(tx: Tx, sessionId: string): Promise<SessionPeople> {
  type Row = {
    mentor_id: string; mentee_id: string; starts_at: string | Date; duration_minutes: number; price_cents: number; currency: string;
    mentor_name: string; mentor_email: string; mentor_timezone: string; mentee_name: string; mentee_email: string; mentee_timezone: string;
    mentor_clock: string | null; mentee_clock: string | null;
  };
  // One round trip for both people; execute() returns { rows } on both drivers.
  const rows = (await tx.execute(sql`
    select s.mentor_id, s.mentee_id, s.starts_at, s.duration_minutes, s.price_cents, s.currency,
           mentor.name as mentor_name, mentor.email as mentor_email, mentor.timezone as mentor_timezone,
           mentee.name as mentee_name, mentee.email as mentee_email, mentee.timezone as mentee_timezone,
           mentor.clock as mentor_clock, mentee.clock as mentee_clock
    from ${sessions} s
    join ${users} mentor on mentor.id = s.mentor_id
    join ${users} mentee on mentee.id = s.mentee_id
    where s.id = ${sessionId}`)) as unknown as { rows: Row[] };
  const r = rows.rows[0]!;
  return {
    mentorId: r.mentor_id, menteeId: r.mentee_id, startsAt: new Date(r.starts_at), durationMinutes: r.duration_minutes,
    priceCents: r.price_cents, currency: r.currency,
    mentorName: r.mentor_name, mentorEmail: r.mentor_email, mentorTimezone: r.mentor_timezone,
    menteeName: r.mentee_name, menteeEmail: r.mentee_email, menteeTimezone: r.mentee_timezone,
    mentorClock: isClock(r.mentor_clock) ? r.mentor_clock : null, menteeClock: isClock(r.mentee_clock) ? r.mentee_clock : null,
  };
}
