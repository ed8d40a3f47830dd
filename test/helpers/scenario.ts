import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { createPaidSession } from '../../src/booking/operator';
import type { Db } from '../../src/db/client';
import { sessions } from '../../src/db/schema';
import type { Worker } from '../../src/jobs/worker';
import { createMailTransport } from '../../src/mail';
import { deliverDueEmails } from '../../src/mail/deliver';
import { createMeetingProvider } from '../../src/meetings';
import { createDueMeetings } from '../../src/sessions/rooms';
import { cancelSession, completeSession, confirmSession } from '../../src/sessions/transitions';
import { FakeSmtp, type ReceivedMail } from '../fakes/smtp';
import { buildTestApp, type Agent as Client, type TestApp } from './app';
import { endSessionInPast } from './sessions';
import { startTestWorker } from './worker';

/*
 * The states tests start from, built the way the product builds them. Every domain function these
 * builders call is imported here only, so moving one changes this file and no test.
 */

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

export type Agent = Awaited<ReturnType<TestApp['loginAs']>>;
/** Someone by email: an address, a user row, or a logged-in agent. */
export type Person = string | { email: string } | { user: { email: string } };
export interface NewPerson {
  name?: string;
  timezone?: string;
}

const emailOf = (p: Person) => (typeof p === 'string' ? p : 'user' in p ? p.user.email : p.email);

/** A start on the hour, about `hoursAhead` from now (the minutes dropped). */
export function onTheHour(hoursAhead: number): Date {
  const start = new Date(Date.now() + hoursAhead * HOUR);
  start.setUTCMinutes(0, 0, 0);
  return start;
}

/**
 * A half-hour start about `hoursAhead` from now that an always-available mentor (createOpenMentor)
 * can take for an hour: availability windows end at midnight UTC, so nothing starts at 23:30 or later.
 */
export function bookableSlot(hoursAhead: number): Date {
  const d = new Date(Date.now() + hoursAhead * HOUR);
  d.setUTCMinutes(d.getUTCMinutes() < 30 ? 30 : 60, 0, 0);
  if (d.getUTCHours() >= 23) d.setUTCHours(d.getUTCHours() + 2);
  return d;
}

/** A different bookable slot on each call, 3 hours apart, so tests sharing one mentor never collide. */
export function slotSequence(hoursAhead = 24): () => Date {
  let ahead = hoursAhead;
  return () => {
    ahead += 3;
    return bookableSlot(ahead);
  };
}

/** A mentee books from the mentor's page, as its form does: a held, unpaid session (the answer redirects to the checkout). */
export function bookSlot(mentee: Client, mentorId: string, start: Date, minutes = 60) {
  return mentee.submit(`/mentors/${mentorId}/book`, { startsAt: start.toISOString(), durationMinutes: String(minutes) }, `/mentors/${mentorId}`);
}

/**
 * A paid session waiting for its mentor, recorded through the operator path: the same payment step,
 * audit row and "New session request" email as a paid booking. Returns its id.
 */
export async function pendingSession(options: { db: Db; mentor: Person; mentee: Person; start: Date; duration?: number; now?: Date }): Promise<string> {
  const made = await createPaidSession({
    db: options.db,
    input: { mentor: emailOf(options.mentor), mentee: emailOf(options.mentee), start: options.start.toISOString(), duration: options.duration ?? 60 },
    now: options.now ?? new Date(),
  });
  if (!made.ok) throw new Error(made.error);
  return made.sessionId;
}

export interface PeopleSession {
  mentor: Agent;
  mentee: Agent;
  sessionId: string;
  start: Date;
  paidAt: Date;
}

/**
 * Two new people, logged in, and a paid pending session between them on the hour about `hoursAhead`
 * from now. People default to a mentor in America/Los_Angeles and a mentee in Asia/Kathmandu.
 */
export async function pendingSessionOfNewPeople(t: TestApp, hoursAhead: number, people: { mentor?: NewPerson; mentee?: NewPerson } = {}): Promise<PeopleSession> {
  const mentor = await t.loginAs('mentor', { ...people.mentor, timezone: people.mentor?.timezone ?? 'America/Los_Angeles' });
  const mentee = await t.loginAs('mentee', { ...people.mentee, timezone: people.mentee?.timezone ?? 'Asia/Kathmandu' });
  const start = onTheHour(hoursAhead);
  const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start });
  const [row] = await t.database.db.select({ paidAt: sessions.paidAt }).from(sessions).where(eq(sessions.id, sessionId));
  return { mentor, mentee, sessionId, start, paidAt: row!.paidAt! };
}

/**
 * A session moved on through the domain's transitions, without HTTP. `completed` first moves the
 * session into the past, since only a session that has taken place can be completed.
 */
export async function moveSession(options: { db: Db; sessionId: string; to: 'confirmed' | 'completed' | 'cancelled'; actor: { id: string; role: 'admin' | 'mentor' | 'mentee' }; now?: Date }): Promise<void> {
  const { db, sessionId, actor } = options;
  const now = options.now ?? new Date();
  if (options.to === 'completed') await endSessionInPast(db, sessionId);
  const result = options.to === 'confirmed' ? await confirmSession({ db, sessionId, actor, meetingProvider: 'jitsi', now })
    : options.to === 'completed' ? await completeSession({ db, sessionId, actor, now })
      : await cancelSession({ db, sessionId, actor, now });
  if (!result.ok) throw new Error(`${options.to}: ${result.error}`);
}

/** An admin sets a session's status from the admin page, as the contract's "Confirm" button does. */
export async function setStatusAsAdmin(admin: Client, sessionId: string, status: 'confirmed' | 'completed' | 'cancelled'): Promise<void> {
  const res = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status }, '/admin/sessions');
  expect(res.statusCode, `admin sets ${status}`).toBe(303);
}

/** The mentor accepts from the dashboard (the real route). */
export async function acceptAsMentor(mentor: Client, sessionId: string): Promise<void> {
  const res = await mentor.submit(`/mentor/session/${sessionId}/accept/`, {}, '/mentor/dashboard');
  expect(res.statusCode, 'the mentor accepts').toBe(303);
}

/** A booking waiting for its checkout (`test_cs_<id>`): unpaid, its hold running out in 30 minutes. */
export async function awaitingPaymentSession(options: { db: Db; mentor: Person; mentee: Person; start: Date }): Promise<{ sessionId: string; checkoutRef: string }> {
  const sessionId = await pendingSession(options);
  const checkoutRef = `test_cs_${sessionId}`;
  await options.db.update(sessions).set({ status: 'awaiting_payment', paidAt: null, paymentRef: null, checkoutRef, holdExpiresAt: new Date(Date.now() + 30 * MINUTE) }).where(eq(sessions.id, sessionId));
  return { sessionId, checkoutRef };
}

/** An admin marks a session completed from the admin page, once it has taken place. */
export async function completeAsAdmin(t: Pick<TestApp, 'database'>, admin: Client, sessionId: string): Promise<void> {
  await endSessionInPast(t.database.db, sessionId);
  await setStatusAsAdmin(admin, sessionId, 'completed');
}

/** One step of the worker's room loop: rooms for every confirmed session without one (which queues the confirmations). */
export async function makeDueRooms(t: Pick<TestApp, 'config' | 'database'>): Promise<void> {
  await createDueMeetings({ db: t.database.db, meetings: createMeetingProvider(t.config) });
}

/** The real worker on this app's database, polling fast (stop it in the test's clean-up). */
export function runWorker(t: Pick<TestApp, 'config' | 'database'>, options: Parameters<typeof startTestWorker>[2] = {}): Promise<Worker> {
  return startTestWorker(t.config, t.database, options);
}

/** The mails the SMTP server received for an address, optionally only those with a subject. */
export function mailsTo(smtp: FakeSmtp, address: Person, subject?: string | RegExp): ReceivedMail[] {
  return smtp.to(emailOf(address)).filter((m) => subject === undefined || (typeof subject === 'string' ? m.parsed.subject === subject : subject.test(m.parsed.subject ?? '')));
}

export interface MailScenario {
  t: TestApp;
  smtp: FakeSmtp;
  /** What the worker does each tick, once and in the test's own time: rooms, then every due email over SMTP. */
  deliver(): Promise<void>;
  /** pendingSessionOfNewPeople on this app. */
  pendingSession(hoursAhead: number, people?: { mentor?: NewPerson; mentee?: NewPerson }): Promise<PeopleSession>;
  /** The same, accepted by its mentor, its room made and both confirmations sent. */
  confirmedSession(hoursAhead: number, people?: { mentor?: NewPerson; mentee?: NewPerson }): Promise<PeopleSession>;
  close(): Promise<void>;
}

/**
 * The app with a real SMTP server and the worker's steps run by hand, for tests that read the emails
 * a session sends.
 */
export async function startMailScenario(options: { logger?: FastifyBaseLogger } = {}): Promise<MailScenario> {
  const smtp = await new FakeSmtp().start();
  const t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '5000' }, logger: options.logger });
  const transport = createMailTransport(t.config, t.database.db);
  const meetings = createMeetingProvider(t.config);
  const scenario: MailScenario = {
    t, smtp,
    async deliver() {
      await createDueMeetings({ db: t.database.db, meetings });
      for (;;) {
        const r = await deliverDueEmails({ db: t.database.db, transport, from: t.config.mailFrom, appUrl: t.config.appUrl });
        expect(r.retried + r.failed, 'every email renders and is accepted').toBe(0);
        if (r.sent === 0) break;
      }
    },
    pendingSession: (hoursAhead, people) => pendingSessionOfNewPeople(t, hoursAhead, people),
    async confirmedSession(hoursAhead, people) {
      const s = await scenario.pendingSession(hoursAhead, people);
      await acceptAsMentor(s.mentor, s.sessionId);
      await scenario.deliver();
      const [row] = await t.database.db.select({ meetingUrl: sessions.meetingUrl }).from(sessions).where(eq(sessions.id, s.sessionId));
      expect(row!.meetingUrl, 'the room is made').toBeTruthy();
      return s;
    },
    async close() {
      await transport.close();
      await t.close();
      await smtp.stop();
    },
  };
  return scenario;
}

/** startMailScenario for the whole test file: started before its first test, closed after its last. */
export function useMailScenario(options: { logger?: FastifyBaseLogger } = {}): MailScenario {
  let scenario: MailScenario | undefined;
  beforeAll(async () => { scenario = await startMailScenario(options); });
  afterAll(async () => { await scenario?.close(); });
  const started = () => {
    if (!scenario) throw new Error('the scenario has not started yet');
    return scenario;
  };
  return {
    get t() { return started().t; },
    get smtp() { return started().smtp; },
    deliver: () => started().deliver(),
    pendingSession: (hoursAhead, people) => started().pendingSession(hoursAhead, people),
    confirmedSession: (hoursAhead, people) => started().confirmedSession(hoursAhead, people),
    close: () => started().close(),
  };
}
