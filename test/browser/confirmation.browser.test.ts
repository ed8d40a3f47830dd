import { eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { meetingAccesses, sessions } from '../../src/db/schema';
import { endSessionInPast } from '../helpers/sessions';
import { makeDueRooms, mailsTo, onTheHour, pendingSession as paidPendingSession, setStatusAsAdmin } from '../helpers/scenario';
import { clickAndLoad, clickThroughStep, expectNoAxeViolations, logInThroughForm, PHONE, useBrowser, useServedApp } from './browser';

/**
 * The seed's "Testing the Feature" in a real browser: Test Scenario 1 (admin "Confirm") and Test
 * Scenario 2 (mentor "Accept session"), end to end with the worker making the room and sending the
 * "Session Confirmed" emails over SMTP; the visibility rules; the copy control; axe on every page.
 * The meeting site itself is never loaded: meet.jit.si is answered by a route in the browser context.
 */
const served = useServedApp({ smtp: true });
const browser = useBrowser(() => served.t.baseUrl);

const SUBJECT = 'Session Confirmed - CodeMentorHub';
const JITSI_URL = /^https:\/\/meet\.jit\.si\/[a-z0-9-]+$/;

let people = 0;
/** A paid, pending session (the operator path) between a new mentor and a new mentee with unique names. */
async function pendingSession(label: string) {
  const k = ++people;
  const mentorName = `${label} Mentor ${k}`;
  const menteeName = `${label} Mentee ${k}`;
  const mentor = { ...(await served.t.createUser('mentor', { name: mentorName, timezone: 'Europe/London' })), name: mentorName };
  const mentee = { ...(await served.t.createUser('mentee', { name: menteeName, timezone: 'Asia/Kathmandu' })), name: menteeName };
  return { mentor, mentee, sessionId: await paidPendingSession({ db: served.t.database.db, mentor, mentee, start: onTheHour(72 + k) }) };
}

/** A confirmed session with its room made (admin "Confirm" over HTTP, then the worker's step run once). */
async function confirmedSession(label: string) {
  const s = await pendingSession(label);
  await setStatusAsAdmin(await served.t.loginAs('admin'), s.sessionId, 'confirmed');
  await makeDueRooms(served.t);
  const url = (await row(s.sessionId)).meetingUrl;
  expect(url).toMatch(JITSI_URL);
  return { ...s, url: url! };
}

const row = async (id: string) => (await served.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;

/** The admin Sessions table row of the session whose mentor has this (unique) name. */
function adminRow(page: Page, mentorName: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('cell', { name: mentorName, exact: true }) });
}

/** One cell of that row, by its column header's text. */
async function cellUnder(page: Page, rowLocator: Locator, header: string): Promise<Locator> {
  const headers = (await page.getByRole('columnheader').allInnerTexts()).map((h) => h.trim());
  const index = headers.indexOf(header);
  expect(index, `a "${header}" column`).toBeGreaterThanOrEqual(0);
  return rowLocator.getByRole('cell').nth(index);
}

/** A dashboard's card for the session with this other participant ("Mentor: …" or "Mentee: …"). */
function card(page: Page, heading: string): Locator {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: heading, exact: true }) });
}

/** Reloads until the check passes (the worker makes the room in the background). */
async function reloadUntil(page: Page, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not there after ${timeoutMs} ms on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 200));
    await page.reload();
  }
}

/** Nothing on the page links to or shows a meeting: no join link, no join box, no meeting URL. */
async function expectNoMeetingLink(scope: Locator) {
  expect(await scope.getByRole('link', { name: /join/i }).count()).toBe(0);
  expect(await scope.locator('a[href*="/join"], .join-box, code.join-url').count()).toBe(0);
  expect(await scope.innerText()).not.toMatch(/meet\.jit\.si|meet\.google\.com/);
}

/** The mentee's or mentor's join box for a session: link "Join meeting" and the URL as text. */
async function expectJoinBox(page: Page, heading: string, sessionId: string, url: string) {
  const c = card(page, heading);
  expect(await c.count()).toBe(1);
  const join = c.getByRole('link', { name: 'Join meeting', exact: true });
  expect(await join.count()).toBe(1);
  expect(await join.getAttribute('href')).toBe(`/sessions/${sessionId}/join`);
  expect(await join.getAttribute('target')).toBe('_blank');
  expect(await join.isVisible()).toBe(true);
  const code = c.locator('code.join-url');
  expect((await code.innerText()).trim()).toBe(url);
  expect(await code.isVisible()).toBe(true);
}

/** A completed session's link: the URL as text, and nothing to join or add to a calendar. */
async function expectPastLink(page: Page, heading: string, url: string) {
  const c = card(page, heading);
  expect(await c.count()).toBe(1);
  expect((await c.locator('code.past-url').innerText()).trim()).toBe(url);
  expect(await c.getByRole('link', { name: /join/i }).count()).toBe(0);
  expect(await c.getByRole('link', { name: /add to calendar/i }).count()).toBe(0);
  expect(await c.locator('.join-box').count()).toBe(0);
}

async function expectOneConfirmationEach(emails: string[], url: string) {
  const confirmations = (to: string) => mailsTo(served.smtp, to, SUBJECT);
  await served.smtp.waitFor(() => emails.every((e) => confirmations(e).length >= 1));
  // Give a duplicate the time to show up, if there were one.
  await new Promise((r) => setTimeout(r, 700));
  for (const to of emails) {
    const mails = confirmations(to);
    expect(mails, `confirmation emails to ${to}`).toHaveLength(1);
    expect(mails[0]!.parsed.text).toContain(`Meeting Link: ${url}`);
  }
}

describe("the seed's Test Scenario 1: admin confirmation", () => {
  it('confirms on the Sessions page; the Meeting Link column, both emails and both dashboards show the link, which opens the meeting in a new tab', async () => {
    const s = await pendingSession('Alpha');

    // Before confirmation, no meeting link anywhere: mentee, mentor and admin.
    const menteePage = await browser.newPage();
    expect(await logInThroughForm(menteePage, s.mentee.email)).toBe('/dashboard');
    expect(await card(menteePage, `Mentor: ${s.mentor.name}`).innerText()).toContain('Pending');
    await expectNoMeetingLink(menteePage.locator('main'));
    const mentorPage = await browser.newPage();
    expect(await logInThroughForm(mentorPage, s.mentor.email)).toBe('/mentor/dashboard');
    expect(await card(mentorPage, `Mentee: ${s.mentee.name}`).innerText()).toContain('Pending');
    await expectNoMeetingLink(mentorPage.locator('main'));

    // 1. Log in as admin. 2. Go to "Sessions". 3. Find the pending session.
    const admin = await browser.newPage();
    const adminUser = await served.t.createUser('admin');
    await logInThroughForm(admin, adminUser.email);
    await clickAndLoad(admin, admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions', exact: true }));
    expect(new URL(admin.url()).pathname).toBe('/admin/sessions');
    expect(await admin.getByRole('columnheader', { name: 'Meeting Link', exact: true }).count()).toBe(1);
    const r = adminRow(admin, s.mentor.name);
    expect(await r.count()).toBe(1);
    expect((await (await cellUnder(admin, r, 'Status')).innerText()).trim()).toBe('Pending');
    expect((await (await cellUnder(admin, r, 'Meeting Link')).innerText()).trim()).toBe('');
    await expectNoMeetingLink(r);

    // 4. Click "Confirm", and "Confirm" again on the step that says what confirming does.
    await clickThroughStep(admin, r.getByRole('button', { name: 'Confirm', exact: true }), 'Confirm');
    expect(new URL(admin.url()).pathname).toBe('/admin/sessions');
    expect(await admin.getByRole('status').first().innerText()).toBe('Session confirmed.');
    expect((await (await cellUnder(admin, r, 'Status')).innerText()).trim()).toBe('Confirmed ✓');
    expect(await r.getByRole('button', { name: 'Confirm', exact: true }).count()).toBe(0);
    expect(await r.getByRole('button', { name: 'Mark completed', exact: true }).count()).toBe(1);
    expect((await row(s.sessionId)).status).toBe('confirmed');
    // The room is the worker's job: until then the column says so, and links nowhere.
    expect((await (await cellUnder(admin, r, 'Meeting Link')).innerText()).trim()).toBe('Being prepared');
    await expectNoMeetingLink(r);

    // 5. With the worker running, the Meeting Link column shows "📹 Join Meeting" (the emoji is decoration).
    await served.runWorker();
    const adminJoin = r.getByRole('link', { name: 'Join Meeting', exact: true });
    await reloadUntil(admin, async () => (await adminJoin.count()) === 1);
    const { meetingUrl: url } = await row(s.sessionId);
    expect(url).toMatch(JITSI_URL);
    expect(await adminJoin.getAttribute('href')).toBe(`/sessions/${s.sessionId}/join`);
    expect(await adminJoin.getAttribute('target')).toBe('_blank');
    expect((await (await cellUnder(admin, r, 'Meeting Link')).innerText()).trim()).toBe('📹 Join Meeting');

    // 6.–7. The mentee and the mentor each received exactly one email with the link.
    await expectOneConfirmationEach([s.mentee.email, s.mentor.email], url!);

    // 8.–9. Both dashboards show the link in the join box.
    await menteePage.reload();
    await expectJoinBox(menteePage, `Mentor: ${s.mentor.name}`, s.sessionId, url!);
    expect(await card(menteePage, `Mentor: ${s.mentor.name}`).innerText()).toContain('Confirmed ✓');
    await mentorPage.reload();
    await expectJoinBox(mentorPage, `Mentee: ${s.mentee.name}`, s.sessionId, url!);

    // Joining: a new tab asks /sessions/:id/join, which records the access and redirects to the meeting.
    const context = menteePage.context();
    const asked: string[] = [];
    context.on('request', (req) => asked.push(req.url()));
    await context.route('https://meet.jit.si/**', (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'meeting' }));
    const [popup] = await Promise.all([
      context.waitForEvent('page'),
      card(menteePage, `Mentor: ${s.mentor.name}`).getByRole('link', { name: 'Join meeting', exact: true }).click(),
    ]);
    await popup.waitForURL(url!);
    expect(popup.url()).toBe(url);
    expect(await popup.locator('body').innerText()).toBe('meeting');
    expect(menteePage.url()).toBe(`${served.t.baseUrl}/dashboard`);
    const joinAt = asked.indexOf(`${served.t.baseUrl}/sessions/${s.sessionId}/join`);
    expect(joinAt).toBeGreaterThanOrEqual(0);
    expect(asked.indexOf(url!)).toBeGreaterThan(joinAt);
    const accesses = await served.t.database.db.select().from(meetingAccesses).where(eq(meetingAccesses.sessionId, s.sessionId));
    expect(accesses.map((a) => a.userId)).toEqual([s.mentee.id]);
  }, 60_000);
});

describe("the seed's Test Scenario 2: mentor acceptance", () => {
  it('accepts from the Mentor Dashboard; the session is confirmed, the link is generated, emailed to both and shown on both dashboards', async () => {
    const s = await pendingSession('Bravo');

    // 1. Log in as mentor. 2. Go to "Mentor Dashboard". 3. Find the pending session.
    const page = await browser.newPage();
    await logInThroughForm(page, s.mentor.email);
    await clickAndLoad(page, page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mentor Dashboard', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/mentor/dashboard');
    const requests = page.getByRole('region', { name: 'Session requests' });
    const request = card(page, `Mentee: ${s.mentee.name}`);
    expect(await requests.getByRole('heading', { name: `Mentee: ${s.mentee.name}`, exact: true }).count()).toBe(1);
    expect(await request.innerText()).toContain('Pending');
    await expectNoMeetingLink(page.locator('main'));

    // 4. Click "Accept session".
    await clickAndLoad(page, request.getByRole('button', { name: 'Accept session', exact: true }));
    expect(new URL(page.url()).pathname).toBe('/mentor/dashboard');
    expect(await page.getByRole('status').first().innerText()).toContain('Session accepted.');
    // 6. The status is now "confirmed", in the upcoming list, no longer among the requests.
    expect((await row(s.sessionId)).status).toBe('confirmed');
    expect(await requests.innerText()).toContain('No requests waiting.');
    const upcoming = page.getByRole('region', { name: 'Upcoming sessions' });
    expect(await upcoming.getByRole('heading', { name: `Mentee: ${s.mentee.name}`, exact: true }).count()).toBe(1);
    expect(await request.innerText()).toContain('Confirmed ✓');
    expect(await request.getByRole('button', { name: 'Accept session' }).count()).toBe(0);
    expect(await request.innerText()).toContain('Meeting link being prepared');

    // 5. With the worker running, the meeting link is generated and shown.
    await served.runWorker();
    await reloadUntil(page, async () => (await request.getByRole('link', { name: 'Join meeting', exact: true }).count()) === 1);
    const { meetingUrl: url, meetingProvider } = await row(s.sessionId);
    expect(meetingProvider).toBe('jitsi');
    expect(url).toMatch(JITSI_URL);
    await expectJoinBox(page, `Mentee: ${s.mentee.name}`, s.sessionId, url!);

    // 7. Email to the mentee (and the mentor) with the link, exactly one each.
    await expectOneConfirmationEach([s.mentee.email, s.mentor.email], url!);

    // 8. The link is visible on both dashboards (and in the admin's Meeting Link column).
    const mentee = await browser.newPage();
    await logInThroughForm(mentee, s.mentee.email);
    await expectJoinBox(mentee, `Mentor: ${s.mentor.name}`, s.sessionId, url!);
    expect(await card(mentee, `Mentor: ${s.mentor.name}`).innerText()).toContain('Confirmed ✓');
    const admin = await browser.newPage();
    await logInThroughForm(admin, (await served.t.createUser('admin')).email);
    await admin.goto('/admin/sessions');
    expect(await adminRow(admin, s.mentor.name).getByRole('link', { name: 'Join Meeting', exact: true }).getAttribute('href')).toBe(`/sessions/${s.sessionId}/join`);
  }, 60_000);
});

describe('visibility: pending shows no link, confirmed shows it, completed keeps it as text, everywhere', () => {
  it('keeps the link on all three pages after "Mark completed"; the Sessions page with pending, confirmed and completed rows passes axe', async () => {
    const done = await confirmedSession('Charlie');
    const live = await confirmedSession('Delta');
    const waiting = await pendingSession('Echo');

    // The session to complete has taken place.
    await endSessionInPast(served.t.database.db, done.sessionId);
    const admin = await browser.newPage();
    await logInThroughForm(admin, (await served.t.createUser('admin')).email);
    await admin.goto('/admin/sessions');
    const doneRow = adminRow(admin, done.mentor.name);
    await clickThroughStep(admin, doneRow.getByRole('button', { name: 'Mark completed', exact: true }), 'Mark completed');
    expect(await admin.getByRole('status').first().innerText()).toBe('Session marked completed.');
    expect((await row(done.sessionId)).status).toBe('completed');

    // Completed: status says so, the link stays, nothing more to do but look.
    expect((await (await cellUnder(admin, doneRow, 'Status')).innerText()).trim()).toBe('Completed');
    expect(await doneRow.getByRole('link', { name: 'Join Meeting', exact: true }).getAttribute('href')).toBe(`/sessions/${done.sessionId}/join`);
    expect(await doneRow.getByRole('button').count()).toBe(0);
    // Confirmed: link, "Mark completed" (and Cancel), no "Confirm".
    const liveRow = adminRow(admin, live.mentor.name);
    expect(await liveRow.getByRole('link', { name: 'Join Meeting', exact: true }).count()).toBe(1);
    expect(await liveRow.getByRole('button', { name: 'Mark completed', exact: true }).isVisible()).toBe(true);
    expect(await liveRow.getByRole('button', { name: 'Confirm', exact: true }).count()).toBe(0);
    // Pending: "Confirm", no link.
    const waitingRow = adminRow(admin, waiting.mentor.name);
    expect(await waitingRow.getByRole('button', { name: 'Confirm', exact: true }).isVisible()).toBe(true);
    await expectNoMeetingLink(waitingRow);
    await expectNoAxeViolations(admin, 'admin Sessions page with pending, confirmed and completed rows');
    // Each row's date opens the session's own page: audit trail, payment, emails, link accesses.
    await admin.goto(`/admin/sessions/${done.sessionId}`);
    expect(await admin.getByRole('heading', { name: 'Audit trail' }).count()).toBe(1);
    await expectNoAxeViolations(admin, 'admin session page');
    await admin.goto(`/admin/sessions?q=${encodeURIComponent(live.mentor.name)}&from=2020-01-01`);
    await expectNoAxeViolations(admin, 'admin Sessions page, filtered');
    await admin.goto('/admin/sessions');

    // The completed session's link stays on both dashboards, in the history.
    const mentee = await browser.newPage();
    await logInThroughForm(mentee, done.mentee.email);
    const menteeHistory = mentee.getByRole('region', { name: 'History' });
    expect(await menteeHistory.getByRole('heading', { name: `Mentor: ${done.mentor.name}`, exact: true }).count()).toBe(1);
    await expectPastLink(mentee, `Mentor: ${done.mentor.name}`, done.url);
    expect(await card(mentee, `Mentor: ${done.mentor.name}`).innerText()).toContain('Completed');
    const mentor = await browser.newPage();
    await logInThroughForm(mentor, done.mentor.email);
    const mentorHistory = mentor.getByRole('region', { name: 'History' });
    expect(await mentorHistory.getByRole('heading', { name: `Mentee: ${done.mentee.name}`, exact: true }).count()).toBe(1);
    await expectPastLink(mentor, `Mentee: ${done.mentee.name}`, done.url);

    // The pending session's participants still see no link at all.
    const waitingMentee = await browser.newPage();
    await logInThroughForm(waitingMentee, waiting.mentee.email);
    expect(await card(waitingMentee, `Mentor: ${waiting.mentor.name}`).count()).toBe(1);
    await expectNoMeetingLink(waitingMentee.locator('main'));
  }, 60_000);
});

describe('the join box', () => {
  it('passes axe on both dashboards, copies the URL with JavaScript on, and fits a phone', async () => {
    const s = await confirmedSession('Foxtrot');

    const page = await browser.newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await logInThroughForm(page, s.mentee.email);
    await expectJoinBox(page, `Mentor: ${s.mentor.name}`, s.sessionId, s.url);
    await expectNoAxeViolations(page, 'mentee dashboard with a join box');

    const copy = card(page, `Mentor: ${s.mentor.name}`).getByRole('button', { name: 'Copy link', exact: true });
    expect(await copy.isVisible()).toBe(true);
    await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
    await copy.click();
    // The button says so once the clipboard has taken the text (by its attribute: its name changes).
    const copyButton = card(page, `Mentor: ${s.mentor.name}`).locator('button[data-copy]');
    await expect.poll(async () => (await copyButton.innerText()).trim(), { timeout: 1_000 }).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(s.url);

    const mentor = await browser.newPage();
    await logInThroughForm(mentor, s.mentor.email);
    await expectJoinBox(mentor, `Mentee: ${s.mentee.name}`, s.sessionId, s.url);
    expect(await card(mentor, `Mentee: ${s.mentee.name}`).getByRole('button', { name: 'Copy link', exact: true }).isVisible()).toBe(true);
    await expectNoAxeViolations(mentor, 'mentor dashboard with a join box');

    // At phone width: the long URL wraps, nothing scrolls sideways, the box stays accessible.
    const phone = await browser.newPage({ viewport: PHONE });
    await logInThroughForm(phone, s.mentee.email);
    await expectJoinBox(phone, `Mentor: ${s.mentor.name}`, s.sessionId, s.url);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    const box = await card(phone, `Mentor: ${s.mentor.name}`).locator('.join-box').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    const url = await card(phone, `Mentor: ${s.mentor.name}`).locator('code.join-url').boundingBox();
    expect(url!.x + url!.width).toBeLessThanOrEqual(box!.x + box!.width);
    await expectNoAxeViolations(phone, 'mentee dashboard with a join box, phone width');
  }, 60_000);

  it('without JavaScript hides the copy button and keeps the URL as selectable text', async () => {
    const s = await confirmedSession('Golf');
    const page = await browser.newPage({ javaScriptEnabled: false });
    await logInThroughForm(page, s.mentee.email);
    await expectJoinBox(page, `Mentor: ${s.mentor.name}`, s.sessionId, s.url);
    const c = card(page, `Mentor: ${s.mentor.name}`);
    expect(await c.locator('button[data-copy]').count()).toBe(1);
    expect(await c.locator('button[data-copy]').isHidden()).toBe(true);
    expect(await c.getByRole('button', { name: 'Copy link' }).count()).toBe(0);
    const code = c.locator('code.join-url');
    expect(await code.evaluate((el) => getComputedStyle(el).userSelect)).not.toBe('none');
    // Select it the way a person would (triple click) and read the selection back.
    await code.click({ clickCount: 3 });
    expect((await code.evaluate(() => String(document.getSelection()))).trim()).toBe(s.url);
  }, 60_000);
});

describe('a stale second tab', () => {
  it('confirming an already-confirmed session answers 409 with the reason, on a page that passes axe', async () => {
    const s = await pendingSession('Hotel');
    const first = await browser.newPage();
    await logInThroughForm(first, (await served.t.createUser('admin')).email);
    await first.goto('/admin/sessions');
    const second = await first.context().newPage();
    await second.goto('/admin/sessions');

    // The second tab has the confirmation step open when the first confirms.
    await clickAndLoad(second, adminRow(second, s.mentor.name).getByRole('button', { name: 'Confirm', exact: true }));
    await clickThroughStep(first, adminRow(first, s.mentor.name).getByRole('button', { name: 'Confirm', exact: true }), 'Confirm');
    expect((await row(s.sessionId)).status).toBe('confirmed');

    const answered = second.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith(`/admin/sessions/${s.sessionId}/set-status/`));
    await clickAndLoad(second, second.getByRole('main').getByRole('button', { name: 'Confirm', exact: true }));
    expect((await answered).status()).toBe(409);
    expect(await second.getByRole('alert').innerText()).toBe('This session is already confirmed.');
    expect(await second.getByRole('heading', { level: 1 }).innerText()).toBe('Nothing was changed');
    expect(await second.getByRole('link', { name: 'Go back' }).getAttribute('href')).toBe('/admin/sessions');
    expect((await row(s.sessionId)).status).toBe('confirmed');
    await expectNoAxeViolations(second, '409 page');
  }, 60_000);
});
