import { count } from 'drizzle-orm';
import type { PasswordHasher } from '../accounts/password';
import { createUser } from '../accounts/users';
import type { Db } from '../db/client';
import { createPaidSession } from '../booking/operator';
import { cancelSession, confirmSession, declineSession } from '../sessions/transitions';
import { availabilityWindows, mentorProfiles, sessions, users, type Role } from '../db/schema';
import type { MeetingProviderName } from '../meetings/provider';

export const DEMO_PASSWORD = 'codementorhub-demo';

export interface DemoLogin {
  role: Role;
  email: string;
  name: string;
}

const PEOPLE: (DemoLogin & { timezone: string; profile?: { headline: string; bio: string; skills: string[]; rate: number } })[] = [
  { role: 'admin', email: 'admin@example.com', name: 'Avery Admin', timezone: 'Europe/London' },
  {
    role: 'mentor', email: 'priya@example.com', name: 'Priya Raman', timezone: 'Europe/London',
    profile: { headline: 'Staff engineer · TypeScript, Node.js and system design', bio: 'Twelve years building payment and booking systems. I help with architecture reviews, TypeScript at scale and interview preparation.', skills: ['TypeScript', 'Node.js', 'System design'], rate: 9000 },
  },
  {
    role: 'mentor', email: 'marcus@example.com', name: 'Marcus Chen', timezone: 'America/Los_Angeles',
    profile: { headline: 'Data engineer · Python, SQL and PostgreSQL performance', bio: 'I have tuned PostgreSQL for startups and banks. Bring a slow query, a pipeline or a career question.', skills: ['Python', 'PostgreSQL', 'Data engineering'], rate: 7500 },
  },
  {
    role: 'mentor', email: 'sofia@example.com', name: 'Sofia Alvarez', timezone: 'Europe/Madrid',
    profile: { headline: 'Platform engineer · Go, Kubernetes and DevOps', bio: 'Former SRE. I coach engineers moving into platform work: Go services, CI/CD, observability and on-call.', skills: ['Go', 'Kubernetes', 'DevOps'], rate: 6000 },
  },
  { role: 'mentee', email: 'alice@example.com', name: 'Alice Johnson', timezone: 'Asia/Kathmandu' },
  { role: 'mentee', email: 'bob@example.com', name: 'Bob Smith', timezone: 'America/New_York' },
];

export const DEMO_LOGINS: DemoLogin[] = PEOPLE.map(({ role, email, name }) => ({ role, email, name }));

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) === 0;
}

/** Demo users and mentor profiles. Idempotent: existing emails are left as they are. */
export async function seedDemoData(options: { db: Db; hasher: PasswordHasher; now?: Date; meetingProvider?: MeetingProviderName }): Promise<DemoLogin[]> {
  const fresh = await options.db.transaction(async (tx) => {
    let createdAll = true;
    for (const p of PEOPLE) {
      const created = await createUser({
        tx, hasher: options.hasher, role: p.role,
        input: { email: p.email, name: p.name, password: DEMO_PASSWORD, timezone: p.timezone },
      });
      if (!created) createdAll = false;
      if (created && p.profile) {
        await tx.insert(mentorProfiles).values({
          userId: created.id, headline: p.profile.headline, bio: p.profile.bio, skills: p.profile.skills, hourlyRateCents: p.profile.rate, currency: 'USD',
          sessionLengths: [30, 60, 90], minNoticeMinutes: 12 * 60, horizonDays: 28,
        });
        // Weekdays 09:00-12:00 and 14:00-18:00 on the mentor's own clock.
        await tx.insert(availabilityWindows).values([1, 2, 3, 4, 5].flatMap((weekday) => [
          { mentorId: created.id, weekday, startMinute: 9 * 60, endMinute: 12 * 60 },
          { mentorId: created.id, weekday, startMinute: 14 * 60, endMinute: 18 * 60 },
        ]));
      }
    }
    return createdAll;
  });
  if (fresh) await seedDemoSessions(options.db, options.now ?? new Date(), { meetingProvider: options.meetingProvider ?? 'jitsi' });
  return DEMO_LOGINS;
}

/** A few sessions in the states a new visitor should see: paid and pending, awaiting payment, lapsed. */
async function seedDemoSessions(db: Db, now: Date, options: { meetingProvider: MeetingProviderName }) {
  const at = (days: number, hourUtc: number) => {
    const d = new Date(now.getTime() + days * 86_400_000);
    d.setUTCHours(hourUtc, 0, 0, 0);
    return d.toISOString();
  };
  const paid = [
    { mentor: 'priya@example.com', mentee: 'alice@example.com', start: at(3, 10), duration: 60 },
    { mentor: 'marcus@example.com', mentee: 'bob@example.com', start: at(4, 17), duration: 30 },
  ];
  const made: string[] = [];
  for (const p of paid) {
    const r = await createPaidSession({ db, input: p, now });
    if (r.ok) made.push(r.sessionId);
  }
  // One of each answer: confirmed (the worker makes its room at start-up), declined and cancelled.
  const more = [
    { mentor: 'marcus@example.com', mentee: 'alice@example.com', start: at(2, 15), duration: 60 },
    { mentor: 'sofia@example.com', mentee: 'bob@example.com', start: at(7, 14), duration: 60 },
    { mentor: 'priya@example.com', mentee: 'bob@example.com', start: at(8, 16), duration: 30 },
  ];
  const extra: string[] = [];
  for (const p of more) {
    const r = await createPaidSession({ db, input: p, now });
    if (r.ok) extra.push(r.sessionId);
  }
  const ids = Object.fromEntries((await db.select({ id: users.id, email: users.email }).from(users)).map((u) => [u.email, u.id]));
  const [confirmed, declined, cancelled] = extra;
  const admin = { id: ids['admin@example.com']!, role: 'admin' as const };
  if (confirmed) await confirmSession({ db, sessionId: confirmed, actor: admin, meetingProvider: options.meetingProvider, now });
  if (declined) await declineSession({ db, sessionId: declined, actor: { id: ids['sofia@example.com']!, role: 'mentor' }, now });
  if (cancelled) await cancelSession({ db, sessionId: cancelled, actor: { id: ids['bob@example.com']!, role: 'mentee' }, now });
  const unpaid = (mentor: string, mentee: string, start: string, status: 'awaiting_payment' | 'expired') => ({
    mentorId: ids[mentor]!, menteeId: ids[mentee]!, startsAt: new Date(start), endsAt: new Date(new Date(start).getTime() + 3_600_000),
    durationMinutes: 60, priceCents: 6000, currency: 'USD', status, paymentProvider: 'test',
    holdExpiresAt: status === 'awaiting_payment' ? new Date(now.getTime() + 30 * 60_000) : new Date(now.getTime() - 3_600_000),
  });
  await db.insert(sessions).values([
    unpaid('sofia@example.com', 'bob@example.com', at(5, 9), 'awaiting_payment'),
    unpaid('sofia@example.com', 'alice@example.com', at(6, 9), 'expired'),
    // Last week's session, done: Alice can rate it.
    {
      ...unpaid('priya@example.com', 'alice@example.com', at(-7, 10), 'expired'),
      status: 'completed' as const, holdExpiresAt: null, paidAt: new Date(now.getTime() - 9 * 86_400_000),
      confirmedAt: new Date(now.getTime() - 8 * 86_400_000), completedAt: new Date(now.getTime() - 7 * 86_400_000 + 3_600_000),
    },
  ]);
}
