import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, emailOutbox, mentorProfiles, sessions } from '../../src/db/schema';
import { renderEmail } from '../../src/mail/templates';
import { clickAndLoad, DESKTOP, expectNoAxeViolations, logInThroughForm, useBrowser, useServedApp } from './browser';

const served = useServedApp({ ownAppUrl: true });
const browser = useBrowser(() => served.t.baseUrl);

const PHONE_390 = { width: 390, height: 844 };

/** Screenshots for looking at the pages by eye, only when asked for (SCREENSHOT_DIR). */
async function shot(page: Page, name: string) {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

async function fitsAndPassesAxe(page: Page, label: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${label} scrolls sideways`).toBeLessThanOrEqual(page.viewportSize()!.width);
  await expectNoAxeViolations(page, label);
}

async function openMentor(name: string) {
  const mentor = await served.t.createUser('mentor', { name, timezone: 'UTC' });
  await served.t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [30, 60] }).where(eq(mentorProfiles.userId, mentor.id));
  await served.t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 8 * 60, endMinute: 20 * 60 })));
  return mentor;
}

/** The confirmation link of the welcome email queued for this address, as the email shows it. */
async function welcomeLink(email: string): Promise<string> {
  const [row] = await served.t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, email), eq(emailOutbox.template, 'welcome')));
  const mail = renderEmail('welcome', row!.payload, { appUrl: served.t.config.appUrl, recipient: { name: '', address: email }, from: { name: '', address: 'x@example.com' } });
  return /Confirm your email: (\S+)/.exec(mail.text)![1]!;
}

const chosenValue = (page: Page) => page.locator('input[name="startsAt"]:checked').getAttribute('value');

describe.each([['desktop', DESKTOP], ['phone', PHONE_390]] as const)('a visitor books on the %s', (width, viewport) => {
  it('picks a slot, logs in to book, creates an account, comes back to the slot, writes a note, books, and cancels at checkout', async () => {
    const mentor = await openMentor(`Barbara Liskov ${width}`);
    const page = await browser.newPage({ viewport, timezoneId: 'UTC' });
    await page.goto(`/mentors/${mentor.id}`);
    await page.getByLabel('Session length').selectOption('60');
    await clickAndLoad(page, page.getByRole('button', { name: 'Show times' }));
    await fitsAndPassesAxe(page, 'profile, visitor');
    const slot = page.locator('label.slot').nth(2);
    const iso = await slot.locator('input').getAttribute('value');
    await slot.click();
    await clickAndLoad(page, page.getByRole('button', { name: 'Log in to book' }));

    expect(new URL(page.url()).pathname).toBe('/login');
    await expect.poll(() => page.getByRole('note').innerText()).toContain('Your chosen time is kept');
    await shot(page, `login-${width}`);
    await fitsAndPassesAxe(page, 'log-in with a chosen slot');
    await clickAndLoad(page, page.getByRole('link', { name: 'Create an account' }));

    expect(new URL(page.url()).pathname).toBe('/signup');
    await fitsAndPassesAxe(page, 'sign-up with a chosen slot');
    const email = `visitor-${width}-${Date.now()}@example.com`;
    await page.getByLabel('Name').fill(`Vera Visitor ${width}`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('a long enough password');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up' }));

    // Back at the booking step, the slot chosen; confirm the email first (its link comes back here too).
    expect(new URL(page.url()).pathname).toBe(`/mentors/${mentor.id}`);
    expect(await chosenValue(page)).toBe(iso);
    expect(await page.locator('main').innerText()).toContain('To book, first confirm your email address');
    await shot(page, `step-unverified-${width}`);
    await fitsAndPassesAxe(page, 'booking step before verification');
    await page.goto(await welcomeLink(email));
    await fitsAndPassesAxe(page, 'confirm your email');
    await clickAndLoad(page, page.getByRole('button', { name: 'Confirm my email' }));

    expect(new URL(page.url()).pathname).toBe(`/mentors/${mentor.id}`);
    expect(await chosenValue(page)).toBe(iso);
    const main = await page.locator('main').innerText();
    expect(main).toContain('You can book now');
    expect(main).toContain('Nothing is booked until you press “Book and pay”');
    expect(await served.t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id))).toHaveLength(0);
    await page.getByLabel('What would you like help with? (optional)').fill('Reviewing my pull request on generics.');
    await shot(page, `step-${width}`);
    await fitsAndPassesAxe(page, 'booking step with a note');
    await clickAndLoad(page, page.getByRole('button', { name: 'Book and pay' }));

    expect(new URL(page.url()).pathname).toMatch(/^\/checkout\/test\//);
    const [held] = await served.t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    expect(held).toMatchObject({ status: 'awaiting_payment', startsAt: new Date(iso!), bookingNote: 'Reviewing my pull request on generics.' });
    await shot(page, `checkout-${width}`);
    await fitsAndPassesAxe(page, 'checkout');
    await clickAndLoad(page, page.getByRole('button', { name: 'Cancel and go back' }));

    // The slot is free again at once, offered on the profile the mentee is back on.
    expect(new URL(page.url()).pathname).toBe(`/mentors/${mentor.id}`);
    expect(await page.locator('main').innerText()).toContain('Booking cancelled: the time with');
    expect(await page.locator(`input[name="startsAt"][value="${iso}"]`).count()).toBe(1);
    const [after] = await served.t.database.db.select().from(sessions).where(eq(sessions.id, held!.id));
    expect(after!.status).toBe('expired');
    await shot(page, `cancelled-${width}`);
    await fitsAndPassesAxe(page, 'profile after cancelling');

    // The old checkout link now says what happened and leads back to the mentor.
    await page.goto(`/checkout/test/${held!.id}`);
    expect(await page.locator('main').innerText()).toContain('was released for others to book');
    await shot(page, `hold-ended-${width}`);
    await fitsAndPassesAxe(page, 'an ended hold’s checkout link');
    await clickAndLoad(page, page.getByRole('link', { name: /^Pick a time with/ }));
    expect(new URL(page.url()).pathname).toBe(`/mentors/${mentor.id}`);
  });

  it('books with a note and pays; the mentor reads the note on the request and on the session page', async () => {
    const mentor = await openMentor(`Edsger Dijkstra ${width}`);
    const mentee = await served.t.createUser('mentee', { name: `Nadia Note ${width}` });
    const page = await browser.newPage({ viewport, timezoneId: 'UTC' });
    await logInThroughForm(page, mentee.email);
    await page.goto(`/mentors/${mentor.id}`);
    await page.locator('label.slot').first().click();
    const note = 'I would like help with structuring a <b>large</b> TypeScript codebase.\nAlso: testing strategy.';
    await page.getByLabel('What would you like help with? (optional)').fill(note);
    await clickAndLoad(page, page.getByRole('button', { name: 'Book and pay' }));
    await clickAndLoad(page, page.getByRole('button', { name: /^Pay / }));
    expect(await page.locator('main').innerText()).toContain('Payment received.');

    const mentorPage = await browser.newPage({ viewport, timezoneId: 'UTC' });
    await logInThroughForm(mentorPage, mentor.email);
    const request = await mentorPage.locator('section[aria-labelledby="requests"]').innerText();
    expect(request).toContain('Help with:');
    expect(request).toContain('I would like help with structuring a <b>large</b> TypeScript codebase. Also: testing strategy.');
    await shot(mentorPage, `mentor-dashboard-${width}`);
    await fitsAndPassesAxe(mentorPage, 'mentor dashboard with a note');
    await clickAndLoad(mentorPage, mentorPage.getByRole('link', { name: `Mentee: Nadia Note ${width}` }));
    const full = await mentorPage.locator('.booking-note-full').innerText();
    expect(full).toContain(`What Nadia Note ${width} would like help with`);
    expect(full).toContain('large</b> TypeScript codebase.\nAlso: testing strategy.');
    await shot(mentorPage, `session-page-${width}`);
    await fitsAndPassesAxe(mentorPage, 'session page with the note');
    // Nothing the mentee writes (a long link) makes a page scroll sideways on the narrowest phone.
    await served.t.database.db.update(sessions).set({ bookingNote: `See https://example.com/${'a'.repeat(150)}` }).where(eq(sessions.mentorId, mentor.id));
    await mentorPage.setViewportSize({ width: 360, height: 740 });
    for (const path of [mentorPage.url(), '/mentor/dashboard']) {
      await mentorPage.goto(path);
      expect(await mentorPage.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(360);
    }
  });
});
