import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../src/db/schema';
import { moveSession, onTheHour, pendingSession } from '../helpers/scenario';
import { clickAndLoad, DESKTOP, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/** The header on phones (at most two lines, its links in a "Menu" that works without JavaScript) and the mentor's earnings. */
const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

const LONG_NAME = 'Maximiliana Alexandrovna Konstantinopoulou-Wetherspoon';
const WIDE_PHONE = { width: 390, height: 844 };

/** How many lines the header's visible controls take: their distinct vertical positions. */
async function headerLines(page: Page): Promise<number> {
  return page.evaluate(() => {
    const tops: number[] = [];
    for (const el of document.querySelectorAll('.site-header a, .site-header button, .site-header summary, .site-header .who')) {
      const box = el.getBoundingClientRect();
      if (!el.checkVisibility({ visibilityProperty: true }) || box.width === 0 || box.height === 0) continue;
      const mid = box.top + box.height / 2;
      if (!tops.some((t) => Math.abs(t - mid) < 12)) tops.push(mid);
    }
    return tops.length;
  });
}

describe('the header on a phone', () => {
  it('takes at most two lines for each role; its links open from "Menu", with and without JavaScript; axe passes closed and open', async () => {
    const people = {
      mentee: await served.t.createUser('mentee', { name: LONG_NAME }),
      mentor: await served.t.createUser('mentor', { name: LONG_NAME }),
      admin: await served.t.createUser('admin', { name: LONG_NAME }),
    };
    for (const viewport of [PHONE, WIDE_PHONE]) {
      for (const role of ['mentee', 'mentor', 'admin'] as const) {
        const page = await browser.newPage({ viewport });
        await logInThroughForm(page, people[role].email);
        const label = `${role} at ${viewport.width} px`;
        expect(await headerLines(page), label).toBeLessThanOrEqual(2);
        const nav = page.getByRole('navigation', { name: 'Main' });
        expect(await nav.getByRole('link', { name: 'Account', exact: true }).isVisible(), label).toBe(false);
        await expectNoAxeViolations(page, `${label}, menu closed`);
        await page.locator('summary.menu-toggle').click();
        expect(await nav.getByRole('link', { name: 'Account', exact: true }).isVisible(), label).toBe(true);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), label).toBeLessThanOrEqual(viewport.width);
        await expectNoAxeViolations(page, `${label}, menu open`);
      }
    }
    const page = await browser.newPage({ viewport: PHONE, javaScriptEnabled: false });
    await logInThroughForm(page, people.admin.email);
    await page.locator('summary.menu-toggle').click();
    await clickAndLoad(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Payments', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/admin/payments');
  }, 120_000);

  it('on a desktop the links are in the bar, with no "Menu" to open', async () => {
    const admin = await served.t.createUser('admin');
    for (const javaScriptEnabled of [true, false]) {
      const page = await browser.newPage({ viewport: DESKTOP, javaScriptEnabled });
      await logInThroughForm(page, admin.email);
      expect(await page.locator('summary.menu-toggle').isVisible()).toBe(false);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Outbox', exact: true }).isVisible()).toBe(true);
      // axe runs as a script in the page, so only with JavaScript on.
      if (javaScriptEnabled) await expectNoAxeViolations(page, 'admin header at 1280 px');
    }
  }, 60_000);
});

describe("the mentor's earnings on a phone", () => {
  it('each amount stays on one line inside its card', async () => {
    const db = served.t.database.db;
    const mentor = await served.t.createUser('mentor', { name: 'Earning Mentor' });
    const mentee = await served.t.createUser('mentee');
    const admin = await served.t.createUser('admin');
    const id = await pendingSession({ db, mentor, mentee, start: onTheHour(30) });
    await moveSession({ db, sessionId: id, to: 'confirmed', actor: { id: admin.id, role: 'admin' } });
    await db.update(sessions).set({ priceCents: 1_234_500 }).where(eq(sessions.id, id));
    await moveSession({ db, sessionId: id, to: 'completed', actor: { id: admin.id, role: 'admin' } });
    const page = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(page, mentor.email);
    await page.goto('/mentor/dashboard');
    const boxes = await page.locator('#earnings ~ .stats .stat').evaluateAll((cards) => cards.map((card) => {
      const value = card.querySelector('.stat-value')!;
      const lineHeight = Number.parseFloat(getComputedStyle(value).lineHeight);
      const v = value.getBoundingClientRect();
      const c = card.getBoundingClientRect();
      return { text: value.textContent, lines: Math.round(v.height / lineHeight), inside: v.right <= c.right + 0.5 && card.scrollWidth <= card.clientWidth };
    }));
    expect(boxes).toHaveLength(3);
    expect(boxes[1]!.text).toBe('$12,345.00');
    for (const box of boxes) expect(box, String(box.text)).toMatchObject({ lines: 1, inside: true });
  }, 60_000);
});
