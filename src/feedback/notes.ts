import { and, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { fieldErrors, type FieldErrors } from '../accounts/users';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { invalidForm, noSuchSession, type AppError } from '../errors';
import { mentorNotes, sessions, users, type SessionStatus } from '../db/schema';
import { text } from '../web/input';

/**
 * A mentor's private notes on one of their sessions (any status once paid). Only that mentor reads
 * or writes them: not the mentee, not other mentors, not admins. The audit row records that notes
 * changed, never what they say.
 */

export const NOTE_MAX = 10_000;

export const noteInput = z.object({
  note: text({ max: NOTE_MAX, multiline: true, notText: 'Write the notes as text.', tooLong: `Keep the notes to ${NOTE_MAX} characters or fewer.` }).optional().default(''),
});

export interface NotesSession {
  id: string;
  menteeName: string;
  startsAt: Date;
  durationMinutes: number;
  status: SessionStatus;
}

const mine = (sessionId: string, mentorId: string) =>
  and(eq(sessions.id, sessionId), eq(sessions.mentorId, mentorId), ne(sessions.status, 'awaiting_payment'));

/** The session and its notes, if this mentor may keep notes on it; null otherwise (the route's 404). */
export async function findNotesSession(options: { db: Db; sessionId: string; mentorId: string }): Promise<{ session: NotesSession; note: string; updatedAt: Date | null } | null> {
  if (!isUuid(options.sessionId)) return null;
  const [row] = await options.db
    .select({
      id: sessions.id, menteeName: users.name, startsAt: sessions.startsAt, durationMinutes: sessions.durationMinutes, status: sessions.status,
      note: mentorNotes.note, updatedAt: mentorNotes.updatedAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.menteeId))
    // The notes row's mentor must match too: notes stay with whoever wrote them.
    .leftJoin(mentorNotes, and(eq(mentorNotes.sessionId, sessions.id), eq(mentorNotes.mentorId, options.mentorId)))
    .where(mine(options.sessionId, options.mentorId));
  if (!row) return null;
  const { note, updatedAt, ...session } = row;
  return { session, note: note ?? '', updatedAt: updatedAt ?? null };
}

/** not_found, or invalid with the form's field errors. */
export type SaveNotesResult = { ok: true } | AppError<{ fields?: FieldErrors }>;

/** Saves (replaces) the mentor's notes on their session, with an audit row, in one transaction. */
export async function saveMentorNotes(options: { db: Db; sessionId: string; mentorId: string; input: unknown; now: Date; ip?: string | null }): Promise<SaveNotesResult> {
  const { db, sessionId, mentorId, now } = options;
  if (!isUuid(sessionId)) return noSuchSession();
  const parsed = noteInput.safeParse(options.input ?? {});
  return db.transaction(async (tx): Promise<SaveNotesResult> => {
    const [session] = await tx.select({ id: sessions.id }).from(sessions).where(mine(sessionId, mentorId));
    if (!session) return noSuchSession();
    if (!parsed.success) return invalidForm(fieldErrors(parsed.error));
    const note = parsed.data.note;
    await tx
      .insert(mentorNotes)
      .values({ sessionId, mentorId, note, updatedAt: now })
      .onConflictDoUpdate({ target: mentorNotes.sessionId, set: { note, updatedAt: now }, setWhere: eq(mentorNotes.mentorId, mentorId) });
    await recordAudit(tx, { actorId: mentorId, action: 'session.notes_saved', subjectType: 'session', subjectId: sessionId, data: { length: note.length }, ip: options.ip });
    return { ok: true };
  });
}
