import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { availabilityWindows, mentorProfiles, sessions } from '../../src/db/schema';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

describe('a mentee books and pays in test mode; the mentor sees the request', () => {
  it('finds the mentor, picks a slot in their own zone, pays, and both dashboards show it', async () => {
    const mentor = await served.t.createUser('mentor', { name: 'Grace Hopper', timezone: 'Europe/London' });
    await served.t.database.db.update(mentorProfiles).set({ headline: 'Compilers and COBOL', skills: ['COBOL', 'Compilers'], minNoticeMinutes: 0, sessionLengths: [30, 60] }).where(eq(mentorProfiles.userId, mentor.id));
    await served.t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 9 * 60, endMinute: 17 * 60 })));
    const mentee = await served.t.createUser('mentee', { name: 'Ada Mentee', timezone: 'Asia/Kathmandu' });

    // en-GB: times on the 24-hour clock of the language (en-US would read them 12-hour).
    const page = await browser.newPage({ timezoneId: 'Asia/Kathmandu', locale: 'en-GB' });
    await logInThroughForm(page, mentee.email);
    await clickAndLoad(page, page.getByRole('link', { name: 'Find a mentor' }).first());
    await page.getByLabel('Name or skill').fill('cobol');
    await clickAndLoad(page, page.getByRole('button', { name: 'Search' }));
    await expectNoAxeViolations(page, 'directory');
    await clickAndLoad(page, page.getByRole('link', { name: 'Grace Hopper' }));
    expect(await page.locator('main').innerText()).toContain('Asia/Kathmandu (GMT+5:45)');
    await page.getByLabel('Session length').selectOption('60');
    await clickAndLoad(page, page.getByRole('button', { name: 'Show times' }));
    await expectNoAxeViolations(page, 'profile');

    // The first slot offered, as the mentee reads it (their zone), and as an instant.
    const firstSlot = page.locator('input[name="startsAt"]').first();
    const iso = await firstSlot.getAttribute('value');
    const label = await page.locator('label.slot').first().innerText();
    const expected = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Kathmandu', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso!));
    expect(label.trim()).toBe(expected);
    await page.locator('label.slot').first().click();
    await clickAndLoad(page, page.getByRole('button', { name: 'Book and pay' }));

    expect(new URL(page.url()).pathname).toMatch(/^\/checkout\/test\//);
    expect(await page.locator('main').innerText()).toContain('Test mode — no real charge.');
    await expectNoAxeViolations(page, 'checkout');
    await clickAndLoad(page, page.getByRole('button', { name: /^Pay / }));

    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const body = await page.locator('main').innerText();
    expect(body).toContain('Payment received.');
    expect(body).toContain('Mentor: Grace Hopper');
    expect(body).toContain('Pending');
    expect(body).toContain('Waiting for the mentor to confirm.');
    expect(body).toContain(`${expected} GMT+5:45`);
    await expectNoAxeViolations(page, 'mentee dashboard with a session');
    const [row] = await served.t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.id));
    expect(row).toMatchObject({ status: 'pending', startsAt: new Date(iso!), durationMinutes: 60 });

    const mentorPage = await browser.newPage({ timezoneId: 'Europe/London', locale: 'en-GB' });
    await logInThroughForm(mentorPage, mentor.email);
    const requests = await mentorPage.locator('section[aria-labelledby="requests"]').innerText();
    expect(requests).toContain('Mentee: Ada Mentee');
    expect(requests).toContain('Paid, waiting for you to accept.');
    const london = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso!));
    expect(requests).toContain(london);
    await expectNoAxeViolations(mentorPage, 'mentor dashboard with a request');
  });

  it('books without JavaScript too, and the profile fits a phone', async () => {
    const mentor = await served.t.createUser('mentor', { name: 'Linus Nojs' });
    await served.t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0 }).where(eq(mentorProfiles.userId, mentor.id));
    await served.t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ mentorId: mentor.id, weekday, startMinute: 8 * 60, endMinute: 20 * 60 })));
    const mentee = await served.t.createUser('mentee');
    const phone = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(phone, mentee.email);
    await phone.goto(`/mentors/${mentor.id}`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await expectNoAxeViolations(phone, 'profile on a phone');

    // Scripts off (page.evaluate is unavailable then, so only clicks and reads).
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: PHONE });
    await logInThroughForm(page, mentee.email);
    await page.goto(`/mentors/${mentor.id}`);
    await page.locator('label.slot').nth(2).click();
    await clickAndLoad(page, page.getByRole('button', { name: 'Book and pay' }));
    await clickAndLoad(page, page.getByRole('button', { name: /^Pay / }));
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const [row] = await served.t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.id));
    expect(row!.status).toBe('pending');
  });
});
