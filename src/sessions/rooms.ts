import { and, eq, inArray, isNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { recordAudit } from '../audit/record';
import type { Db, Tx } from '../db/client';
import { sessions, users } from '../db/schema';
import { cancelRoomJob } from '../jobs/definitions/cancel-room';
import { createRoomJob } from '../jobs/definitions/create-room';
import { updateRoomJob } from '../jobs/definitions/update-room';
import { findLatestJob, queueJob, runJobNow, runQueuedJobs, type JobState } from '../jobs/queue';
import type { Meeting, MeetingProvider, MeetingProviderName } from '../meetings/provider';
import { queueConfirmationEmails } from './confirmation-emails';

const mentor = alias(users, 'mentor');
const mentee = alias(users, 'mentee');

/**
 * In the confirming transaction: the room job is queued with the confirmation (so a commit always has
 * its room coming, even if this process dies next); with no provider there is no room to wait for, so
 * the confirmation emails go in this transaction.
 */
export async function prepareRoom(tx: Tx, options: { sessionId: string; provider: MeetingProviderName; meetingUrl?: string | null; inviteSequence?: number; note?: string }): Promise<void> {
  const sequence = options.inviteSequence ?? 0;
  const note = options.note || undefined;
  // A moved session accepted again keeps its room: the confirmation is an update of the same invite.
  if (options.meetingUrl) await queueConfirmationEmails(tx, { sessionId: options.sessionId, meetingUrl: options.meetingUrl, provider: options.provider, sequence, note });
  else if (options.provider === 'none') await queueConfirmationEmails(tx, { sessionId: options.sessionId, meetingUrl: null, provider: 'none', sequence, note });
  else await queueJob(tx, createRoomJob, { sessionId: options.sessionId, ...(note ? { note } : {}) });
}

/** In the moving transaction: a session with a room gets the room job that moves it at the provider. */
export async function prepareRoomUpdate(tx: Tx, row: { id: string; meetingUrl: string | null; meetingProvider: string | null }): Promise<void> {
  if (row.meetingUrl && row.meetingProvider && row.meetingProvider !== 'none') await queueJob(tx, updateRoomJob, { sessionId: row.id });
}

/** The room-moving job (sessions.update-room): the provider's room takes the session's current time. */
export async function updateSessionRoom(options: { db: Db; meetings: MeetingProvider; sessionId: string }): Promise<'updated' | 'skipped'> {
  const [s] = await options.db
    .select({ status: sessions.status, provider: sessions.meetingProvider, joinUrl: sessions.meetingUrl, externalId: sessions.meetingExternalId, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes })
    .from(sessions).where(eq(sessions.id, options.sessionId));
  if (!s?.joinUrl || !s.externalId || (s.provider !== 'google-meet' && s.provider !== 'jitsi')) return 'skipped';
  if (s.status !== 'confirmed' && s.status !== 'pending') return 'skipped';
  await options.meetings.updateMeeting({ provider: s.provider, joinUrl: s.joinUrl, externalId: s.externalId }, { start: s.startsAt, durationMinutes: s.durationMinutes });
  await recordAudit(options.db, { actorId: null, action: 'session.meeting_updated', subjectType: 'session', subjectId: options.sessionId, data: { provider: s.provider, externalId: s.externalId, startsAt: s.startsAt.toISOString() } });
  return 'updated';
}

/** Runs the due room-moving jobs in this process (scripts, tests). */
export async function updateDueMeetings(options: { db: Db; meetings: MeetingProvider; now?: Date; max?: number }): Promise<number> {
  const outcomes = await runQueuedJobs({ db: options.db, job: updateRoomJob, services: { meetings: options.meetings }, now: options.now, limit: options.max ?? 10 });
  return outcomes.filter((o) => o === 'updated').length;
}

/**
 * The room job (sessions.create-room): makes the meeting room of a confirmed session that has none
 * yet. The link is stored only if none is (first write wins), in one transaction with the two
 * confirmation emails. A provider failure is kept for the admin's session page and thrown, so the
 * job is retried with its backoff.
 */
export async function createSessionRoom(options: { db: Db; meetings: MeetingProvider; sessionId: string; note?: string }): Promise<'made' | 'none' | 'skipped'> {
  const { db, meetings } = options;
  const [s] = await db
    .select({
      id: sessions.id, status: sessions.status, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes, provider: sessions.meetingProvider,
      meetingUrl: sessions.meetingUrl, inviteSequence: sessions.inviteSequence, mentorName: mentor.name, mentorEmail: mentor.email, menteeName: mentee.name, menteeEmail: mentee.email,
    })
    .from(sessions)
    .innerJoin(mentor, eq(mentor.id, sessions.mentorId))
    .innerJoin(mentee, eq(mentee.id, sessions.menteeId))
    .where(eq(sessions.id, options.sessionId));
  // Cancelled meanwhile, or a room already made (a second worker, an admin's retry): nothing to do.
  if (!s || s.meetingUrl || s.provider === 'none' || (s.status !== 'confirmed' && s.status !== 'completed')) return 'skipped';
  let meeting: Awaited<ReturnType<MeetingProvider['createMeeting']>>;
  try {
    meeting = await meetings.createMeeting({
      sessionId: s.id, start: s.startsAt, durationMinutes: s.durationMinutes,
      title: `CodeMentorHub: ${s.mentorName} & ${s.menteeName}`,
      participants: [{ name: s.mentorName, email: s.mentorEmail }, { name: s.menteeName, email: s.menteeEmail }],
      roomName: s.mentorName,
    });
  } catch (err) {
    await db.update(sessions)
      .set({ meetingLastError: String((err as Error).message ?? err).slice(0, 500) })
      .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl)));
    throw err;
  }
  if (!meeting) {
    // The integration was switched off after confirmation: send the emails without a link.
    await db.transaction(async (tx) => {
      const [row] = await tx.update(sessions).set({ meetingProvider: 'none' })
        .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl))).returning({ id: sessions.id });
      if (row) await queueConfirmationEmails(tx, { sessionId: s.id, meetingUrl: null, provider: 'none', sequence: s.inviteSequence, note: options.note });
    });
    return 'none';
  }
  const stored = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(sessions)
      .set({
        meetingUrl: meeting.joinUrl, meetingExternalId: meeting.externalId, meetingProvider: meeting.provider,
        meetingConferenceId: meeting.conferenceId ?? null, meetingCode: meeting.meetingCode ?? null, meetingLastError: null,
      })
      .where(and(eq(sessions.id, s.id), isNull(sessions.meetingUrl), inArray(sessions.status, ['confirmed', 'completed'])))
      .returning({ id: sessions.id });
    if (!row) return 'skipped' as const;
    await recordAudit(tx, { actorId: null, action: 'session.meeting_created', subjectType: 'session', subjectId: s.id, data: { provider: meeting.provider, externalId: meeting.externalId } });
    await queueConfirmationEmails(tx, { sessionId: s.id, meetingUrl: meeting.joinUrl, provider: meeting.provider, sequence: s.inviteSequence, note: options.note });
    return 'made' as const;
  });
  if (stored === 'skipped') {
    // Cancelled while the provider was making the room: the cancellation found no room to remove, so
    // this one is removed here (a throw retries the job, which finds the same room and tries again).
    const [now] = await db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, s.id));
    if (now && now.status !== 'confirmed' && now.status !== 'completed') await meetings.cancelMeeting(meeting);
  }
  return stored;
}

/**
 * In the cancelling (or declining) transaction: a session with a room gets the room job's opposite,
 * which removes the room at the provider (Google: deletes the Calendar event).
 */
export async function prepareRoomCancellation(tx: Tx, row: { id: string; meetingUrl: string | null; meetingProvider: string | null }): Promise<void> {
  if (row.meetingUrl && row.meetingProvider && row.meetingProvider !== 'none') await queueJob(tx, cancelRoomJob, { sessionId: row.id });
}

/** The room-cancelling job (sessions.cancel-room): removes the room of a session that is no longer going ahead. */
export async function cancelSessionRoom(options: { db: Db; meetings: MeetingProvider; sessionId: string }): Promise<'removed' | 'skipped'> {
  const [s] = await options.db
    .select({ status: sessions.status, provider: sessions.meetingProvider, joinUrl: sessions.meetingUrl, externalId: sessions.meetingExternalId })
    .from(sessions).where(eq(sessions.id, options.sessionId));
  if (!s?.joinUrl || !s.externalId || (s.provider !== 'google-meet' && s.provider !== 'jitsi')) return 'skipped';
  if (s.status === 'confirmed' || s.status === 'completed') return 'skipped';
  const meeting: Meeting = { provider: s.provider, joinUrl: s.joinUrl, externalId: s.externalId };
  await options.meetings.cancelMeeting(meeting);
  await recordAudit(options.db, { actorId: null, action: 'session.meeting_cancelled', subjectType: 'session', subjectId: options.sessionId, data: { provider: s.provider, externalId: s.externalId } });
  return 'removed';
}

/** Runs the due room-cancelling jobs in this process (scripts, tests). */
export async function cancelDueMeetings(options: { db: Db; meetings: MeetingProvider; now?: Date; max?: number }): Promise<number> {
  const outcomes = await runQueuedJobs({ db: options.db, job: cancelRoomJob, services: { meetings: options.meetings }, now: options.now, limit: options.max ?? 10 });
  return outcomes.filter((o) => o === 'removed').length;
}

/** Runs the due room jobs in this process (scripts, tests); the worker does this on its own. */
export async function createDueMeetings(options: { db: Db; meetings: MeetingProvider; now?: Date; max?: number }): Promise<number> {
  const outcomes = await runQueuedJobs({ db: options.db, job: createRoomJob, services: { meetings: options.meetings }, now: options.now, limit: options.max ?? 10 });
  return outcomes.filter((o) => o === 'made').length;
}

export interface RoomState {
  /** made: the room exists; pending: the room job is queued, running or waiting to retry; failed: it gave up; none: no room is due. */
  state: 'made' | 'pending' | 'failed' | 'none';
  provider: string | null;
  /** Google: the Calendar event id; Jitsi: the room name. */
  externalId: string | null;
  conferenceId: string | null;
  meetingCode: string | null;
  lastError: string | null;
  job: JobState | null;
}

/** Where a session's room stands at its provider, for the admin's session page (from the session and its room job). */
export async function findRoomState(options: { db: Db; sessionId: string }): Promise<RoomState | null> {
  const [s] = await options.db
    .select({
      status: sessions.status, provider: sessions.meetingProvider, url: sessions.meetingUrl, externalId: sessions.meetingExternalId,
      conferenceId: sessions.meetingConferenceId, meetingCode: sessions.meetingCode, lastError: sessions.meetingLastError,
    })
    .from(sessions).where(eq(sessions.id, options.sessionId));
  if (!s) return null;
  const job = await findLatestJob(options.db, createRoomJob.name, options.sessionId);
  const state: RoomState['state'] = s.url
    ? 'made'
    : job?.state === 'failed'
      ? 'failed'
      : job && job.state !== 'completed' && job.state !== 'cancelled' && (s.status === 'confirmed' || s.status === 'completed')
        ? 'pending'
        : 'none';
  return {
    state, provider: s.provider, externalId: s.externalId, conferenceId: s.conferenceId, meetingCode: s.meetingCode,
    lastError: state === 'made' ? null : (job?.lastError ?? s.lastError), job,
  };
}

/** An admin's "Retry now": the session's room job runs at once (waiting or failed). False when there is nothing to retry. */
export async function retryRoomNow(options: { db: Db; sessionId: string }): Promise<boolean> {
  const room = await findRoomState(options);
  if (!room?.job || (room.state !== 'pending' && room.state !== 'failed')) return false;
  return runJobNow(options.db, createRoomJob.name, room.job.id);
}
