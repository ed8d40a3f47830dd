import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refunds, sessions } from '../src/db/schema';
import { approveMentorApplication, submitMentorApplication } from '../src/mentors/applications';
import { processDueRefunds } from '../src/payments/refunds';
import { createPaymentProvider } from '../src/payments';
import { buildTestApp, type TestApp } from './helpers/app';
import { moveSession, onTheHour, pendingSession } from './helpers/scenario';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('the revenue overview', () => {
  it('shows an empty state before any payment', async () => {
    const admin = await t.loginAs('admin');
    const page = await admin.get('/admin/revenue');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No payments or refunds in the last 12 months.');
    expect(page.body).toContain('calendar months in UTC');
    expect((await admin.get('/admin')).body).toContain('href="/admin/revenue"');
  });

  it('sums paid, refunded and net per month in UTC and per currency, from the payments and refunds in the database', async () => {
    const admin = await t.loginAs('admin');
    const mentor = await t.createUser('mentor');
    const euroMentor = await t.createUser('mentor');
    const mentee = await t.createUser('mentee');
    const db = t.database.db;
    // The test mentor's rate is 60.00 USD an hour: 60 minutes cost 60.00, 30 minutes 30.00.
    const kept = await pendingSession({ db, mentor, mentee, start: onTheHour(48) });
    const refunded = await pendingSession({ db, mentor, mentee, start: onTheHour(96), duration: 30 });
    const lastMonth = await pendingSession({ db, mentor, mentee, start: onTheHour(144) });
    const euros = await pendingSession({ db, mentor: euroMentor, mentee, start: onTheHour(200) });
    await db.update(sessions).set({ currency: 'EUR', priceCents: 4500 }).where(eq(sessions.id, euros));

    // Months are UTC: 23:30 on the last day of the previous month belongs to that month, whatever the viewer's zone.
    const now = new Date();
    const startOfMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    await db.update(sessions).set({ paidAt: new Date(startOfMonth.getTime() - 30 * 60_000) }).where(eq(sessions.id, lastMonth));
    await db.update(sessions).set({ paidAt: new Date(startOfMonth.getTime() + 30 * 60_000) }).where(eq(sessions.id, kept));
    // Something paid 13 months ago is outside the window.
    const old = await pendingSession({ db, mentor, mentee, start: onTheHour(250) });
    await db.update(sessions).set({ paidAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 12, 15)) }).where(eq(sessions.id, old));

    // The mentor cancels one: a full refund, sent by the refund job.
    await moveSession({ db, sessionId: refunded, to: 'cancelled', actor: { id: mentor.id, role: 'mentor' } });
    expect(await processDueRefunds({ db, payments: createPaymentProvider(t.config) })).toBe(1);
    const [refund] = await db.select().from(refunds).where(eq(refunds.sessionId, refunded));
    expect(refund).toMatchObject({ status: 'succeeded', amountCents: 3000 });
    // A refund still owed is reported apart, not subtracted.
    const owed = await pendingSession({ db, mentor, mentee, start: onTheHour(300) });
    const [owedRow] = await db.select().from(sessions).where(eq(sessions.id, owed));
    await db.insert(refunds).values({ sessionId: owed, paymentRef: owedRow!.paymentRef!, amountCents: 6000, currency: 'USD', reason: 'test' });

    const { loadRevenue } = await import('../src/admin/revenue');
    const report = await loadRevenue({ db, now: t.clock.now() });
    const usd = report.currencies.find((c) => c.currency === 'USD')!;
    const thisMonth = usd.months.at(-1)!;
    const previous = usd.months.at(-2)!;
    // This month: kept 60 + refunded 30 + owed 60 paid; 30 refunded.
    expect(thisMonth).toMatchObject({ paidCents: 15000, payments: 3, refundedCents: 3000, refunds: 1, netCents: 12000 });
    expect(previous).toMatchObject({ paidCents: 6000, payments: 1, refundedCents: 0, netCents: 6000 });
    expect(usd.total).toMatchObject({ paidCents: 21000, payments: 4, refundedCents: 3000, netCents: 18000 });
    expect(usd.outstanding).toEqual({ cents: 6000, count: 1 });
    expect(usd.months).toHaveLength(12);
    expect(report.currencies.find((c) => c.currency === 'EUR')!.total).toMatchObject({ paidCents: 4500, netCents: 4500 });

    const page = await admin.get('/admin/revenue');
    expect(page.body).toContain('$210.00');
    expect(page.body).toContain('$30.00');
    expect(page.body).toContain('$180.00');
    expect(page.body).toContain('€45.00');
    expect(page.body).toContain('1 refund of $60.00 not completed yet');
  });

  it('is for admins only', async () => {
    const mentee = await t.loginAs('mentee');
    expect((await mentee.get('/admin/revenue')).statusCode).toBe(403);
    expect((await t.app.inject('/admin/revenue')).statusCode).toBe(302);
  });
});

describe('the people pages', () => {
  it('filters the list by role and links each person to their page', async () => {
    const admin = await t.loginAs('admin');
    const mentor = await t.createUser('mentor', { name: 'Rolefilter Mentor' });
    await t.createUser('mentee', { name: 'Rolefilter Mentee' });
    const mentors = await admin.get('/admin/users?q=Rolefilter&role=mentor');
    expect(mentors.body).toContain('Rolefilter Mentor');
    expect(mentors.body).not.toContain('Rolefilter Mentee');
    expect(mentors.body).toContain(`href="/admin/users/${mentor.id}"`);
    expect((await admin.get('/admin/users?q=Rolefilter')).body).toContain('Rolefilter Mentee');
    // An unknown role is ignored rather than trusted.
    expect((await admin.get('/admin/users?q=Rolefilter&role=owner')).body).toContain('Rolefilter Mentee');
  });

  it("shows a person's details and their sessions as mentee and as mentor, and deactivates from there", async () => {
    const admin = await t.loginAs('admin');
    const both = await t.createUser('mentee', { name: 'Both Sides' });
    const otherMentor = await t.createUser('mentor', { name: 'Other Mentor' });
    const mentee = await t.createUser('mentee', { name: 'Their Mentee' });
    const db = t.database.db;
    // A mentee with a booking applies and is approved: one person on both sides of sessions.
    const asMentee = await pendingSession({ db, mentor: otherMentor, mentee: both, start: onTheHour(420) });
    const applied = await submitMentorApplication({ db, userId: both.id, now: new Date(), input: {
      headline: 'Both sides', skills: 'Go', hourlyRate: '50', currency: 'USD', bio: 'Long enough biography for the form.', links: '',
    } });
    if (!applied.ok) throw applied;
    const approved = await approveMentorApplication({ db, applicationId: applied.id, actor: { id: admin.user.id, role: 'admin' }, now: new Date() });
    expect(approved.ok).toBe(true);
    const asMentor = await pendingSession({ db, mentor: both, mentee, start: onTheHour(400) });

    const page = await admin.get(`/admin/users/${both.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Both Sides</h1>');
    expect(page.body).toContain(both.email);
    expect(page.body).toMatch(/Sessions as mentee <span class="muted small">\(1\)/);
    expect(page.body).toMatch(/Sessions as mentor <span class="muted small">\(1\)/);
    expect(page.body).toContain(`href="/admin/sessions/${asMentor}"`);
    expect(page.body).toContain(`href="/admin/sessions/${asMentee}"`);
    expect(page.body).toContain('Other Mentor');
    expect(page.body).toContain('Their Mentee');
    expect(page.body).toContain(`href="/admin/mentors/${both.id}/profile"`);
    expect(page.body).toContain('Mentor applications');
    expect(page.body).toContain('Approved');

    const off = await admin.submit(`/admin/users/${both.id}/deactivate`, { back: 'person' }, `/admin/users/${both.id}`);
    expect(off.statusCode).toBe(303);
    expect(off.headers.location).toBe(`/admin/users/${both.id}`);
    const after = await admin.get(`/admin/users/${both.id}`);
    expect(after.body).toContain('Deactivated');
    expect(after.body).toContain('Reactivate');
    const on = await admin.submit(`/admin/users/${both.id}/reactivate`, { back: 'person' }, `/admin/users/${both.id}`);
    expect(on.headers.location).toBe(`/admin/users/${both.id}`);

    expect((await admin.get('/admin/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await admin.get('/admin/users/not-an-id')).statusCode).toBe(404);
    const mentorAgent = await t.loginAs('mentor');
    expect((await mentorAgent.get(`/admin/users/${both.id}`)).statusCode).toBe(403);
  });
});
