import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, mailboxMessages, mentorProfiles, sessions } from '../../src/db/schema';
import { submitReview } from '../../src/feedback/reviews';
import { submitMentorApplication } from '../../src/mentors/applications';
import { deliverDueEmails } from '../../src/mail/deliver';
import { createMailboxTransport } from '../../src/mail/mailbox';
import { awaitingPaymentSession, makeDueRooms, moveSession, onTheHour, pendingSession } from '../helpers/scenario';
import { expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/**
 * Every page the app serves to a browser, as each role, at 360 px: none may scroll sideways. The
 * data is realistic and long on purpose (a long mentor name and email, big earnings, a meeting link,
 * a review, mail in the mailbox), and axe checks each page at that width. Add new pages to PAGES.
 */
const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

type Role = 'visitor' | 'mentee' | 'mentor' | 'admin';
interface Data {
  mentorId: string;
  pendingId: string;
  confirmedId: string;
  completedId: string;
  awaitingId: string;
  mailId: string;
  menteeId: string;
}

/** One row per page: who looks at it, its path, and its status when not 200. */
const PAGES: { as: Role; path: (d: Data) => string; status?: number }[] = [
  { as: 'visitor', path: () => '/' },
  { as: 'visitor', path: () => '/login' },
  { as: 'visitor', path: () => '/signup' },
  { as: 'visitor', path: () => '/forgot-password' },
  // A link that is not valid: the page that says so.
  { as: 'visitor', path: () => '/reset-password?token=not-a-real-token', status: 400 },
  { as: 'visitor', path: () => '/verify-email?token=not-a-real-token', status: 400 },
  { as: 'visitor', path: () => '/mentors' },
  { as: 'visitor', path: (d) => `/mentors/${d.mentorId}` },
  { as: 'visitor', path: () => '/mentors?sort=soonest&free=week' },
  { as: 'visitor', path: () => '/mentors?skill=Distributed%20systems' },
  { as: 'visitor', path: () => '/become-a-mentor' },

  { as: 'mentee', path: () => '/dashboard' },
  { as: 'mentee', path: () => '/account' },
  { as: 'mentee', path: () => '/mentors' },
  { as: 'mentee', path: (d) => `/mentors/${d.mentorId}` },
  { as: 'mentee', path: (d) => `/sessions/${d.pendingId}` },
  { as: 'mentee', path: (d) => `/sessions/${d.confirmedId}` },
  { as: 'mentee', path: (d) => `/sessions/${d.completedId}` },
  { as: 'mentee', path: (d) => `/sessions/${d.completedId}/feedback` },
  { as: 'mentee', path: (d) => `/sessions/${d.confirmedId}/reschedule` },
  { as: 'mentee', path: (d) => `/checkout/test/${d.awaitingId}` },
  { as: 'mentee', path: (d) => `/sessions/${d.confirmedId}/receipt` },
  { as: 'mentee', path: (d) => `/sessions/${d.completedId}/receipt` },
  { as: 'mentee', path: (d) => `/sessions/${d.confirmedId}/cancel` },
  // Applied already (the data does): the application waiting for review.
  { as: 'mentee', path: () => '/become-a-mentor' },

  { as: 'mentor', path: () => '/mentor/dashboard' },
  { as: 'mentor', path: () => '/mentor/profile' },
  { as: 'mentor', path: () => '/mentor/availability' },
  { as: 'mentor', path: () => '/account' },
  { as: 'mentor', path: () => '/mentors' },
  { as: 'mentor', path: (d) => `/mentors/${d.mentorId}` },
  { as: 'mentor', path: (d) => `/sessions/${d.pendingId}` },
  { as: 'mentor', path: (d) => `/sessions/${d.confirmedId}` },
  { as: 'mentor', path: (d) => `/sessions/${d.completedId}` },
  { as: 'mentor', path: (d) => `/sessions/${d.completedId}/notes` },
  { as: 'mentor', path: (d) => `/sessions/${d.confirmedId}/reschedule` },
  { as: 'mentor', path: (d) => `/mentor/session/${d.pendingId}/decline` },

  { as: 'admin', path: () => '/admin' },
  { as: 'admin', path: () => '/admin/sessions' },
  { as: 'admin', path: (d) => `/admin/sessions/${d.confirmedId}` },
  { as: 'admin', path: (d) => `/admin/sessions/${d.completedId}` },
  { as: 'admin', path: (d) => `/admin/sessions/${d.awaitingId}` },
  { as: 'admin', path: () => '/admin/payments' },
  { as: 'admin', path: () => '/admin/mentors' },
  { as: 'admin', path: (d) => `/admin/mentors/${d.mentorId}/profile` },
  { as: 'admin', path: (d) => `/admin/mentors/${d.mentorId}/availability` },
  { as: 'admin', path: () => '/admin/users' },
  { as: 'admin', path: (d) => `/admin/users/${d.menteeId}` },
  { as: 'admin', path: () => '/admin/revenue' },
  { as: 'admin', path: (d) => `/admin/sessions/${d.confirmedId}/set-status/?status=cancelled` },
  { as: 'admin', path: (d) => `/admin/sessions/${d.pendingId}/set-status/?status=confirmed` },
  { as: 'admin', path: () => '/admin/reviews' },
  { as: 'admin', path: () => '/admin/mail' },
  { as: 'admin', path: (d) => `/admin/mail/${d.mailId}` },
  { as: 'admin', path: () => '/admin/outbox' },
  { as: 'admin', path: () => '/admin/jobs' },
  { as: 'admin', path: () => '/admin/integrations' },
  { as: 'admin', path: () => '/account' },
  { as: 'admin', path: (d) => `/sessions/${d.confirmedId}` },
];

const LONG_MENTOR = 'Maximiliana Alexandrovna Konstantinopoulou-Wetherspoon';
const LONG_MENTEE = 'Bartholomew Fitzgerald Montgomery-Ashworth III';

async function realisticData() {
  const t = served.t;
  const db = t.database.db;
  const mentor = await t.createUser('mentor', { name: LONG_MENTOR, email: 'maximiliana.konstantinopoulou-wetherspoon@extraordinarily-long-company-name.example.com', timezone: 'America/Argentina/Buenos_Aires' });
  const mentee = await t.createUser('mentee', { name: LONG_MENTEE, email: 'bartholomew.fitzgerald.montgomery-ashworth@another-very-long-domain.example.org', timezone: 'Asia/Kathmandu' });
  const admin = await t.createUser('admin', { name: 'Administrator With A Rather Long Name', timezone: 'Pacific/Chatham' });
  // An expensive mentor, so the earnings are wide numbers.
  await db.update(mentorProfiles).set({ hourlyRateCents: 1_250_000, minNoticeMinutes: 0, headline: 'Principal engineer: distributed systems, PostgreSQL internals and TypeScript at scale', skills: ['TypeScript', 'PostgreSQL', 'Distributed systems', 'Kubernetes', 'Observability'] }).where(eq(mentorProfiles.userId, mentor.id));
  await db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: mentor.id })));

  const actor = { id: admin.id, role: 'admin' as const };
  const pendingId = await pendingSession({ db, mentor, mentee, start: onTheHour(30) });
  const confirmedId = await pendingSession({ db, mentor, mentee, start: onTheHour(52) });
  await moveSession({ db, sessionId: confirmedId, to: 'confirmed', actor });
  const completedIds: string[] = [];
  for (const hours of [76, 100, 124]) {
    const id = await pendingSession({ db, mentor, mentee, start: onTheHour(hours) });
    await moveSession({ db, sessionId: id, to: 'confirmed', actor });
    completedIds.push(id);
  }
  await makeDueRooms(t);
  for (const id of completedIds) {
    await db.update(sessions).set({ priceCents: 987_654_321 }).where(eq(sessions.id, id));
    await moveSession({ db, sessionId: id, to: 'completed', actor });
  }
  const completedId = completedIds[0]!;
  await submitReview({ db, sessionId: completedIds[1]!, menteeId: mentee.id, input: { rating: '5', comment: 'Extraordinarily helpful: we went through the whole query planner and its statistics, step by step.' }, now: new Date() });
  // The mentee applies to mentor, with long words, so /admin/mentors has an application to show.
  const applied = await submitMentorApplication({
    db, userId: mentee.id, now: new Date(),
    input: {
      headline: 'Staff engineer: observability, incident response and PostgreSQL replication', skills: 'PostgreSQL, Observability, Incident response',
      hourlyRate: '950', currency: 'USD', bio: 'Twenty years of running databases nobody else wanted to touch, and teaching others to.',
      links: 'https://example.com/a-very-long-portfolio-address/with/many/segments/that-does-not-break-easily',
    },
  });
  if (!applied.ok) throw new Error(applied.message);
  const { sessionId: awaitingId } = await awaitingPaymentSession({ db, mentor, mentee, start: onTheHour(148) });
  await deliverDueEmails({ db, transport: createMailboxTransport(db), from: t.config.mailFrom, appUrl: t.baseUrl });
  const [mail] = await db.select({ id: mailboxMessages.id }).from(mailboxMessages).limit(1);
  if (!mail) throw new Error('no mail in the mailbox');
  return { data: { mentorId: mentor.id, pendingId, confirmedId, completedId, awaitingId, mailId: mail.id, menteeId: mentee.id } satisfies Data, emails: { mentee: mentee.email, mentor: mentor.email, admin: admin.email } };
}

describe('no page scrolls sideways on a 360 px phone, and axe passes there', () => {
  it('every page, as a visitor, a mentee, a mentor and an admin, with long names and big numbers', async () => {
    const { data, emails } = await realisticData();
    const wide: string[] = [];
    for (const as of ['visitor', 'mentee', 'mentor', 'admin'] as const) {
      const page = await browser.newPage({ viewport: PHONE });
      if (as !== 'visitor') await logInThroughForm(page, emails[as]);
      for (const row of PAGES.filter((p) => p.as === as)) {
        const path = row.path(data);
        const res = await page.goto(path);
        expect(res?.status(), `${path} as ${as}`).toBe(row.status ?? 200);
        const { scroll, client, culprits } = await page.evaluate(() => {
          const client = document.documentElement.clientWidth;
          // The innermost elements that stick out, to say what to fix.
          const out = [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > client + 0.5);
          const innermost = out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
          const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
          return { scroll: document.documentElement.scrollWidth, client, culprits: innermost.slice(0, 4).map(name) };
        });
        if (scroll > client) wide.push(`${path} as ${as}: ${scroll} px wide (${culprits.join(', ')})`);
        await expectNoAxeViolations(page, `${path} as ${as} at 360 px`);
      }
    }
    expect(wide, 'pages wider than the phone').toEqual([]);
  }, 180_000);
});
