import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createPaidSession } from '../../src/booking/operator';
import { sessions } from '../../src/db/schema';
import { recordCheckoutPayment } from '../../src/payments/record';
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
  }, 90_000); // Many pages, each checked by axe: slow when the two cores are busy.

  it('the payment problems list, and admin session pages with a refused payment, the hold release and the completion reason', async () => {
    const admin = await t.createUser('admin');
    const people = async (k: string) => ({ mentor: await t.createUser('mentor', { name: `Pay ${k} Mentor` }), mentee: await t.createUser('mentee', { name: `Pay ${k} Mentee` }) });
    const start = new Date(Date.now() + 5 * 86_400_000); start.setUTCMinutes(0, 0, 0);
    const held = await people('Held');
    const hold = await createPaidSession({ db: t.database.db, input: { mentor: held.mentor.email, mentee: held.mentee.email, start: start.toISOString(), duration: 60 }, now: new Date() });
    if (!hold.ok) throw new Error(hold.error);
    // Made unpaid again, as a booking that is waiting for its checkout, which then gets a wrong amount.
    await t.database.db.update(sessions).set({ status: 'awaiting_payment', paidAt: null, paymentRef: null, checkoutRef: `test_cs_${hold.sessionId}`, holdExpiresAt: new Date(Date.now() + 30 * 60_000) }).where(eq(sessions.id, hold.sessionId));
    expect(await recordCheckoutPayment({ db: t.database.db, now: new Date(), payment: { checkoutRef: `test_cs_${hold.sessionId}`, paymentRef: 'pi_axe_wrong', amountCents: 1, currency: 'usd', claimedSessionIds: [hold.sessionId] } })).toBe('mismatch');
    const live = await people('Live');
    const confirmed = await createPaidSession({ db: t.database.db, input: { mentor: live.mentor.email, mentee: live.mentee.email, start: start.toISOString(), duration: 60 }, now: new Date() });
    if (!confirmed.ok) throw new Error(confirmed.error);
    await t.database.db.update(sessions).set({ status: 'confirmed' }).where(eq(sessions.id, confirmed.sessionId));

    const a = await browser.newPage();
    await logInThroughForm(a, admin.email);
    for (const path of ['/admin', '/admin/payments', '/admin/jobs', `/admin/sessions/${hold.sessionId}`, `/admin/sessions/${confirmed.sessionId}`]) {
      expect((await a.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(a, `${path} as an admin`);
    }
    await a.goto('/admin/payments');
    expect(await a.getByRole('cell', { name: 'Wrong amount' }).count()).toBe(1);
    await a.goto(`/admin/sessions/${confirmed.sessionId}`);
    expect(await a.getByLabel('Reason (optional)').count()).toBe(1);
  }, 90_000);
});
