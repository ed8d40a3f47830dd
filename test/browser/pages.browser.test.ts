import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sessions } from '../../src/db/schema';
import { recordCheckoutPayment } from '../../src/payments/record';
import { awaitingPaymentSession, onTheHour, pendingSession } from '../helpers/scenario';
import { expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

describe('axe on the remaining pages, as each role', () => {
  it('account, mentor profile and availability editors, the session page for each participant and an admin, private notes', async () => {
    const mentor = await served.t.createUser('mentor', { name: 'Axe Mentor' });
    const mentee = await served.t.createUser('mentee', { name: 'Axe Mentee' });
    const admin = await served.t.createUser('admin');
    const sessionId = await pendingSession({ db: served.t.database.db, mentor, mentee, start: onTheHour(96) });

    const m = await browser.newPage();
    await logInThroughForm(m, mentor.email);
    for (const path of ['/account', '/mentor/profile', '/mentor/availability', `/sessions/${sessionId}`, `/sessions/${sessionId}/notes`]) {
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
    for (const path of ['/account', `/sessions/${sessionId}`]) {
      expect((await e.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(e, `${path} as the mentee (phone)`);
      expect(await e.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    }

    const a = await browser.newPage();
    await logInThroughForm(a, admin.email);
    for (const path of ['/account', `/sessions/${sessionId}`, `/admin/mentors/${mentor.id}/profile`, `/admin/sessions/${sessionId}`]) {
      expect((await a.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(a, `${path} as an admin`);
    }
  }, 90_000); // Many pages, each checked by axe: slow when the two cores are busy.

  it('the payment problems list, and admin session pages with a refused payment, the hold release and the completion reason', async () => {
    const admin = await served.t.createUser('admin');
    const people = async (k: string) => ({ mentor: await served.t.createUser('mentor', { name: `Pay ${k} Mentor` }), mentee: await served.t.createUser('mentee', { name: `Pay ${k} Mentee` }) });
    const start = onTheHour(120);
    // A booking waiting for its checkout, which then gets a wrong amount.
    const hold = await awaitingPaymentSession({ db: served.t.database.db, ...(await people('Held')), start });
    expect(await recordCheckoutPayment({ db: served.t.database.db, now: new Date(), payment: { checkoutRef: hold.checkoutRef, paymentRef: 'pi_axe_wrong', amountCents: 1, currency: 'usd', claimedSessionIds: [hold.sessionId] } })).toBe('mismatch');
    const confirmedId = await pendingSession({ db: served.t.database.db, ...(await people('Live')), start });
    await served.t.database.db.update(sessions).set({ status: 'confirmed' }).where(eq(sessions.id, confirmedId));

    const a = await browser.newPage();
    await logInThroughForm(a, admin.email);
    for (const path of ['/admin', '/admin/payments', '/admin/jobs', `/admin/sessions/${hold.sessionId}`, `/admin/sessions/${confirmedId}`]) {
      expect((await a.goto(path))?.status(), path).toBe(200);
      await expectNoAxeViolations(a, `${path} as an admin`);
    }
    await a.goto('/admin/payments');
    expect(await a.getByRole('cell', { name: 'Wrong amount' }).count()).toBe(1);
    // The reason is asked on the step page of a change (here: cancelling), not on the session page.
    await a.goto(`/admin/sessions/${confirmedId}/set-status/?status=cancelled`);
    await expectNoAxeViolations(a, 'the cancel step as an admin');
    expect(await a.getByLabel('Reason (optional)').count()).toBe(1);
  }, 90_000);
});
