/**
 * Screenshots of the main pages at desktop and phone width, into docs/screenshots/.
 * Run: npm run screenshots (a fresh in-memory database with the demo data; nothing else is touched).
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createPasswordHasher } from '../src/accounts/password';
import { createPaidSession } from '../src/booking/operator';
import { buildApp } from '../src/app';
import { findUserByEmail } from '../src/accounts/users';
import { loadConfig } from '../src/config';
import { openPglite } from '../src/db/client';
import { migrate } from '../src/db/migrate';
import { DEMO_PASSWORD, DEMO_LOGINS, seedDemoData } from '../src/demo/seed';
import { deliverDueEmails } from '../src/mail/deliver';
import { createMailboxTransport } from '../src/mail/mailbox';
import { createMeetingProvider } from '../src/meetings';
import { createDueMeetings } from '../src/sessions/rooms';
import { confirmSession } from '../src/sessions/transitions';
import { submitMentorApplication } from '../src/mentors/applications';
import { addTimeOff } from '../src/mentors/time-off';
import { launchBrowser } from '../tools/chromium';

const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

async function main() {
  mkdirSync(OUT, { recursive: true });
  const database = await openPglite({});
  await migrate(database);
  // A cheap hash: these accounts live for a minute in memory.
  const hasher = createPasswordHasher({ logN: 10, r: 8, p: 1 });
  await seedDemoData({ db: database.db, hasher });
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_MINUTE: '1000', DATA_DIR: '/nonexistent' });
  const app = await buildApp({ config, database, hasher, cookieSecret: 'screenshots-cookie-secret-of-32-chars-or-more' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const baseURL = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await launchBrowser();
  const saved: string[] = [];
  try {
    // One sign-up through the form, so the built-in mailbox has its welcome email to show.
    const signup = await open(browser, baseURL, 'desktop');
    await signup.goto('/signup');
    await signup.getByLabel('Name', { exact: true }).fill('Dana Developer');
    await signup.getByLabel('Email', { exact: true }).fill('dana@example.com');
    await signup.getByLabel('Password', { exact: true }).fill('a long enough password');
    await Promise.all([signup.waitForURL('**/dashboard'), signup.getByRole('button', { name: 'Sign up', exact: true }).click()]);
    await signup.context().close();

    // A confirmed session with its meeting room, so the dashboards show the join box and the admin
    // Sessions page a "Join Meeting" link: Alice books Marcus, the admin confirms, the worker's step runs.
    // The first afternoon from the day after tomorrow on that the demo data leaves free for both.
    let made: Awaited<ReturnType<typeof createPaidSession>> | undefined;
    for (let day = 2; day < 14 && !made?.ok; day++) {
      const start = new Date(Date.now() + day * 86_400_000);
      start.setUTCHours(15, 0, 0, 0);
      made = await createPaidSession({ db: database.db, input: { mentor: 'marcus@example.com', mentee: 'alice@example.com', start: start.toISOString(), duration: 60 }, now: new Date() });
    }
    if (!made?.ok) throw new Error(made?.error ?? 'no free afternoon');
    const admin = (await findUserByEmail(database.db, DEMO_LOGINS.find((l) => l.role === 'admin')!.email))!;
    const confirmed = await confirmSession({ db: database.db, sessionId: made.sessionId, actor: { id: admin.id, role: 'admin' }, meetingProvider: config.meetings.provider, now: new Date() });
    if (!confirmed.ok) throw new Error(confirmed.error);
    await createDueMeetings({ db: database.db, meetings: createMeetingProvider(config) });
    await deliverDueEmails({ db: database.db, transport: createMailboxTransport(database.db), from: config.mailFrom, appUrl: baseURL });

    const email = (role: string) => DEMO_LOGINS.find((l) => l.role === role)!.email;
    // Dana (signed up above) applies to mentor, so /admin/mentors has an application to decide.
    const dana = (await findUserByEmail(database.db, 'dana@example.com'))!;
    const applied = await submitMentorApplication({
      db: database.db, userId: dana.id, now: new Date(),
      input: {
        headline: 'Backend engineer, 8 years of Go and PostgreSQL', skills: 'Go, PostgreSQL, System design', hourlyRate: '70', currency: 'USD',
        bio: 'I build payment systems and like helping people past their first production incident.', links: 'https://github.com/dana-developer',
      },
    });
    if (!applied.ok) throw new Error(applied.message);
    // The demo mentor takes a week off in three weeks, so the availability page shows it.
    const mentor = (await findUserByEmail(database.db, email('mentor')))!;
    const away = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const off = await addTimeOff({ db: database.db, mentorId: mentor.id, timezone: mentor.timezone, actorId: mentor.id, now: new Date(), input: { startDate: away(21), endDate: away(27), note: 'Conference' } });
    if (!off.ok) throw new Error(`time off: ${off.reason}`);
    const shots: { name: string; role?: string; path: string }[] = [
      { name: 'home', path: '/' },
      { name: 'login', path: '/login' },
      { name: 'mentors', path: '/mentors' },
      { name: 'mentor-profile', role: 'mentee', path: `/mentors/${(await findUserByEmail(database.db, 'priya@example.com'))!.id}` },
      { name: 'mentee-dashboard', role: 'mentee', path: '/dashboard' },
      { name: 'mentor-dashboard', role: 'mentor', path: '/mentor/dashboard' },
      { name: 'admin', role: 'admin', path: '/admin' },
      { name: 'admin-sessions', role: 'admin', path: '/admin/sessions' },
      { name: 'admin-mail', role: 'admin', path: '/admin/mail' },
      { name: 'become-a-mentor', path: '/become-a-mentor' },
      { name: 'admin-mentors', role: 'admin', path: '/admin/mentors' },
      { name: 'admin-revenue', role: 'admin', path: '/admin/revenue' },
      { name: 'cancel-step', role: 'admin', path: `/admin/sessions/${made.sessionId}/set-status/?status=cancelled` },
      { name: 'receipt', role: 'mentee', path: `/sessions/${made.sessionId}/receipt` },
      { name: 'mentor-availability', role: 'mentor', path: '/mentor/availability' },
    ];
    for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
      const pages = new Map<string, Page>();
      for (const shot of shots) {
        const key = shot.role ?? 'guest';
        let page = pages.get(key);
        if (!page) {
          page = await open(browser, baseURL, size);
          if (shot.role) await logIn(page, email(shot.role));
          pages.set(key, page);
        }
        await page.goto(shot.path);
        const file = `${OUT}${shot.name}-${size}.png`;
        await page.screenshot({ path: file, fullPage: true });
        saved.push(file);
      }
      for (const page of pages.values()) await page.context().close();
    }
  } finally {
    await browser.close();
    await app.close();
    await database.close();
  }
  for (const file of saved) console.log(file);
}

async function open(browser: Browser, baseURL: string, size: keyof typeof SIZES): Promise<Page> {
  const phone = size === 'phone';
  const context = await browser.newContext({
    baseURL, viewport: SIZES[size], deviceScaleFactor: phone ? 2 : 1, isMobile: phone, hasTouch: phone,
    timezoneId: 'Europe/London', locale: 'en-GB', colorScheme: 'light', reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

async function logIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.getByRole('button', { name: 'Log in', exact: true }).click()]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
