import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { emailOutbox, users } from '../../src/db/schema';
import { deliverDueEmails } from '../../src/mail/deliver';
import { createMailboxTransport } from '../../src/mail/mailbox';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

const HOMES = [
  { role: 'mentee', path: '/dashboard', heading: 'My Sessions' },
  { role: 'mentor', path: '/mentor/dashboard', heading: 'Mentor Dashboard' },
  { role: 'admin', path: '/admin', heading: 'Admin' },
] as const;

let signups = 0;
const newEmail = () => `browser${++signups}-${Date.now()}@example.com`;

async function sessionCookie(page: Page) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'cmh_session');
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}

/** Two time-zone names for one zone (ICU resolves aliases such as Asia/Katmandu to one name). */
function sameZone(a: string, b: string) {
  const canonical = (tz: string) => new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  return canonical(a) === canonical(b);
}

/**
 * Mail for the admin pages: two sign-ups queue two welcome emails; one delivery attempt fails for
 * good (a failed row with its error in the outbox), the rest land in the built-in mailbox.
 */
async function fillMail() {
  for (const name of ['Failing Mail', 'Mailbox Reader']) {
    const res = await served.t.agent().submit('/signup', { name, email: newEmail(), password: 'a long enough password' });
    expect(res.statusCode).toBe(303);
  }
  const from = served.t.config.mailFrom;
  const broken = { async send() { throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:587'), { code: 'ECONNREFUSED' }); }, async close() {} };
  const failed = await deliverDueEmails({ db: served.t.database.db, transport: broken, from, appUrl: served.t.baseUrl, batchSize: 1, maxAttempts: 1 });
  expect(failed.failed).toBe(1);
  const sent = await deliverDueEmails({ db: served.t.database.db, transport: createMailboxTransport(served.t.database.db), from, appUrl: served.t.baseUrl });
  expect(sent.sent).toBeGreaterThanOrEqual(1);
}

/** True when the page fits the viewport's width: nothing makes the whole page scroll sideways. */
function fitsWidth(page: Page) {
  return page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
}

async function heading(page: Page) {
  return page.getByRole('heading', { level: 1 }).innerText();
}

describe('accounts in a real browser', () => {
  it('lets a guest sign up through the form, with the time zone taken from the browser', async () => {
    const page = await browser.newPage({ timezoneId: 'Asia/Kathmandu' });
    await page.goto('/');
    await clickAndLoad(page, page.getByRole('link', { name: 'Sign up', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/signup');
    const email = newEmail();
    await page.getByLabel('Name', { exact: true }).fill('Browser Person');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));

    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await heading(page)).toBe('My Sessions');
    expect(await page.getByRole('status').innerText()).toBe('Welcome to CodeMentorHub! Your account is ready. Confirm your email with the link we sent you before you book a session.');
    expect(await page.locator('.who').innerText()).toBe('Browser Person');
    const [user] = await served.t.database.db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ role: 'mentee', name: 'Browser Person' });
    // Chromium (like Node) reports the zone by ICU's canonical name, the IANA alias Asia/Katmandu:
    // the same zone, so compare zones rather than spellings. Without app.js this would be UTC.
    expect(sameZone(user!.timezone, 'Asia/Kathmandu'), `stored ${user!.timezone}`).toBe(true);
  });

  it('logs each role in through the form, by accessible names, to its own home', async () => {
    for (const home of HOMES) {
      const user = await served.t.createUser(home.role, { name: `Browser ${home.role}` });
      const page = await browser.newPage();
      expect(await logInThroughForm(page, user.email), home.role).toBe(home.path);
      expect(await heading(page)).toBe(home.heading);
      expect(await page.locator('.who').innerText()).toBe(`Browser ${home.role}`);
    }
  });

  it('shows a wrong password on the form and stays logged out', async () => {
    const user = await served.t.createUser('mentee');
    const page = await browser.newPage();
    expect(await logInThroughForm(page, user.email, 'not the password')).toBe('/login');
    expect(await page.getByRole('alert').innerText()).toBe('Email or password is incorrect.');
    expect(await page.getByLabel('Email', { exact: true }).inputValue()).toBe(user.email);
    expect((await page.context().cookies()).some((c) => c.name === 'cmh_session')).toBe(false);
  });

  it('logs out with the "Log out" button, and the old session is dead on the server', async () => {
    const user = await served.t.createUser('mentee');
    const page = await browser.newPage();
    await logInThroughForm(page, user.email);
    const old = await sessionCookie(page);

    await clickAndLoad(page, page.getByRole('button', { name: 'Log out', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByRole('status').innerText()).toBe('You have been logged out.');
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Log in', exact: true }).count()).toBeGreaterThan(0);
    expect((await page.context().cookies()).some((c) => c.name === 'cmh_session')).toBe(false);

    // A browser that kept (or stole) the old cookie gets nothing with it.
    const replay = await browser.newPage();
    await replay.context().addCookies([old]);
    const res = await replay.goto('/dashboard');
    expect(res?.status()).toBe(200);
    expect(new URL(replay.url()).pathname + new URL(replay.url()).search).toBe('/login?next=%2Fdashboard');
    expect(await heading(replay)).toBe('Log in');
  });
});

describe('accessibility (axe-core, WCAG 2.1 A/AA and best practice)', () => {
  it('the check itself fails on a page with known violations', async () => {
    const page = await browser.newPage();
    await page.setContent('<html><head><title>t</title></head><body><main><img src="data:,"><label>Name <input></label><p style="color:#aaa;background:#fff">faint</p></main></body></html>');
    const failure = await expectNoAxeViolations(page, 'a broken page').then(() => null, (err: Error) => err.message);
    expect(failure).toMatch(/html-has-lang/);
    expect(failure).toMatch(/image-alt .*\n\s+at img/);
    expect(failure).toMatch(/color-contrast/);
  });

  it('guest pages: home, log-in, sign-up (empty and with errors), 404', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await expectNoAxeViolations(page, 'home');
    await page.goto('/login');
    await expectNoAxeViolations(page, '/login');
    await page.goto('/signup');
    await expectNoAxeViolations(page, '/signup');

    await page.getByLabel('Email', { exact: true }).fill('not an address');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));
    expect(await page.locator('.field .error').count()).toBe(3);
    // Each message is tied to its field, so a screen reader reads it with the field.
    const email = page.getByLabel('Email', { exact: true });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '').join(' '))).toContain('Enter one valid email address');
    await expectNoAxeViolations(page, '/signup with errors');

    expect(await logInThroughForm(page, 'nobody@example.com', 'wrong password')).toBe('/login');
    expect(await page.getByRole('alert').innerText()).toBe('Email or password is incorrect.');
    await expectNoAxeViolations(page, '/login with an error');

    const res = await page.goto('/no/such/page');
    expect(res?.status()).toBe(404);
    expect(await heading(page)).toBe('Page not found');
    await expectNoAxeViolations(page, '404');
  });

  it('mentee pages: My Sessions, and the 403 page', async () => {
    const user = await served.t.createUser('mentee');
    const page = await browser.newPage();
    await logInThroughForm(page, user.email);
    expect(await heading(page)).toBe('My Sessions');
    await expectNoAxeViolations(page, '/dashboard');
    const res = await page.goto('/admin');
    expect(res?.status()).toBe(403);
    expect(await heading(page)).toBe('Not allowed');
    await expectNoAxeViolations(page, '403');
  });

  it('mentor pages: Mentor Dashboard', async () => {
    const user = await served.t.createUser('mentor');
    const page = await browser.newPage();
    await logInThroughForm(page, user.email);
    expect(await heading(page)).toBe('Mentor Dashboard');
    await expectNoAxeViolations(page, '/mentor/dashboard');
  });

  it('admin pages: Admin, Mail (with a message), one message, Outbox (with a failure)', async () => {
    await fillMail();
    expect(await served.t.database.db.select().from(emailOutbox).where(eq(emailOutbox.status, 'failed'))).toHaveLength(1);

    const admin = await served.t.createUser('admin');
    const page = await browser.newPage();
    await logInThroughForm(page, admin.email);
    expect(await heading(page)).toBe('Admin');
    await expectNoAxeViolations(page, '/admin');

    await clickAndLoad(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/admin/mail');
    const message = page.getByRole('table').getByRole('link', { name: 'Welcome to CodeMentorHub' }).first();
    expect(await message.count()).toBe(1);
    await expectNoAxeViolations(page, '/admin/mail');

    await clickAndLoad(page, message);
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/mail\/[0-9a-f-]{36}$/);
    expect(await heading(page)).toBe('Welcome to CodeMentorHub');
    await expectNoAxeViolations(page, '/admin/mail/:id');

    await page.goto('/admin/outbox');
    expect(await page.getByRole('button', { name: /^Retry email to / }).count()).toBe(1);
    await expectNoAxeViolations(page, '/admin/outbox');
    await page.goto('/admin/outbox?status=failed');
    await expectNoAxeViolations(page, '/admin/outbox?status=failed');

    await served.t.createUser('mentor', { name: 'Axe Mentor' });
    await page.goto('/admin/mentors');
    expect(await page.getByRole('link', { name: 'Profile of Axe Mentor' }).count()).toBe(1);
    await expectNoAxeViolations(page, '/admin/mentors');
    await clickAndLoad(page, page.getByRole('link', { name: 'Availability of Axe Mentor' }));
    await expectNoAxeViolations(page, '/admin/mentors/:id/availability');
  });

  it('at phone width (360x740): home, sign-up with errors, My Sessions, Mail, Outbox; nothing scrolls sideways', async () => {
    await fillMail();
    const phone = { viewport: PHONE, isMobile: true, hasTouch: true };
    const page = await browser.newPage(phone);
    await page.goto('/');
    await expectNoAxeViolations(page, 'home (phone)');
    expect(await fitsWidth(page), 'home scrolls sideways').toBe(true);

    await page.goto('/signup');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));
    expect(await page.locator('.field .error').count()).toBe(3);
    await expectNoAxeViolations(page, '/signup with errors (phone)');
    expect(await fitsWidth(page), 'sign-up scrolls sideways').toBe(true);

    const mentee = await served.t.createUser('mentee');
    await logInThroughForm(page, mentee.email);
    await expectNoAxeViolations(page, '/dashboard (phone)');
    expect(await fitsWidth(page), 'dashboard scrolls sideways').toBe(true);

    const admin = await served.t.createUser('admin');
    const adminPage = await browser.newPage(phone);
    await logInThroughForm(adminPage, admin.email);
    await adminPage.goto('/admin/mail');
    expect(await adminPage.getByRole('table').getByRole('row').count()).toBeGreaterThan(1);
    await expectNoAxeViolations(adminPage, '/admin/mail (phone)');
    expect(await fitsWidth(adminPage), 'mail scrolls sideways').toBe(true);
    // A wide table scrolls inside its own box; the page around it stays put.
    await adminPage.goto('/admin/outbox');
    expect(await adminPage.getByRole('button', { name: /^Retry email to / }).count()).toBeGreaterThan(0);
    await expectNoAxeViolations(adminPage, '/admin/outbox (phone)');
    expect(await fitsWidth(adminPage), 'outbox scrolls sideways').toBe(true);
  });
});

describe('without JavaScript', () => {
  it('every role can log in, reach its home and log out', async () => {
    for (const home of HOMES) {
      const user = await served.t.createUser(home.role);
      const page = await browser.newPage({ javaScriptEnabled: false });
      expect(await logInThroughForm(page, user.email), home.role).toBe(home.path);
      expect(await heading(page)).toBe(home.heading);
      await clickAndLoad(page, page.getByRole('button', { name: 'Log out', exact: true }));
      expect(new URL(page.url()).pathname).toBe('/');
      expect(await page.getByRole('status').innerText()).toBe('You have been logged out.');
    }
  });

  it('a guest can sign up; the account starts in UTC', async () => {
    const page = await browser.newPage({ javaScriptEnabled: false, timezoneId: 'Asia/Kathmandu' });
    await page.goto('/signup');
    const email = newEmail();
    await page.getByLabel('Name', { exact: true }).fill('No Script');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await heading(page)).toBe('My Sessions');
    const [user] = await served.t.database.db.select().from(users).where(eq(users.email, email));
    expect(user?.timezone).toBe('UTC');
  });
});
