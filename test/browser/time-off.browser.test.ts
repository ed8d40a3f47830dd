import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, mentorTimeOff } from '../../src/db/schema';
import { pendingSession } from '../helpers/scenario';
import { clickAndLoad, DESKTOP, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/** A mentor sets a buffer and takes days off; a visitor narrows the directory by a clicked skill tag, sorts and filters it. */
const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);
/** Set SCREENSHOT_DIR to keep full-page screenshots of the pages checked. */
const SHOTS = process.env.SCREENSHOT_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const shoot = (page: Page, file: string) => (SHOTS ? page.screenshot({ path: join(SHOTS, file), fullPage: true }) : undefined);

async function expectFitsThePhone(page: Page) {
  const before = page.viewportSize()!;
  await page.setViewportSize(PHONE);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `no sideways scrolling at 360 px on ${page.url()}`).toBeLessThanOrEqual(PHONE.width);
  await page.setViewportSize(before);
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

describe('time off, the buffer and the directory filters in the browser', () => {
  it.each([{ name: 'desktop', viewport: DESKTOP }, { name: 'phone', viewport: { width: 390, height: 844 } }])('on $name', async ({ name, viewport }) => {
    const { t } = served;
    const skill = `Haskell${name}`;
    const mentor = await t.createUser('mentor', { name: `Tess Timeoff ${name}` });
    await t.database.db.update(mentorProfiles).set({ skills: [skill, 'Testing'], minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentor.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 540, endMinute: 1020, mentorId: mentor.id })));
    const mentee = await t.createUser('mentee', { name: `Milo Booked ${name}` });
    const dayOff = new Date(Date.now() + 4 * 86_400_000);
    dayOff.setUTCHours(10, 0, 0, 0);
    await pendingSession({ db: t.database.db, mentor, mentee, start: dayOff });

    const page = await browser.newPage({ viewport });
    expect(await logInThroughForm(page, mentor.email)).toBe('/mentor/dashboard');

    // The buffer, on the profile page.
    await page.goto('/mentor/profile');
    await page.getByLabel('Buffer between sessions').selectOption('15');
    await clickAndLoad(page, page.getByRole('button', { name: 'Save profile', exact: true }));
    expect(await page.getByRole('status').first().innerText()).toContain('Your profile is saved.');
    const [profile] = await t.database.db.select().from(mentorProfiles).where(eq(mentorProfiles.userId, mentor.id));
    expect(profile!.bufferMinutes).toBe(15);
    await expectNoAxeViolations(page, `the profile page with a buffer (${name})`);
    await shoot(page, `profile-${name}.png`);

    // Days off, on the availability page: the session already booked then is listed, not cancelled.
    await clickAndLoad(page, page.getByRole('link', { name: 'Weekly availability', exact: true }));
    await page.getByLabel('First day off').fill(isoDay(new Date(dayOff.getTime() - 86_400_000)));
    await page.getByLabel('Last day off').fill(isoDay(dayOff));
    await page.getByLabel('Note (optional)').fill('Conference');
    await clickAndLoad(page, page.getByRole('button', { name: 'Add time off', exact: true }));
    expect(await page.getByRole('status').first().innerText()).toContain('A session is still booked on those days and not cancelled');
    const section = page.getByRole('region', { name: 'Time off' });
    await expect.poll(() => section.innerText()).toContain('You still have these sessions on those days:');
    expect(await section.innerText()).toContain(`with Milo Booked ${name} (pending)`);
    expect(await t.database.db.select().from(mentorTimeOff).where(eq(mentorTimeOff.mentorId, mentor.id))).toHaveLength(1);
    await expectNoAxeViolations(page, `the availability page with time off (${name})`);
    await shoot(page, `availability-${name}.png`);
    await expectFitsThePhone(page);

    // The directory: a search, then a click on the skill tag, then sort and filter with the GET form.
    const visitor = await browser.newPage({ viewport });
    await visitor.goto(`/mentors?q=${skill}`);
    await clickAndLoad(visitor, visitor.getByRole('link', { name: skill, exact: true }).first());
    expect(new URL(visitor.url()).search).toBe(`?skill=${skill}`);
    expect(await visitor.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([`Tess Timeoff ${name}`]);
    await visitor.getByLabel('Sort by').selectOption('soonest');
    await visitor.getByLabel('Has a free slot this week').check();
    await clickAndLoad(visitor, visitor.getByRole('button', { name: 'Search', exact: true }));
    const params = new URL(visitor.url()).searchParams;
    expect([params.get('skill'), params.get('sort'), params.get('free')]).toEqual([skill, 'soonest', 'week']);
    expect(await visitor.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual([`Tess Timeoff ${name}`]);
    await expectNoAxeViolations(visitor, `the directory filtered by a skill (${name})`);
    await shoot(visitor, `directory-${name}.png`);
    await expectFitsThePhone(visitor);
  }, 90_000);
});
