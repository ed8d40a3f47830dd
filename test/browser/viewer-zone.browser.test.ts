import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createOpenMentor } from '../helpers/mentors';
import { pendingSession, onTheHour } from '../helpers/scenario';
import { clickAndLoad, DESKTOP, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/** A visitor's browser zone and language decide how the profile and directory show times, without choosing anything. */
const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);
const SHOTS = process.env.SCREENSHOT_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

async function shoot(page: Page, name: string) {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function expectFits(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `no sideways scrolling on ${page.url()}`).toBeLessThanOrEqual(page.viewportSize()!.width);
}

/** The first offered slot: its instant and the time of day the page shows for it. */
async function firstSlot(page: Page) {
  const radio = page.getByRole('radio').first();
  const iso = (await radio.getAttribute('value'))!;
  const label = (await page.locator('label.slot').first().innerText()).trim();
  return { at: new Date(iso), label };
}

describe('a visitor’s own time zone and clock', () => {
  it('New York, en-US: the profile shows slots in New York time on a 12-hour clock, the directory too (axe at 1280 and 390 px)', async () => {
    const mentor = await createOpenMentor(served.t);
    const page = await browser.newPage({ timezoneId: 'America/New_York', locale: 'en-US' });
    await page.goto(`/mentors/${mentor.id}`);
    // app.js remembers the zone and draws the page again in it, once.
    await page.getByText(/Times are shown in America\/New_York \(GMT-[45]\), your browser’s time zone\./).waitFor();
    expect((await page.context().cookies()).find((c) => c.name === 'tz')?.value).toBe('America%2FNew_York');
    const { at, label } = await firstSlot(page);
    expect(label).toBe(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(at));
    expect(label).toMatch(/^\d{1,2}:\d\d [AP]M$/);
    expect(await page.locator('fieldset.day legend').first().innerText())
      .toContain(new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' }).format(at));
    // The picker shows the browser's zone, and the week is a calendar week ("Nov 30 – Dec 6").
    expect(await page.getByLabel('Show times in').inputValue()).toBe('America/New_York');
    expect(await page.getByRole('navigation', { name: 'Weeks' }).innerText()).toMatch(/[A-Z][a-z]{2} \d+ – ([A-Z][a-z]{2} )?\d+/);
    await expectNoAxeViolations(page, 'the profile in New York time');
    await shoot(page, 'profile-new-york-1280');
    await page.setViewportSize({ width: 390, height: 800 });
    await expectNoAxeViolations(page, 'the profile in New York time at 390 px');
    await expectFits(page);
    await shoot(page, 'profile-new-york-390');
    await page.setViewportSize(PHONE);
    await expectFits(page);

    // The next page knows the zone at once.
    await clickAndLoad(page, page.getByRole('link', { name: 'All mentors' }));
    expect(await page.locator('.zone-note').innerText()).toMatch(/Times are shown in America\/New_York/);
    expect(await page.getByText(/^Next free:/).first().innerText()).toMatch(/\d{1,2}:\d\d [AP]M E[SD]T/);
    await page.setViewportSize({ width: 390, height: 800 });
    await expectNoAxeViolations(page, 'the directory in New York time at 390 px');
    await shoot(page, 'directory-new-york-390');
    await page.setViewportSize(DESKTOP);
    await page.getByText('Change time zone').click();
    await expectNoAxeViolations(page, 'the directory with its zone picker open');
    await shoot(page, 'directory-picker-1280');
  });

  it('Tokyo, en-GB: a 24-hour clock; a zone chosen with the picker sticks for the next pages', async () => {
    const mentor = await createOpenMentor(served.t);
    const page = await browser.newPage({ timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    await page.goto(`/mentors/${mentor.id}`);
    await page.getByText(/Times are shown in Asia\/Tokyo \(GMT\+9\)/).waitFor();
    const { at, label } = await firstSlot(page);
    expect(label).toBe(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at));

    await page.getByLabel('Show times in').selectOption('Europe/Berlin');
    await clickAndLoad(page, page.getByRole('button', { name: 'Show times' }));
    expect(await page.locator('.zone-note').innerText()).toMatch(/Times are shown in Europe\/Berlin/);
    await page.goto('/mentors');
    expect(await page.locator('.zone-note').innerText()).toMatch(/Times are shown in Europe\/Berlin/);
  });

  it('without JavaScript, UTC and the picker remain, and the picker works', async () => {
    const mentor = await createOpenMentor(served.t);
    const page = await browser.newPage({ timezoneId: 'America/New_York', locale: 'en-US', javaScriptEnabled: false, viewport: PHONE });
    await page.goto(`/mentors/${mentor.id}`);
    expect(await page.locator('.zone-note').innerText()).toMatch(/^Times are shown in UTC/);
    expect(await page.getByLabel('Show times in').inputValue()).toBe('UTC');
    await expectFits(page);
    await page.getByLabel('Show times in').selectOption('America/New_York');
    await clickAndLoad(page, page.getByRole('button', { name: 'Show times' }));
    expect(await page.locator('.zone-note').innerText()).toMatch(/^Times are shown in America\/New_York/);
    // The week links keep the chosen zone.
    const later = page.getByRole('link', { name: 'Later →' });
    expect(await later.getAttribute('href')).toContain('tz=America%2FNew_York');

    await page.goto('/mentors');
    expect(await page.locator('.zone-note').innerText()).toMatch(/^Times are shown in UTC/);
    await page.getByText('Change time zone').click();
    await page.getByLabel('Show times in').selectOption('Asia/Tokyo');
    await clickAndLoad(page, page.getByRole('button', { name: 'Show times' }));
    expect(await page.locator('.zone-note').innerText()).toMatch(/^Times are shown in Asia\/Tokyo/);
    await expectFits(page);
  });

  it('a logged-in mentee chooses the 24-hour clock on the Account page over their en-US browser’s 12 (axe at 1280 and 390 px)', async () => {
    const { t } = served;
    const mentor = await createOpenMentor(t);
    const mentee = await t.createUser('mentee', { timezone: 'America/New_York' });
    await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(50) });
    const page = await browser.newPage({ timezoneId: 'America/New_York', locale: 'en-US' });
    expect(await logInThroughForm(page, mentee.email)).toBe('/dashboard');
    expect(await page.locator('.session-when').first().innerText()).toMatch(/\d{1,2}:\d\d [AP]M E[SD]T/);
    await page.goto('/account');
    expect(await page.getByLabel('Clock').inputValue()).toBe('12h');
    await expectNoAxeViolations(page, 'the account page');
    await shoot(page, 'account-1280');
    await page.setViewportSize({ width: 390, height: 800 });
    await expectNoAxeViolations(page, 'the account page at 390 px');
    await page.setViewportSize(PHONE);
    await expectFits(page);
    await page.getByLabel('Clock').selectOption('24h');
    await clickAndLoad(page, page.getByRole('button', { name: 'Save', exact: true }));
    expect(await page.getByRole('status').first().innerText()).toContain('Your account settings are saved.');
    await page.goto('/dashboard');
    expect(await page.locator('.session-when').first().innerText()).toMatch(/\d\d:\d\d E[SD]T/);
    expect(await page.locator('.session-when').first().innerText()).not.toMatch(/[AP]M/);
  });
});
