import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import { queueConfirmationEmails } from './confirmation-emails';
import type { MeetingProvider } from '../meetings/provider';

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

/**
 * Worker: makes the meeting room of each confirmed session that has none yet. A claim pushes the
 * next attempt out (so no other worker calls the provider for the same session meanwhile); the link
 * is stored only if none is (first write wins), in one transaction with the two confirmation emails.
 */
export async function createDueMeetings(options: { db: Db; meetings: MeetingProvider; now?: Date; leaseMs?: number; backoffMs?: number; max?: number }): Promise<number> {
  let made = 0;
  // One claim at a time: a claim's lease must outlast one provider call, not a whole batch of them.
  for (let i = 0; i < (options.max ?? 10); i++) {
    const r = await createOneDueMeeting(options);
    if (r === 'none') break;
    if (r === 'made') made++;
  }
  return made;
}

async function createOneDueMeeting(options: { db: Db; meetings: MeetingProvider; now?: Date; leaseMs?: number; backoffMs?: number }): Promise<'none' | 'made' | 'failed'> {
  const { db, meetings } = options;
  const now = options.now ?? new Date();
  // Longer than the worst case of one provider call (Google: token + create, 15 s each, bounded).
  const leaseMs = options.leaseMs ?? 120_000;
  const claimed = await db.transaction(async (tx) => {
    const due = await tx
      .select({ id: sessions.id })
      .from(sessions)
      .where(and(
        isNull(sessions.meetingUrl), isNotNull(sessions.meetingNextAttemptAt), lte(sessions.meetingNextAttemptAt, now),
        inArray(sessions.status, ['confirmed', 'completed']),
      ))
      .orderBy(asc(sessions.meetingNextAttemptAt))
      .limit(1)
      .for('update', { skipLocked: true });
    if (!due.length) return [];
    return tx
      .update(sessions)
      .set({ meetingAttempts: sql`${sessions.meetingAttempts} + 1`, meetingNextAttemptAt: new Date(now.getTime() + leaseMs) })
      .where(inArray(sessions.id, due.map((d) => d.id)))
      .returning({ id: sessions.id, attempts: sessions.meetingAttempts });
  });

  if (claimed.length === 0) return 'none';
  let outcome: 'made' | 'failed' = 'failed';
  for (const claim of claimed) {
    const [s] = await db
      .select({
        id: sessions.id, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes, provider: sessions.meetingProvider,
        mentorName: mentor.name, mentorEmail: mentor.email, menteeName: mentee.name, menteeEmail: mentee.email,
      })
      .from(sessions)
      .innerJoin(mentor, eq(mentor.id, sessions.mentorId))
      .innerJoin(mentee, eq(mentee.id, sessions.menteeId))
      .where(eq(sessions.id, claim.id));
    if (!s) continue;
    try {
      const meeting = await meetings.createMeeting({
        sessionId: s.id, start: s.startsAt, durationMinutes: s.durationMinutes,
        title: `CodeMentorHub: ${s.mentorName} & ${s.menteeName}`,
        participants: [{ name: s.mentorName, email: s.mentorEmail }, { name: s.menteeName, email: s.menteeEmail }],
        roomName: s.mentorName,
      });
      if (!meeting) {
        // The integration was switched off after confirmation: send the emails without a link.
        await db.transaction(async (tx) => {
          const [row] = await tx.update(sessions).set({ meetingNextAttemptAt: null, meetingProvider: 'none' })
            .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl))).returning({ id: sessions.id });
          if (row) await queueConfirmationEmails(tx, { sessionId: s.id, meetingUrl: null, provider: 'none' });
        });
        continue;
      }
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(sessions)
          .set({ meetingUrl: meeting.joinUrl, meetingExternalId: meeting.externalId, meetingProvider: meeting.provider, meetingNextAttemptAt: null, meetingLastError: null })
          .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl)))
          .returning({ id: sessions.id });
        if (!row) return;
        await recordAudit(tx, { actorId: null, action: 'session.meeting_created', subjectType: 'session', subjectId: s.id, data: { provider: meeting.provider, externalId: meeting.externalId } });
        await queueConfirmationEmails(tx, { sessionId: s.id, meetingUrl: meeting.joinUrl, provider: meeting.provider });
      });
      outcome = 'made';
    } catch (err) {
      const delay = Math.min((options.backoffMs ?? 5_000) * 2 ** (claim.attempts - 1), 15 * 60_000);
      await db.update(sessions)
        .set({ meetingNextAttemptAt: new Date(Date.now() + delay), meetingLastError: String((err as Error).message ?? err).slice(0, 500) })
        .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl)));
    }
  }
  return outcome;
}
