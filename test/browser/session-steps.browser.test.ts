import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { auditLog, sessions } from '../../src/db/schema';
import { endSessionInPast } from '../helpers/sessions';
import { mailsTo, onTheHour, pendingSession, setStatusAsAdmin } from '../helpers/scenario';
import { eventually } from '../helpers/worker';
import { clickAndLoad, clickThroughStep, DESKTOP, expectNoAxeViolations, logInThroughForm, useBrowser, useServedApp } from './browser';

/**
 * The confirmation steps in a real browser, at desktop and phone widths: the admin marks a session
 * completed from a filtered Sessions list and comes back to it; a mentee cancels with a reason, which
 * reaches the mentor's email over SMTP and the session page; the admin's tables fit a phone.
 */
const served = useServedApp({ smtp: true });
const browser = useBrowser(() => served.t.baseUrl);
const PHONE_390 = { width: 390, height: 844 };
const SHOTS = process.env.SHOTS_DIR;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
const shot = async (page: Page, name: string) => { if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true }); };

let k = 0;
async function people(label: string) {
  const n = ++k;
  const mentorName = `${label} Mentor ${n}`;
  const menteeName = `${label} Mentee ${n}`;
  return {
    mentor: { ...(await served.t.createUser('mentor', { name: mentorName, timezone: 'Europe/London' })), name: mentorName },
    mentee: { ...(await served.t.createUser('mentee', { name: menteeName, timezone: 'Europe/Berlin' })), name: menteeName },
  };
}
const status = async (id: string) => (await served.t.database.db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, id)))[0]!.status;

/** Nothing on the page reaches past the right edge of the window. */
async function expectNoSidewaysScroll(page: Page, label: string) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${label}: page width ${scroll} in a ${width}px window`).toBeLessThanOrEqual(width);
}

describe.each([['desktop', DESKTOP], ['phone', PHONE_390]] as const)('at %s width', (name, viewport) => {
  it('the admin marks a session completed through its step, with a reason, and comes back to the same filtered list', async () => {
    const p = await people(`Step ${name}`);
    const sessionId = await pendingSession({ db: served.t.database.db, mentor: p.mentor, mentee: p.mentee, start: onTheHour(72) });
    await setStatusAsAdmin(await served.t.loginAs('admin'), sessionId, 'confirmed');
    await endSessionInPast(served.t.database.db, sessionId);

    const admin = await browser.newPage({ viewport });
    await logInThroughForm(admin, (await served.t.createUser('admin')).email);
    const list = `/admin/sessions?${new URLSearchParams({ status: 'confirmed', q: p.mentor.name })}`;
    await admin.goto(list);
    await expectNoSidewaysScroll(admin, 'admin Sessions');
    const row = admin.getByRole('row').filter({ hasText: p.mentor.name });
    const button = row.getByRole('button', { name: 'Mark completed', exact: true });
    // Status and Actions are on screen, not off to the right.
    for (const el of [row.getByText('Confirmed ✓', { exact: true }), button]) {
      const box = (await el.boundingBox())!;
      expect(box.x + box.width, 'within the window').toBeLessThanOrEqual(viewport.width);
    }
    await expectNoAxeViolations(admin, `admin Sessions, ${name}`);
    await shot(admin, `admin-sessions-${name}`);

    await clickAndLoad(admin, button);
    expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe('Mark session completed?');
    expect(await admin.getByRole('list').filter({ hasText: 'is invited to rate it' }).count()).toBe(1);
    expect(await status(sessionId)).toBe('confirmed');
    await expectNoSidewaysScroll(admin, 'Mark completed step');
    await expectNoAxeViolations(admin, `Mark completed step, ${name}`);
    await shot(admin, `step-complete-${name}`);
    await admin.getByLabel('Reason (optional)').fill('Both wrote to say it went well.');
    await clickAndLoad(admin, admin.getByRole('button', { name: 'Mark completed', exact: true }));

    const url = new URL(admin.url());
    expect(`${url.pathname}${url.search}`).toBe(list);
    expect(await admin.getByRole('status').first().innerText()).toBe('Session marked completed.');
    expect(await status(sessionId)).toBe('completed');
    // The list still shows only confirmed sessions: this one has left it, and its count says so.
    expect(await admin.getByRole('row').filter({ hasText: p.mentor.name }).count()).toBe(0);
    expect(await admin.getByRole('link', { name: /^Completed 1$/ }).count()).toBe(1);
    const audit = await served.t.database.db.select().from(auditLog).where(eq(auditLog.subjectId, sessionId));
    expect(audit.find((a) => a.action === 'session.completed')?.data).toMatchObject({ reason: 'Both wrote to say it went well.' });
  }, 60_000);

  it('a mentee cancels from the dashboard with a reason; the mentor is emailed it and the session page shows it', async () => {
    const p = await people(`Cancel ${name}`);
    const sessionId = await pendingSession({ db: served.t.database.db, mentor: p.mentor, mentee: p.mentee, start: onTheHour(96) });
    await served.runWorker();
    const mentee = await browser.newPage({ viewport });
    await logInThroughForm(mentee, p.mentee.email);
    await mentee.goto('/dashboard');
    const card = mentee.getByRole('listitem').filter({ has: mentee.getByRole('heading', { name: `Mentor: ${p.mentor.name}` }) });
    await clickAndLoad(mentee, card.getByRole('button', { name: 'Cancel session', exact: true }));
    expect(await mentee.getByRole('heading', { level: 1 }).innerText()).toBe('Cancel this session?');
    expect(await mentee.getByRole('main').innerText()).toContain('you get a full refund of $60.00');
    expect(await status(sessionId)).toBe('pending');
    await expectNoSidewaysScroll(mentee, 'cancel step');
    await expectNoAxeViolations(mentee, `cancel step, ${name}`);
    await shot(mentee, `step-cancel-${name}`);

    // "Back" changes nothing; then cancel for real, with a reason.
    await clickAndLoad(mentee, mentee.getByRole('link', { name: 'Back', exact: true }));
    expect(new URL(mentee.url()).pathname).toBe('/dashboard');
    expect(await status(sessionId)).toBe('pending');
    const reason = 'A work trip came up; sorry for the short notice.';
    await clickThroughStep(mentee, card.getByRole('button', { name: 'Cancel session', exact: true }), 'Cancel session', reason);
    expect(new URL(mentee.url()).pathname).toBe('/dashboard');
    expect(await mentee.getByRole('status').first().innerText()).toContain('Session cancelled. The payment will be refunded in full.');
    expect(await status(sessionId)).toBe('cancelled');

    await eventually(() => mailsTo(served.smtp, p.mentor, 'Session Cancelled - CodeMentorHub').length === 1);
    expect(mailsTo(served.smtp, p.mentor, 'Session Cancelled - CodeMentorHub')[0]!.parsed.text).toContain(`Reason: ${reason}`);
    await mentee.goto(`/sessions/${sessionId}`);
    expect(await mentee.getByRole('status').filter({ hasText: 'Cancelled by you' }).innerText()).toContain(`Reason: ${reason}`);
    await expectNoAxeViolations(mentee, `cancelled session page, ${name}`);
  }, 60_000);
});

describe('the admin tables fit a 360px phone', () => {
  it('Sessions, failed jobs and payment problems do not scroll sideways', async () => {
    const p = await people('Narrow');
    await pendingSession({ db: served.t.database.db, mentor: p.mentor, mentee: p.mentee, start: onTheHour(120) });
    const admin = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await logInThroughForm(admin, (await served.t.createUser('admin')).email);
    for (const path of ['/admin/sessions', '/admin/jobs', '/admin/payments']) {
      await admin.goto(path);
      await expectNoSidewaysScroll(admin, path);
    }
    await admin.goto('/admin/sessions');
    const box = (await admin.getByRole('row').filter({ hasText: p.mentor.name }).getByRole('button', { name: 'Confirm', exact: true }).boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await shot(admin, 'admin-sessions-360');
  }, 60_000);
});
