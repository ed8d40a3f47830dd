import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { mailsTo, onTheHour, pendingSession } from '../helpers/scenario';
import { eventually } from '../helpers/worker';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, useBrowser, useServedApp } from './browser';

const served = useServedApp({ smtp: true });
const browser = useBrowser(() => served.t.baseUrl);

const WIDTHS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const SHOTS = process.env.SCREENSHOT_DIR;

/** axe at both widths, no sideways scrolling down to 360 px, and a screenshot when asked for one. */
async function checkPage(page: Page, name: string) {
  for (const size of [...WIDTHS, { width: 360, height: 740 }]) {
    await page.setViewportSize(size);
    const fits = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    expect(fits, `${name} scrolls sideways at ${size.width} px`).toBe(true);
    if (size.width !== 360) await expectNoAxeViolations(page, `${name} at ${size.width} px`);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/${name}-${size.width}.png`, fullPage: true });
    }
  }
  await page.setViewportSize(WIDTHS[0]!);
}

describe('becoming a mentor in a real browser', () => {
  it('a mentee applies from the home page, an admin approves, and the new mentor sees the Mentor Dashboard', async () => {
    await served.runWorker();
    const t = served.t;
    const mentee = await t.createUser('mentee', { name: 'Maya Applicant' });
    const someMentor = await t.createUser('mentor', { name: 'Existing Mentor' });
    await pendingSession({ db: t.database.db, mentor: someMentor, mentee, start: onTheHour(80) });
    const admin = await t.createUser('admin', { name: 'Ada Admin' });

    // A visitor finds the page from the home page and logs in to apply, landing back on the form.
    const page = await browser.newPage();
    await page.goto('/');
    await checkPage(page, 'home');
    await clickAndLoad(page, page.getByRole('link', { name: 'Become a mentor', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/become-a-mentor');
    await checkPage(page, 'apply-guest');
    await clickAndLoad(page, page.getByRole('link', { name: 'Log in to apply' }));
    await page.getByLabel('Email', { exact: true }).fill(mentee.email);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await clickAndLoad(page, page.getByRole('button', { name: 'Log in', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/become-a-mentor');

    // A mistake is shown next to its field, and kept as typed.
    await page.getByLabel('Headline').fill('Frontend engineer · React and accessibility');
    await page.getByLabel('Skills').fill('React, Accessibility, TypeScript');
    await page.getByLabel('Hourly rate').fill('55');
    await page.getByLabel('About you').fill('Eight years of frontend work; I review components for accessibility.');
    await page.getByLabel('Links (optional)').fill('javascript:alert(1)');
    await clickAndLoad(page, page.getByRole('button', { name: 'Send application' }));
    expect(await page.getByRole('alert').innerText()).toContain('only http:// and https:// links are accepted');
    expect(await page.getByLabel('Headline').inputValue()).toBe('Frontend engineer · React and accessibility');
    await checkPage(page, 'apply-errors');
    await page.getByLabel('Links (optional)').fill('https://github.com/maya');
    await clickAndLoad(page, page.getByRole('button', { name: 'Send application' }));
    expect(await page.getByRole('status').innerText()).toContain('your application is sent');
    expect(await page.getByRole('heading', { name: 'Your application is waiting for review' }).count()).toBe(1);
    await checkPage(page, 'apply-waiting');

    // The admin approves from the Mentors page.
    const adminPage = await browser.newPage();
    await logInThroughForm(adminPage, admin.email);
    await adminPage.goto('/admin/mentors');
    expect(await adminPage.getByRole('heading', { name: 'Maya Applicant' }).count()).toBe(1);
    await checkPage(adminPage, 'admin-applications');
    await clickAndLoad(adminPage, adminPage.getByRole('button', { name: 'Approve Maya Applicant' }));
    expect(await adminPage.getByRole('status').innerText()).toBe('Maya Applicant is now a mentor, and has been emailed.');
    expect(await adminPage.getByRole('link', { name: 'Maya Applicant', exact: true }).count()).toBe(1);

    // The approval email arrives over SMTP, sent by the worker.
    await eventually(() => mailsTo(served.smtp, mentee.email, 'You are now a mentor - CodeMentorHub').length === 1);

    // The same login session is a mentor's now.
    await page.goto('/mentor/dashboard');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Mentor Dashboard');
    expect(await page.getByRole('link', { name: 'Mentor Dashboard' }).count()).toBeGreaterThan(0);
    await checkPage(page, 'new-mentor-dashboard');

    // The admin's person page shows them on both sides.
    await adminPage.goto('/admin/users?role=mentor');
    await clickAndLoad(adminPage, adminPage.getByRole('link', { name: 'Maya Applicant' }));
    expect(await adminPage.getByRole('heading', { name: /Sessions as mentee/ }).innerText()).toContain('(1)');
    await checkPage(adminPage, 'admin-person');
    await adminPage.goto('/admin/users?role=mentor');
    await checkPage(adminPage, 'admin-users-filtered');
    // Seven pages, each checked by axe at two widths: more than the default 30 s on a busy machine.
  }, 120_000);

  it('an admin declines with a reason, and the revenue page reads well', async () => {
    const t = served.t;
    const mentee = await t.createUser('mentee', { name: 'Dan Declined' });
    const admin = await t.createUser('admin', { name: 'Ada Admin Two' });
    const page = await browser.newPage();
    await logInThroughForm(page, mentee.email);
    await page.goto('/become-a-mentor');
    await page.getByLabel('Headline').fill('Junior developer');
    await page.getByLabel('Skills').fill('HTML');
    await page.getByLabel('Hourly rate').fill('20');
    await page.getByLabel('About you').fill('One year of experience, keen to help beginners.');
    await clickAndLoad(page, page.getByRole('button', { name: 'Send application' }));

    const adminPage = await browser.newPage();
    await logInThroughForm(adminPage, admin.email);
    await adminPage.goto('/admin/mentors');
    await clickAndLoad(adminPage, adminPage.getByRole('button', { name: 'Decline Dan Declined' }));
    expect(await adminPage.getByRole('alert').innerText()).toContain('Write the reason');
    await checkPage(adminPage, 'admin-decline-error');
    await adminPage.getByLabel('Reason for declining Dan Declined').fill('We need at least three years of professional experience.');
    await clickAndLoad(adminPage, adminPage.getByRole('button', { name: 'Decline Dan Declined' }));
    expect(await adminPage.getByRole('status').innerText()).toContain('is declined');

    await page.reload();
    expect(await page.getByText('We need at least three years of professional experience.').count()).toBe(1);
    await checkPage(page, 'apply-declined');

    await adminPage.goto('/admin/revenue');
    await checkPage(adminPage, 'admin-revenue');
    await adminPage.goto('/admin');
    await checkPage(adminPage, 'admin-home');
  }, 120_000);
});
