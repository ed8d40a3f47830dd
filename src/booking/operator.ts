import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record';
import type { Db } from '../db/client';
import { exclusionConstraint } from '../db/errors';
import { mentorProfiles, sessions, users } from '../db/schema';
import { recordPaymentTx } from '../payments/record';
import { lockPeople } from './locks';
import { text } from '../web/input';

export const operatorSessionInput = z.object({
  mentor: text({ max: 254, min: 1, tooShort: 'is required' }).transform((v) => v.toLowerCase()),
  mentee: text({ max: 254, min: 1, tooShort: 'is required' }).transform((v) => v.toLowerCase()),
  start: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 time such as 2026-12-01T14:00:00Z' }),
  duration: z.coerce.number({ message: 'must be a number of minutes' }).int('must be a whole number of minutes').min(15, 'must be at least 15 minutes').max(480, 'must be at most 480 minutes'),
});

export type OperatorSessionResult = { ok: true; sessionId: string } | { ok: false; field: string; error: string };

/**
 * An operator records a session paid outside the product (demo data, a bank transfer): it is
 * inserted and then paid through recordPaymentTx, the one path every payment takes, so it is
 * pending with the same audit row and "New session request" email as a paid booking.
 */
export async function createPaidSession(options: { db: Db; input: unknown; now: Date }): Promise<OperatorSessionResult> {
  const parsed = operatorSessionInput.safeParse(options.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: String(issue.path[0]), error: issue.message };
  }
  const { mentor: mentorEmail, mentee: menteeEmail, duration } = parsed.data;
  const startsAt = new Date(parsed.data.start);
  if (startsAt.getTime() <= options.now.getTime()) return { ok: false, field: 'start', error: 'must be in the future' };

  const [mentor] = await options.db
    .select({ id: users.id, rate: mentorProfiles.hourlyRateCents, currency: mentorProfiles.currency, deactivatedAt: users.deactivatedAt })
    .from(users)
    .innerJoin(mentorProfiles, eq(mentorProfiles.userId, users.id))
    .where(and(eq(users.email, mentorEmail), eq(users.role, 'mentor')));
  if (!mentor) return { ok: false, field: 'mentor', error: `no mentor with email ${mentorEmail}` };
  if (mentor.deactivatedAt) return { ok: false, field: 'mentor', error: `the account ${mentorEmail} is deactivated` };
  const [mentee] = await options.db.select({ id: users.id, deactivatedAt: users.deactivatedAt }).from(users).where(and(eq(users.email, menteeEmail), eq(users.role, 'mentee')));
  if (!mentee) return { ok: false, field: 'mentee', error: `no mentee with email ${menteeEmail}` };
  if (mentee.deactivatedAt) return { ok: false, field: 'mentee', error: `the account ${menteeEmail} is deactivated` };

  try {
    const sessionId = await options.db.transaction(async (tx) => {
      await lockPeople(tx, [mentor.id, mentee.id]);
      const [row] = await tx
        .insert(sessions)
        .values({
          mentorId: mentor.id, menteeId: mentee.id, startsAt, endsAt: new Date(startsAt.getTime() + duration * 60_000), durationMinutes: duration,
          priceCents: Math.round((mentor.rate * duration) / 60), currency: mentor.currency, status: 'awaiting_payment', paymentProvider: 'manual',
        })
        .returning({ id: sessions.id });
      await recordAudit(tx, { actorId: null, action: 'session.created_by_operator', subjectType: 'session', subjectId: row!.id, data: { to: 'awaiting_payment' } });
      await recordPaymentTx(tx, { sessionId: row!.id, paymentRef: `manual_${row!.id}`, now: options.now });
      return row!.id;
    });
    return { ok: true, sessionId };
  } catch (err) {
    const constraint = exclusionConstraint(err);
    if (constraint === 'sessions_mentee_no_overlap') return { ok: false, field: 'start', error: 'the mentee already has a session at that time' };
    if (constraint) return { ok: false, field: 'start', error: 'the mentor already has a session at that time' };
    throw err;
  }
}
