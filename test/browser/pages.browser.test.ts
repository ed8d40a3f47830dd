import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaidSession } from '../../src/booking/operator';
import type { TestApp } from '../helpers/app';
import { expectNoAxeViolations, logInThroughForm, PHONE, serveApp, useBrowser } from './browser';

let t: TestApp & { baseUrl: string };
beforeAll(async () => { t = await serveApp(); });
afterAll(async () => { await t?.close(); });
const browser = useBrowser(() => t.baseUrl);

describe('axe on the remaining pages, as each role', () => {
  it('account, mentor profile and availability editors, the session page for each participant and an admin, private notes', async () => {
    const mentor = await t.createUser('mentor', { name: 'Axe Mentor' });
    const mentee = await t.createUser('mentee', { name: 'Axe Mentee' });
    const admin = await t.createUser('admin');
    const start = new Date(Date.now() + 4 * 86_400_000); start.setUTCMinutes(0, 0, 0);
    const made = await createPaidSession({ db: t.database.db, input: { mentor: mentor.email, mentee: mentee.email, start: start.toISOString(), duration: 60 }, now: new Date() });
    if (!made.ok) throw new Error(made.error);

    const m = await browser.newPage();
    await logInThroughForm(m, mentor.email);
    for (const path of ['/account', '/mentor/profile', '/mentor/availability', `/sessions/${made.sessionId}`, `/sessions/${made.sessionId}/notes`]) {
      const res = await m.goto(path);
      expect(res?.status(), path).toBe(200);
      await expectNoAxeViolations(m, `${path} as the mentor`);
    }
    // A form with errors, as a mentor sees it after a bad save.
    await m.goto('/mentor/profile');
    await m.getByLabel('Hourly rate', { exact: false }).first().fill('0');
    await m.locator('form.edit-form button[type="submit"], form button[type="submit"]').last().click();
    await m.waitForLoadState('load');
    expect(await m.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    await expectNoAxeViolations(m, '/mentor/profile with errors');

    const e = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(e, mentee.email);
    for (const path of ['/account', `/sessions/${made.sessionId}`]) {
      expect((await e.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(e, `${path} as the mentee (phone)`);
      expect(await e.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }

    const a = await browser.newPage();
    await logInThroughForm(a, admin.email);
    for (const path of ['/account', `/sessions/${made.sessionId}`, `/admin/mentors/${mentor.id}/profile`, `/admin/sessions/${made.sessionId}`]) {
      expect((await a.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(a, `${path} as an admin`);
    }
  });
});
