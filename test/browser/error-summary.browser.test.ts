import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/**
 * After a refused save, the error summary is where the eye and the keyboard are, as GOV.UK's is: at the
 * top of the page, and, with JavaScript, focused (so a screen reader reads it and the page scrolls to it).
 */
const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

async function saveBadAvailability(page: Page) {
  await page.goto('/mentor/availability');
  await page.locator('input[name="monday-1-start"]').fill('10:00');
  await page.locator('input[name="monday-1-end"]').fill('09:00');
  await clickAndLoad(page, page.getByRole('button', { name: 'Save availability', exact: true }));
}

/** Where the summary is on screen, and whether it has the focus. */
function summaryState(page: Page) {
  return page.locator('.error-summary').evaluate((el) => {
    const box = el.getBoundingClientRect();
    return { focused: document.activeElement === el, inView: box.top >= 0 && box.top < window.innerHeight, top: box.top + window.scrollY };
  });
}

describe('the availability editor after a failed save', () => {
  it('with JavaScript: the error summary has the focus and is on screen, on a phone and a desktop', async () => {
    const mentor = await served.t.createUser('mentor');
    for (const viewport of [PHONE, undefined]) {
      const page = await browser.newPage(viewport ? { viewport } : {});
      await logInThroughForm(page, mentor.email);
      await saveBadAvailability(page);
      expect(await page.getByRole('alert').innerText()).toContain('Nothing was saved.');
      expect(await summaryState(page)).toMatchObject({ focused: true, inView: true });
      expect(await page.locator('.error-summary').getAttribute('tabindex')).toBe('-1');
      await expectNoAxeViolations(page, 'availability with errors');
    }
  }, 60_000);

  it('without JavaScript: the summary is at the top of the page, in the first screen of a phone', async () => {
    const mentor = await served.t.createUser('mentor');
    const page = await browser.newPage({ viewport: PHONE, javaScriptEnabled: false });
    await logInThroughForm(page, mentor.email);
    await saveBadAvailability(page);
    const state = await summaryState(page);
    expect(state.top).toBeLessThan(PHONE.height);
    // Its first link leads to the row to correct.
    expect(await page.locator('.error-summary a').first().getAttribute('href')).toBe('#f-monday-1-start');
  }, 60_000);
});
