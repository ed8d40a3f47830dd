import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { refunds } from '../../src/db/schema';
import { moveSession, onTheHour, pendingSession } from '../helpers/scenario';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

const served = useServedApp();
const browser = useBrowser(() => served.t.baseUrl);
const shots = join(tmpdir(), 'receipt-shots');

const fitsWidth = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe('a mentee opens the receipt of a refunded session from My Sessions and prints it', () => {
  it('My Sessions → Receipt (history) → the refund with its date; axe at 1280 and 390; fits 360; print shows only the receipt', async () => {
    mkdirSync(shots, { recursive: true });
    const { db } = served.t.database;
    const mentor = await served.t.createUser('mentor', { name: 'Grace Receipt', timezone: 'Europe/London' });
    const mentee = await served.t.createUser('mentee', { name: 'Ada Payer', timezone: 'Asia/Kathmandu' });
    const sessionId = await pendingSession({ db, mentor, mentee, start: onTheHour(96) });
    await moveSession({ db, sessionId, to: 'cancelled', actor: { id: mentor.id, role: 'mentor' } });
    // Paid back two days later, as the worker's payments.send-refund records it.
    const refundedAt = new Date(Date.now() + 2 * 86_400_000);
    await db.update(refunds).set({ status: 'succeeded', completedAt: refundedAt }).where(eq(refunds.sessionId, sessionId));
    const refundedOn = `Refunded on ${new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'Asia/Kathmandu' }).format(refundedAt)}`;

    const page = await browser.newPage({ timezoneId: 'Asia/Kathmandu' });
    await logInThroughForm(page, mentee.email);
    await page.goto('/dashboard');
    const history = page.locator('section', { has: page.getByRole('heading', { name: 'History' }) });
    await clickAndLoad(page, history.getByRole('link', { name: 'Receipt for the session with Grace Receipt' }));
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}/receipt`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Receipt');
    const main = await page.locator('main').innerText();
    expect(main).toMatch(/Receipt number\s+CMH-\d{8}-[0-9A-F]{10}/);
    expect(main).toContain('Mentoring session with Grace Receipt');
    expect(main).toMatch(new RegExp(`Refund\\s+${refundedOn}\\s+−\\$60\\.00`));
    expect(main).toMatch(/Net after refunds\s+\$0\.00/);
    // The print button comes with the script; the page says how to print without it.
    expect(await page.getByRole('button', { name: 'Print receipt' }).isVisible()).toBe(true);
    await expectNoAxeViolations(page, 'receipt at 1280');
    await page.screenshot({ path: join(shots, 'receipt-desktop.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(page, 'receipt at 390');
    expect(await fitsWidth(page), 'the receipt scrolls sideways at 390').toBe(true);
    await page.setViewportSize(PHONE);
    expect(await fitsWidth(page), 'the receipt scrolls sideways at 360').toBe(true);
    await page.screenshot({ path: join(shots, 'receipt-phone.png'), fullPage: true });

    // Printed: no header, navigation, footer or buttons; the receipt and its refund stay.
    await page.setViewportSize({ width: 800, height: 1100 });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.site-footer').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print receipt' }).isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: /The session/ }).isVisible()).toBe(false);
    expect(await page.getByText(refundedOn).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'receipt-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // The session page links to it too.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`/sessions/${sessionId}`);
    await page.screenshot({ path: join(shots, 'session-page.png'), fullPage: true });
    await clickAndLoad(page, page.getByRole('link', { name: 'Receipt', exact: true }));
    expect(new URL(page.url()).pathname).toBe(`/sessions/${sessionId}/receipt`);
    await page.goto('/dashboard');
    await page.screenshot({ path: join(shots, 'my-sessions.png'), fullPage: true });
  });
});

describe('a weak password at sign-up', () => {
  it('is refused with the reason next to the field, and the form passes axe at 1280 and 390', async () => {
    const page = await browser.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name', { exact: true }).fill('Alice Smith');
    await page.getByLabel('Email', { exact: true }).fill(`alice.smith.${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('alice-smith-2026');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/signup');
    expect(await page.locator('main').innerText()).toContain('This password is mostly your name or email address, which are easy to guess.');
    await expectNoAxeViolations(page, 'sign-up with a weak password at 1280');
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoAxeViolations(page, 'sign-up with a weak password at 390');
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: join(shots, 'signup-weak.png'), fullPage: true });
  });
});
