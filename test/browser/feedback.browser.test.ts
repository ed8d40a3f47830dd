import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mailboxMessages, reviews } from '../../src/db/schema';
import { TEST_PASSWORD } from '../helpers/app';
import { eventually } from '../helpers/worker';
import { endSessionInPast } from '../helpers/sessions';
import { completeAsAdmin, onTheHour, pendingSession, setStatusAsAdmin } from '../helpers/scenario';
import { clickAndLoad, clickThroughStep, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/**
 * Feedback end to end in a real browser: the admin marks a session completed, the worker puts the
 * "Thanks for your session" emails in the built-in mailbox (no SMTP_URL), the admin reads the
 * mentee's there, the mentee follows its link (logging in on the way), rates 5 stars, and the
 * mentor's public profile shows it. APP_URL is the test server's own address, so the link in the
 * email is followed as it is.
 */
const served = useServedApp({ ownAppUrl: true });
const browser = useBrowser(() => served.t.baseUrl);

const SUBJECT = 'Thanks for your session - CodeMentorHub';

describe('a mentee rates a completed session from the completion email', () => {
  it('admin "Mark completed" → email with the feedback link → 5 stars → "★ 5.0 (1 review)" on the profile; a second new rating is refused; another mentee gets 404', async () => {
    const mentor = { ...(await served.t.createUser('mentor', { name: 'Grace Feedback', timezone: 'Europe/London' })), name: 'Grace Feedback' };
    const mentee = { ...(await served.t.createUser('mentee', { name: 'Ada Rater', timezone: 'Asia/Kathmandu' })), name: 'Ada Rater' };
    const adminUser = await served.t.createUser('admin', { timezone: 'UTC' });
    const sessionId = await pendingSession({ db: served.t.database.db, mentor, mentee, start: onTheHour(72) });
    // It has taken place by the time the admin marks it completed.
    await endSessionInPast(served.t.database.db, sessionId);

    // The admin confirms, then marks it completed, on the Sessions page.
    const admin = await browser.newPage();
    await logInThroughForm(admin, adminUser.email);
    await admin.goto('/admin/sessions');
    const row = admin.getByRole('row').filter({ has: admin.getByRole('cell', { name: mentor.name, exact: true }) });
    await clickThroughStep(admin, row.getByRole('button', { name: 'Confirm', exact: true }), 'Confirm');
    await clickThroughStep(admin, row.getByRole('button', { name: 'Mark completed', exact: true }), 'Mark completed');
    expect(await admin.locator('main').innerText()).toContain('Session marked completed.');

    // The worker delivers both emails into the built-in mailbox; the admin reads the mentee's.
    await served.runWorker();
    await eventually(async () => (await served.t.database.db.select({ id: mailboxMessages.id }).from(mailboxMessages)
      .where(and(eq(mailboxMessages.subject, SUBJECT), eq(mailboxMessages.toAddress, mentee.email)))).length === 1);
    await clickAndLoad(admin, admin.getByRole('link', { name: 'Mail', exact: true }));
    const mailRow = admin.getByRole('row').filter({ hasText: mentee.email });
    await clickAndLoad(admin, mailRow.getByRole('link', { name: SUBJECT }));
    const text = await admin.locator('pre.mail-text').innerText();
    expect(text).toContain('Hello Ada Rater,');
    expect(text).toMatch(/^Time: \d{2}:\d{2} \(Asia\/Kathmandu/m);
    const link = /(https?:\/\/\S+\/sessions\/\S+\/feedback)/.exec(text)?.[1];
    expect(link).toBe(`${served.t.baseUrl}/sessions/${sessionId}/feedback`);

    // A second tab, scripts off, loads the rating form now (a new rating) and sends it later.
    const noScript = await browser.newPage({ javaScriptEnabled: false });
    await logInThroughForm(noScript, mentee.email);
    await noScript.goto(link!);
    expect(await noScript.getByRole('heading', { level: 1 }).innerText()).toBe('Rate your session');

    // The mentee follows the link: logs in on the way, and lands on the form.
    const page = await browser.newPage({ timezoneId: 'Asia/Kathmandu' });
    await page.goto(link!);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Email', { exact: true }).fill(mentee.email);
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
    await clickAndLoad(page, page.getByRole('button', { name: 'Log in', exact: true }));
    expect(page.url()).toBe(link);
    await expectNoAxeViolations(page, 'feedback page');
    const group = page.getByRole('group', { name: 'Rating' });
    expect(await group.getByRole('radio').count()).toBe(5);
    for (const name of ['1 star', '2 stars', '3 stars', '4 stars', '5 stars']) expect(await group.getByRole('radio', { name, exact: true }).count()).toBe(1);
    // Keyboard: focus 4 stars, arrow to 5.
    await group.getByRole('radio', { name: '4 stars', exact: true }).focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    expect(await group.getByRole('radio', { name: '5 stars', exact: true }).isChecked()).toBe(true);
    await page.getByLabel('Comment (optional)').fill('Patient and precise. Fixed my flaky tests.');
    await clickAndLoad(page, page.getByRole('button', { name: 'Submit rating' }));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await page.locator('main').innerText()).toContain('Thank you! Your rating is saved.');
    expect(await page.getByRole('link', { name: 'Edit your rating' }).count()).toBe(1);

    // The mentor's public profile, as a guest sees it.
    const guest = await browser.newPage();
    await guest.goto(`/mentors/${mentor.id}`);
    const profile = await guest.locator('main').innerText();
    expect(profile).toContain('★ 5.0 (1 review)');
    expect(profile).toContain('Patient and precise. Fixed my flaky tests.');
    expect(profile).toContain('Ada');
    expect(profile).not.toContain('Ada Rater');
    await expectNoAxeViolations(guest, 'profile with a review');
    await guest.goto('/mentors');
    expect(await guest.locator('li.mentor-card').filter({ hasText: mentor.name }).innerText()).toContain('★ 5.0 (1 review)');

    // The older tab sends its new rating: refused, and the stored one is unchanged.
    await noScript.locator('label.star-choice').filter({ hasText: '2 stars' }).click();
    const refused = noScript.waitForResponse((r) => r.request().method() === 'POST' && r.url() === link);
    await clickAndLoad(noScript, noScript.getByRole('button', { name: 'Submit rating' }));
    expect((await refused).status()).toBe(409);
    expect(await noScript.getByRole('alert').first().innerText()).toContain('You have already rated this session');
    const stored = await served.t.database.db.select().from(reviews).where(eq(reviews.sessionId, sessionId));
    expect(stored.map((r) => r.rating)).toEqual([5]);

    // Another mentee: the page does not exist for them.
    const other = await served.t.createUser('mentee');
    const stranger = await browser.newPage();
    await logInThroughForm(stranger, other.email);
    const response = await stranger.goto(link!);
    expect(response!.status()).toBe(404);
    expect(await stranger.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
    expect(await stranger.locator('input[name="rating"]').count()).toBe(0);

    // The admin's Reviews page lists it; Hide takes it off the profile.
    await clickAndLoad(admin, admin.getByRole('link', { name: 'Reviews', exact: true }));
    await expectNoAxeViolations(admin, 'admin reviews');
    const reviewRow = admin.getByRole('row').filter({ hasText: 'Patient and precise.' });
    await clickAndLoad(admin, reviewRow.getByRole('button', { name: /^Hide/ }));
    expect(await admin.locator('main').innerText()).toContain('Review hidden.');
    await guest.goto(`/mentors/${mentor.id}`);
    const hidden = await guest.locator('main').innerText();
    expect(hidden).not.toContain('★ 5.0');
    expect(hidden).not.toContain('Patient and precise.');
    expect(hidden).toContain('Rating: no reviews yet');
  }, 90_000); // A whole flow through several pages with axe: slow when the two cores are busy.

  it('the feedback and admin reviews pages fit a phone', async () => {
    const mentor = await served.t.createUser('mentor', { name: 'Phone Mentor' });
    const mentee = await served.t.createUser('mentee', { name: 'Phone Mentee' });
    const sessionId = await pendingSession({ db: served.t.database.db, mentor, mentee, start: onTheHour(96) });
    const adminAgent = await served.t.loginAs('admin');
    await setStatusAsAdmin(adminAgent, sessionId, 'confirmed');
    await completeAsAdmin(served.t, adminAgent, sessionId);
    const page = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(page, mentee.email);
    await page.goto(`/sessions/${sessionId}/feedback`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    // Nothing picked: the browser's own check keeps the form from being sent.
    await page.getByRole('button', { name: 'Submit rating' }).click();
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}/feedback`);
    expect(await page.getByRole('radio', { name: '1 star', exact: true }).evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
    await page.locator('label.star-choice').filter({ hasText: '3 stars' }).click();
    await clickAndLoad(page, page.getByRole('button', { name: 'Submit rating' }));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    await page.goto(`/sessions/${sessionId}/feedback`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Edit your rating');
    await expectNoAxeViolations(page, 'edit rating on a phone');

    const admin = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(admin, (await served.t.createUser('admin')).email);
    await admin.goto('/admin/reviews');
    expect(await admin.getByRole('row').filter({ hasText: 'Phone Mentor' }).count()).toBe(1);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  });
});
