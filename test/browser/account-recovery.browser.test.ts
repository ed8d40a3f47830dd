import { describe, expect, it } from 'vitest';
import { mailsTo } from '../helpers/scenario';
import { clickAndLoad, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/**
 * "Forgot password?" end to end: the form, the worker sending the email over real SMTP, the link
 * followed in the browser, the new password set, and the link dead afterwards.
 */
const served = useServedApp({ smtp: true });
const browser = useBrowser(() => served.t.baseUrl);

const NEW_PASSWORD = 'my new browser password';

describe('password reset in a real browser', () => {
  it('sends the link by email and sets the new password through it, once', async () => {
    const user = await served.t.createUser('mentee', { name: 'Forgetful Fay' });
    await served.runWorker();
    const page = await browser.newPage();
    await page.goto('/login');
    await clickAndLoad(page, page.getByRole('link', { name: 'Forgot password?', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/forgot-password');
    await expectNoAxeViolations(page, '/forgot-password');

    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await clickAndLoad(page, page.getByRole('button', { name: 'Send reset link', exact: true }));
    expect(await page.getByRole('status').innerText()).toMatch(/^If an account exists for that address/);
    await expectNoAxeViolations(page, '/forgot-password, sent');

    const subject = 'Reset your password - CodeMentorHub';
    await served.smtp.waitFor(() => mailsTo(served.smtp, user, subject).length > 0);
    const text = mailsTo(served.smtp, user, subject)[0]!.parsed.text!;
    const link = /Choose a new password: (\S+)/.exec(text)?.[1];
    expect(link).toBeDefined();
    const url = new URL(link!);
    expect(url.pathname).toBe('/reset-password');
    const path = url.pathname + url.search;

    await page.goto(path);
    await expectNoAxeViolations(page, '/reset-password');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await clickAndLoad(page, page.getByRole('button', { name: 'Set new password', exact: true }));
    expect(await page.locator('.field .error').innerText()).toBe('Use at least 10 characters');
    await expectNoAxeViolations(page, '/reset-password with errors');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await clickAndLoad(page, page.getByRole('button', { name: 'Set new password', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('status').innerText()).toBe('Your password has been changed. Log in with your new password.');
    expect(await logInThroughForm(page, user.email, NEW_PASSWORD)).toBe('/dashboard');

    const again = await browser.newPage();
    await again.goto(path);
    expect(await again.getByRole('heading', { level: 1 }).innerText()).toBe('This link no longer works');
    await expectNoAxeViolations(again, 'a used reset link');
    await served.smtp.waitFor(() => mailsTo(served.smtp, user, 'Your password was changed - CodeMentorHub').length > 0);
  });
});

describe('accessibility of the other account pages', () => {
  it('account page with its password form, the unverified gate, and the admin users page', async () => {
    const page = await browser.newPage();
    await page.goto('/signup');
    await page.getByLabel('Name', { exact: true }).fill('Unconfirmed Una');
    await page.getByLabel('Email', { exact: true }).fill(`una-${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('a long enough password');
    await clickAndLoad(page, page.getByRole('button', { name: 'Sign up', exact: true }));
    await page.goto('/account');
    await expectNoAxeViolations(page, '/account, unverified');
    await page.getByLabel('Current password', { exact: true }).fill('not it at all');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await clickAndLoad(page, page.getByRole('button', { name: 'Change password', exact: true }));
    expect(await page.locator('#f-currentPassword-error').innerText()).toBe('This is not your current password.');
    await expectNoAxeViolations(page, '/account, password errors');
    await clickAndLoad(page, page.getByRole('button', { name: 'Resend verification email', exact: true }));
    expect(await page.getByRole('status').innerText()).toMatch(/^We have sent a new confirmation link/);

    // Checkout refuses before it looks at the session: the gate page with the resend button.
    const gate = await page.goto('/checkout/test/00000000-0000-4000-8000-000000000000');
    expect(gate?.status()).toBe(403);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Confirm your email first');
    await expectNoAxeViolations(page, 'the unverified gate');

    await served.t.createUser('mentor', { name: 'Gated Mentor' });
    const admin = await served.t.createUser('admin');
    const adminPage = await browser.newPage();
    await logInThroughForm(adminPage, admin.email);
    await clickAndLoad(adminPage, adminPage.getByRole('link', { name: 'Users', exact: true }));
    expect(new URL(adminPage.url()).pathname).toBe('/admin/users');
    await expectNoAxeViolations(adminPage, '/admin/users');
    await adminPage.getByLabel('Name or email', { exact: true }).fill('Gated');
    await clickAndLoad(adminPage, adminPage.getByRole('button', { name: 'Search', exact: true }));
    await clickAndLoad(adminPage, adminPage.getByRole('button', { name: 'Deactivate Gated Mentor', exact: true }));
    expect(await adminPage.getByRole('status').innerText()).toMatch(/^The account is deactivated/);
    await expectNoAxeViolations(adminPage, '/admin/users after deactivating');

    const phone = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(phone, admin.email);
    await phone.goto('/admin/users');
    await expectNoAxeViolations(phone, '/admin/users (phone)');
  });
});
