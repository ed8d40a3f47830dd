import { and, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { meetingArtifacts, meetingParticipantSessions, meetingRecordReads, sessions } from '../db/schema';
import type { MeetingRecords, MeetingRecordsRead } from '../meetings/records';
import { queueParticipantEmails, sessionFacts } from './emails';
import { loadSessionPeople } from './participants';

const MINUTE = 60_000;
/** Google writes a conference record when the meeting ends; reading earlier finds it still open. */
export const RECORDS_READ_AFTER_END = 10 * MINUTE;
/** Recordings and transcripts are published with a delay (usually minutes, sometimes hours). */
export const RECORDS_READ_FOR = 48 * 60 * MINUTE;
/** How often one session is read: often just after the meeting, hourly afterwards. */
const READ_EVERY_EARLY = 10 * MINUTE;
const READ_EVERY_LATE = 60 * MINUTE;
const EARLY_FOR = 3 * 60 * MINUTE;
/** People often join a little early; a conference that started this long before the slot still counts. */
const EARLY_JOIN = 60 * MINUTE;

/**
 * The Meet meeting code of a Google session (https://meet.google.com/abc-defg-hij → abc-defg-hij).
 * The one place that knows where the code comes from.
 */
export function meetingCodeOf(session: { meetingCode?: string | null; meetingUrl: string | null }): string | null {
  // Stored with the Calendar event's conference; rooms made before that have it only in their link.
  if (session.meetingCode) return session.meetingCode;
  const m = /^https:\/\/meet\.google\.com\/([a-z0-9]+(?:-[a-z0-9]+)+)\/?(?:[?#].*)?$/i.exec(session.meetingUrl ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/**
 * The sweep: Google sessions that ended between 10 minutes and 48 hours ago and are due a read are
 * claimed (one worker per session per interval) and read. A failure is kept on the session's read
 * row for admins and retried at a later sweep. Returns a note for the job's output.
 */
export async function readDueMeetingRecords(options: { db: Db; records: MeetingRecords | null; now: Date; limit?: number }): Promise<string> {
  const { db, records, now } = options;
  if (!records) return 'no records for this meeting provider';
  const t = now.getTime();
  const due = await db
    .select({ id: sessions.id })
    .from(sessions)
    .leftJoin(meetingRecordReads, eq(meetingRecordReads.sessionId, sessions.id))
    .where(and(
      eq(sessions.meetingProvider, 'google-meet'),
      inArray(sessions.status, ['confirmed', 'completed']),
      lte(sessions.endsAt, new Date(t - RECORDS_READ_AFTER_END)),
      gte(sessions.endsAt, new Date(t - RECORDS_READ_FOR)),
      or(isNull(meetingRecordReads.lastReadAt), lt(meetingRecordReads.lastReadAt, dueBefore(sessions.endsAt, now))),
    ))
    .orderBy(sessions.endsAt)
    .limit(options.limit ?? 20);
  let read = 0;
  let failed = 0;
  for (const { id } of due) {
    if (!(await claimRead(db, id, now))) continue;
    const outcome = await readMeetingRecords({ db, records, sessionId: id, now });
    if (outcome === 'read') read++;
    else failed++;
  }
  return `read ${read}, failed ${failed}`;
}

/** A session last read before this is due again (SQL, since it depends on how long ago it ended). */
function dueBefore(endsAt: typeof sessions.endsAt, now: Date) {
  const t = now.getTime();
  return sql`case when ${endsAt} > ${new Date(t - EARLY_FOR)} then ${new Date(t - READ_EVERY_EARLY)}::timestamptz else ${new Date(t - READ_EVERY_LATE)}::timestamptz end`;
}

/** Moves the session's last_read_at to now unless another worker did within the interval. */
async function claimRead(db: Db, sessionId: string, now: Date): Promise<boolean> {
  const claimed = await db
    .insert(meetingRecordReads)
    .values({ sessionId, lastReadAt: now })
    .onConflictDoUpdate({
      target: meetingRecordReads.sessionId,
      set: { lastReadAt: now },
      setWhere: lt(meetingRecordReads.lastReadAt, new Date(now.getTime() - READ_EVERY_EARLY + MINUTE)),
    })
    .returning({ sessionId: meetingRecordReads.sessionId });
  return claimed.length > 0;
}

/**
 * Reads one Google session's Meet records and stores them: each participant's stretches (matched to
 * the mentor or mentee by their Google display name), and recordings and transcripts once their file
 * exists. Idempotent: Google's resource names are the keys. A recording first seen after the session
 * was completed is emailed to both participants (the completion email carried those seen before).
 */
export async function readMeetingRecords(options: { db: Db; records: MeetingRecords; sessionId: string; now: Date }): Promise<'read' | 'failed'> {
  const { db, sessionId, now } = options;
  const [s] = await db.select({ meetingCode: sessions.meetingCode, meetingUrl: sessions.meetingUrl, startsAt: sessions.startsAt, endsAt: sessions.endsAt }).from(sessions).where(eq(sessions.id, sessionId));
  if (!s) return 'failed';
  try {
    const meetingCode = meetingCodeOf(s);
    if (!meetingCode) throw new Error(`no Meet meeting code in the session's link (${JSON.stringify(s.meetingUrl)})`);
    const result = await options.records.read({ meetingCode, from: new Date(s.startsAt.getTime() - EARLY_JOIN), to: s.endsAt });
    await db.transaction((tx) => storeRecords(tx, { sessionId, result, now }));
    return 'read';
  } catch (err) {
    // Kept for admins; the claim already moved last_read_at, so this session waits for a later sweep.
    const message = String((err as Error).message ?? err).slice(0, 500);
    await db.insert(meetingRecordReads).values({ sessionId, lastReadAt: now, lastError: message })
      .onConflictDoUpdate({ target: meetingRecordReads.sessionId, set: { lastError: message } });
    return 'failed';
  }
}

const nameKey = (name: string) => name.trim().replace(/\s+/g, ' ').toLowerCase();

async function storeRecords(tx: Tx, options: { sessionId: string; result: MeetingRecordsRead; now: Date }): Promise<void> {
  const { sessionId, result, now } = options;
  // Taken before anything is stored: completing the session waits for this, and this for it, so a
  // recording is in the completion email or in its own follow-up, never in neither.
  const [row] = await tx.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, sessionId)).for('update');
  const people = await loadSessionPeople(tx, sessionId);
  const userOf = new Map([[nameKey(people.mentorName), people.mentorId], [nameKey(people.menteeName), people.menteeId]]);
  for (const p of result.participants) {
    for (const stretch of p.stretches) {
      await tx.insert(meetingParticipantSessions)
        .values({ name: stretch.name, sessionId, participant: p.name, displayName: p.displayName, userId: userOf.get(nameKey(p.displayName)) ?? null, joinedAt: stretch.joinedAt, leftAt: stretch.leftAt })
        .onConflictDoUpdate({ target: meetingParticipantSessions.name, set: { leftAt: stretch.leftAt } });
    }
  }
  for (const a of result.artifacts) {
    const [fresh] = await tx.insert(meetingArtifacts)
      .values({ name: a.name, sessionId, kind: a.kind, url: a.url, startedAt: a.startedAt, firstSeenAt: now })
      .onConflictDoNothing({ target: meetingArtifacts.name })
      .returning({ name: meetingArtifacts.name });
    if (fresh && a.kind === 'recording' && row?.status === 'completed') {
      await queueParticipantEmails(tx, {
        sessionId, template: 'session-recording-ready', people,
        dedupeKey: (person) => `session-recording-ready:${a.name}:${person.role}`,
        payload: (person, p) => ({ ...sessionFacts(sessionId, person, p), recordingUrl: a.url }),
      });
    }
  }
  await tx.insert(meetingRecordReads).values({ sessionId, lastReadAt: now, readAt: now, reads: 1 })
    .onConflictDoUpdate({ target: meetingRecordReads.sessionId, set: { readAt: now, reads: sql`${meetingRecordReads.reads} + 1`, lastError: null } });
}
