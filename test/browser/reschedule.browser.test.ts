import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, sessions } from '../../src/db/schema';
import { makeDueRooms, onTheHour, pendingSession, setStatusAsAdmin } from '../helpers/scenario';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/** The mentee moves a confirmed session on a phone, the mentor accepts the new time: no JavaScript needed, axe on each page. */
const served = useServedApp({ smtp: true });
const browser = useBrowser(() => served.t.baseUrl);

const row = async (id: string) => (await served.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;

async function expectFitsThePhone(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `no sideways scrolling at 360 px on ${page.url()}`).toBeLessThanOrEqual(PHONE.width);
}

let people = 0;

/** axe runs as a script in the page, so the run without JavaScript checks the flow only. */
async function checkAxe(page: Page, label: string, js: boolean) {
  if (js) await expectNoAxeViolations(page, label);
}

describe('reschedule in the browser', () => {
  it.each([{ js: true }, { js: false }])('the mentee requests a new time from My Sessions; the mentor accepts it from the Mentor Dashboard; the link stays (JavaScript: $js)', async ({ js }) => {
    const { t } = served;
    const k = ++people;
    const mentor = { ...(await t.createUser('mentor', { name: `Resched Mentor ${k}`, timezone: 'America/Los_Angeles' })) };
    const mentee = { ...(await t.createUser('mentee', { name: `Resched Mentee ${k}`, timezone: 'Asia/Kathmandu' })) };
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentor.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: mentor.id })));
    const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(72 + k) });
    await setStatusAsAdmin(await t.loginAs('admin'), sessionId, 'confirmed');
    await makeDueRooms(t);
    const link = (await row(sessionId)).meetingUrl;
    expect(link).toBeTruthy();

    const page = await browser.newPage({ viewport: PHONE, javaScriptEnabled: js });
    expect(await logInThroughForm(page, mentee.email)).toBe('/dashboard');
    await clickAndLoad(page, page.getByRole('link', { name: 'Reschedule', exact: true }));
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}/reschedule`);
    await checkAxe(page, 'the reschedule page', js);
    await expectFitsThePhone(page);
    const choice = page.getByRole('radio').first();
    const startsAt = await choice.getAttribute('value');
    await choice.check();
    await clickAndLoad(page, page.getByRole('button', { name: 'Request this time', exact: true }));
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}`);
    expect(await page.getByRole('status').first().innerText()).toContain('New time requested.');
    await checkAxe(page, 'the session page after the move', js);
    expect((await row(sessionId)).status).toBe('pending');
    expect((await row(sessionId)).startsAt.toISOString()).toBe(startsAt);

    const mentorPage = await browser.newPage({ viewport: PHONE, javaScriptEnabled: js });
    expect(await logInThroughForm(mentorPage, mentor.email)).toBe('/mentor/dashboard');
    await checkAxe(mentorPage, 'the mentor dashboard with a new time to accept', js);
    await expectFitsThePhone(mentorPage);
    await clickAndLoad(mentorPage, mentorPage.getByRole('button', { name: 'Accept new time', exact: true }));
    expect(new URL(mentorPage.url()).pathname).toBe('/mentor/dashboard');
    const after = await row(sessionId);
    expect(after.status).toBe('confirmed');
    expect(after.meetingUrl).toBe(link);
  }, 90_000);
});
