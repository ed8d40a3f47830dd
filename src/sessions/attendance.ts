import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { meetingAccesses, meetingArtifacts, meetingParticipantSessions, meetingRecordReads, users } from '../db/schema';

export interface Stretch {
  joinedAt: Date;
  leftAt: Date | null;
}

export interface Attendee {
  role: 'mentor' | 'mentee';
  name: string;
  stretches: Stretch[];
  minutes: number;
}

/** What we know of who was in a session's meeting, honestly by provider. */
export type Attendance =
  | {
      kind: 'meet-records';
      /** When Google's records were last read; null before the first read. */
      readAt: Date | null;
      lastError: string | null;
      mentor: Attendee;
      mentee: Attendee;
      /** People Google saw whose display name is neither participant's. */
      others: { name: string; stretches: Stretch[] }[];
      minutesTogether: number;
      artifacts: { kind: 'recording' | 'transcript'; url: string; startedAt: Date | null }[];
    }
  | {
      kind: 'link-log';
      /** Only that the link was opened through our join page; not that anyone took part. */
      opened: { role: 'mentor' | 'mentee' | 'admin'; name: string; at: Date }[];
    };

type Intervals = [number, number][];

/** Stretches as merged [from, to] intervals; one still open counts until `until`. */
function merge(stretches: Stretch[], until: Date): Intervals {
  const sorted = stretches.map((s): [number, number] => [s.joinedAt.getTime(), (s.leftAt ?? until).getTime()]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Intervals = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const minutesOf = (intervals: Intervals) => Math.round(intervals.reduce((sum, [a, b]) => sum + (b - a), 0) / 60_000);

function overlap(x: Intervals, y: Intervals): Intervals {
  const out: Intervals = [];
  for (const [a, b] of x) {
    for (const [c, d] of y) {
      const from = Math.max(a, c);
      const to = Math.min(b, d);
      if (to > from) out.push([from, to]);
    }
  }
  return out;
}

/** Recording 1, Recording 2, Transcript 1: each kind counted on its own. */
export function numberOfKind(list: { kind: string }[], index: number): number {
  return list.slice(0, index + 1).filter((x) => x.kind === list[index]!.kind).length;
}

/** Both attended: the admin may be offered to mark the session completed. */
export function bothAttended(a: Attendance | null): boolean {
  return a?.kind === 'meet-records' && a.readAt !== null && a.mentor.stretches.length > 0 && a.mentee.stretches.length > 0;
}

/**
 * A session's attendance for its page: from Google's records for a Google session, otherwise from our
 * own join log (who opened the link, and when).
 */
export async function loadAttendance(options: {
  db: Db; now: Date;
  session: { id: string; meetingProvider: string | null; mentorId: string; mentorName: string; menteeId: string; menteeName: string };
}): Promise<Attendance> {
  const { db, session: s } = options;
  if (s.meetingProvider !== 'google-meet') {
    const opened = await db.select({ at: meetingAccesses.at, name: users.name, role: users.role })
      .from(meetingAccesses).innerJoin(users, eq(users.id, meetingAccesses.userId))
      .where(eq(meetingAccesses.sessionId, s.id)).orderBy(asc(meetingAccesses.at));
    return { kind: 'link-log', opened };
  }
  const [[read], stretches, artifacts] = await Promise.all([
    db.select().from(meetingRecordReads).where(eq(meetingRecordReads.sessionId, s.id)),
    db.select().from(meetingParticipantSessions).where(eq(meetingParticipantSessions.sessionId, s.id)).orderBy(asc(meetingParticipantSessions.joinedAt)),
    db.select({ kind: meetingArtifacts.kind, url: meetingArtifacts.url, startedAt: meetingArtifacts.startedAt }).from(meetingArtifacts)
      .where(eq(meetingArtifacts.sessionId, s.id)).orderBy(asc(meetingArtifacts.startedAt), asc(meetingArtifacts.firstSeenAt)),
  ]);
  const until = read?.readAt ?? options.now;
  const of = (userId: string) => stretches.filter((r) => r.userId === userId).map(({ joinedAt, leftAt }) => ({ joinedAt, leftAt }));
  const mentor = of(s.mentorId);
  const mentee = of(s.menteeId);
  const others = new Map<string, Stretch[]>();
  for (const r of stretches) {
    if (r.userId === s.mentorId || r.userId === s.menteeId) continue;
    others.set(r.participant, [...(others.get(r.participant) ?? []), { joinedAt: r.joinedAt, leftAt: r.leftAt }]);
  }
  return {
    kind: 'meet-records', readAt: read?.readAt ?? null, lastError: read?.lastError ?? null,
    mentor: { role: 'mentor', name: s.mentorName, stretches: mentor, minutes: minutesOf(merge(mentor, until)) },
    mentee: { role: 'mentee', name: s.menteeName, stretches: mentee, minutes: minutesOf(merge(mentee, until)) },
    others: [...others.entries()].map(([participant, list]) => ({ name: stretches.find((r) => r.participant === participant)!.displayName, stretches: list })),
    minutesTogether: minutesOf(overlap(merge(mentor, until), merge(mentee, until))),
    artifacts,
  };
}
