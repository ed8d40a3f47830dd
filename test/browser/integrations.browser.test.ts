import { describe, expect, it } from 'vitest';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);

const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe('an admin checks the integrations from the admin home', () => {
  it('Admin → Integrations; axe at 1280 and 390 px; fits 360 px; "Test payments" shows a report with its time and steps', async () => {
    const admin = await served.t.createUser('admin', { name: 'Integrations Admin', timezone: 'Europe/Berlin' });
    const page = await browser.newPage();
    await logInThroughForm(page, admin.email);
    await page.goto('/admin');
    await clickAndLoad(page, page.getByRole('main').getByRole('link', { name: 'Integrations', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/admin/integrations');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Integrations');
    for (const name of ['Mail', 'Meetings', 'Payments', 'Background jobs']) await expect(page.getByRole('heading', { level: 2, name, exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Send to').inputValue()).resolves.toBe(admin.email);
    await page.screenshot({ path: '/tmp/integrations-1280.png', fullPage: true });
    await expectNoAxeViolations(page, '/admin/integrations at 1280 px');

    // The in-app test payments provider (the tests' default): the check passes and says payments are simulated.
    await clickAndLoad(page, page.getByRole('button', { name: 'Test payments' }));
    expect(new URL(page.url()).hash).toBe('#payments');
    await expect(page.getByRole('status').innerText()).resolves.toBe('Payments check passed.');
    const payments = page.getByRole('region', { name: 'Payments' });
    const report = payments.locator('.check-report');
    await expect(report.locator('.check-when').innerText()).resolves.toMatch(/^Ran [A-Z][a-z]{2} \d+, \d{4}, \d{1,2}:\d\d(?: [AP]M)? GMT\+1, by Integrations Admin on this page\.$/);
    const steps = await report.getByRole('listitem').allInnerTexts();
    expect(steps.length).toBeGreaterThan(0);
    // Each step says its outcome in words to a screen reader, beside the mark.
    expect(steps[0]).toMatch(/^✓\s*Passed:\s+Payments simulated \(PAYMENT_PROVIDER=test\)/);
    await page.screenshot({ path: '/tmp/integrations-1280-report.png', fullPage: true });
    await expectNoAxeViolations(page, '/admin/integrations with a report, at 1280 px');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.screenshot({ path: '/tmp/integrations-390.png', fullPage: true });
    await expectNoAxeViolations(page, '/admin/integrations at 390 px');
    await page.setViewportSize(PHONE);
    expect(await fitsWidth(page)).toBe(true);
  }, 90_000);
});
