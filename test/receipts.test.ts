import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { emailOutbox, refunds, sessions } from '../src/db/schema';
import { createOpenMentor } from './helpers/mentors';
import { awaitingPaymentSession, bookableSlot, bookSlot, mailsTo, moveSession, onTheHour, useMailScenario } from './helpers/scenario';

const SUBJECT = 'Receipt for your session - CodeMentorHub';
/** What the test checkout's Pay form posts for a 60-minute session at 60.00 USD an hour. */
const PAY_6000 = { amount_cents: '6000', currency: 'usd' };

const scenario = useMailScenario();

const receiptNumberIn = (text: string) => /Receipt number: (CMH-\d{8}-[0-9A-F]{10})/.exec(text)?.[1];

describe('the receipt email', () => {
  it('reaches the mentee once per payment, in their zone, with amount, date paid, what for, number and link', async () => {
    const { t } = scenario;
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee', { name: 'Rita Receipt', timezone: 'Asia/Kathmandu' });
    const start = bookableSlot(48);
    await bookSlot(mentee, mentor.id, start);
    const [held] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id));
    expect((await mentee.submit(`/checkout/test/${held!.id}/pay`, PAY_6000, `/checkout/test/${held!.id}`)).statusCode).toBe(303);
    // The receipt is written with the payment, in its transaction: it is there before any worker runs.
    const queued = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.sessionId, held!.id), eq(emailOutbox.template, 'payment-receipt')));
    expect(queued).toHaveLength(1);
    // A second Pay is the same payment: no second receipt.
    await mentee.submit(`/checkout/test/${held!.id}/pay`, PAY_6000, '/dashboard');
    await scenario.deliver();

    const mails = mailsTo(scenario.smtp, mentee, SUBJECT);
    expect(mails).toHaveLength(1);
    expect(mailsTo(scenario.smtp, mentor, SUBJECT)).toHaveLength(0);
    const text = mails[0]!.parsed.text ?? '';
    const [paid] = await t.database.db.select({ paidAt: sessions.paidAt }).from(sessions).where(eq(sessions.id, held!.id));
    const zoned = (d: Date, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('en-US', { ...o, timeZone: 'Asia/Kathmandu' }).format(d);
    expect(text).toContain('Hello Rita Receipt,');
    expect(text).toContain('Amount paid: $60.00');
    expect(text).toContain(`Date paid: ${zoned(paid!.paidAt!, { month: 'short', day: 'numeric', year: 'numeric' })}`);
    expect(text).toMatch(/For: a 60-minute mentoring session with Test mentor \d+/);
    expect(text).toContain(`Session date: ${zoned(start, { month: 'short', day: 'numeric', year: 'numeric' })}`);
    expect(text).toContain(`Session time: ${zoned(start, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} (Asia/Kathmandu, GMT+5:45)`);
    const number = receiptNumberIn(text);
    expect(number).toBeDefined();
    expect(text).toContain(`${t.config.appUrl}/sessions/${held!.id}/receipt`);
    expect(mails[0]!.parsed.html).toContain(`/sessions/${held!.id}/receipt`);
    // The page the link opens carries the same number.
    expect((await mentee.get(`/sessions/${held!.id}/receipt`)).body).toContain(number);
  });
});

describe('the receipt page', () => {
  it('is shown to the mentee and admins, printable, linked from the session page and My Sessions; not to the mentor or others', async () => {
    const { t } = scenario;
    const s = await scenario.pendingSession(72, { mentee: { name: 'Paula Payer' }, mentor: { name: 'Mona Mentor' } });
    const url = `/sessions/${s.sessionId}/receipt`;
    const page = await s.mentee.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.body).toContain('<h1 id="receipt-title">Receipt</h1>');
    expect(page.body).toMatch(/CMH-\d{8}-[0-9A-F]{10}/);
    expect(page.body).toContain('Mentoring session with Mona Mentor');
    expect(page.body).toContain('$60.00');
    expect(page.body).toContain('Paula Payer');
    expect(page.body).toContain('Times in Asia/Kathmandu.');
    expect(page.body).not.toContain('Refund');
    expect(page.body).toContain('data-print');

    expect((await s.mentee.get(`/sessions/${s.sessionId}`)).body).toContain(`href="${url}"`);
    expect((await s.mentee.get('/dashboard')).body).toContain(`href="${url}"`);
    expect((await s.mentor.get(`/sessions/${s.sessionId}`)).body).not.toContain(url);
    expect((await s.mentor.get('/mentor/dashboard')).body).not.toContain(url);

    const admin = await t.loginAs('admin', { timezone: 'America/New_York' });
    const seen = await admin.get(url);
    expect(seen.statusCode).toBe(200);
    // The mentee's document: in the mentee's zone whoever reads it.
    expect(seen.body).toContain('Times in Asia/Kathmandu.');
    expect((await admin.get(`/sessions/${s.sessionId}`)).body).toContain(`href="${url}"`);

    expect((await s.mentor.get(url)).statusCode).toBe(404);
    expect((await (await t.loginAs('mentee')).get(url)).statusCode).toBe(404);
    expect((await t.agent().get(url)).statusCode).toBe(302);
    expect((await s.mentee.get('/sessions/not-a-uuid/receipt')).statusCode).toBe(404);
  });

  it('does not exist for an unpaid session', async () => {
    const { t } = scenario;
    const mentor = await t.loginAs('mentor');
    const mentee = await t.loginAs('mentee');
    const { sessionId } = await awaitingPaymentSession({ db: t.database.db, mentor, mentee, start: onTheHour(50) });
    expect((await mentee.get(`/sessions/${sessionId}/receipt`)).statusCode).toBe(404);
    expect((await (await t.loginAs('admin')).get(`/sessions/${sessionId}/receipt`)).statusCode).toBe(404);
    expect((await mentee.get(`/sessions/${sessionId}`)).body).not.toContain(`/sessions/${sessionId}/receipt`);
    expect((await mentee.get('/dashboard')).body).not.toContain(`/sessions/${sessionId}/receipt`);
  });

  it('shows the refund of a cancelled session, with its date and amount, being refunded then refunded', async () => {
    const { t } = scenario;
    const s = await scenario.pendingSession(96, { mentee: { timezone: 'UTC' } });
    await moveSession({ db: t.database.db, sessionId: s.sessionId, to: 'cancelled', actor: { id: s.mentor.user.id, role: 'mentor' } });
    const url = `/sessions/${s.sessionId}/receipt`;
    const today = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date());
    const requested = await s.mentee.get(url);
    expect(requested.statusCode).toBe(200);
    expect(requested.body).toContain(`Refund<br/><span class="small">Requested on ${today}; on its way`);
    expect(requested.body).toContain('Net after refunds');

    // What the worker's payments.send-refund records once the provider has paid it back.
    const done = new Date('2026-03-04T10:00:00Z');
    await t.database.db.update(refunds).set({ status: 'succeeded', completedAt: done }).where(eq(refunds.sessionId, s.sessionId));
    const refunded = await s.mentee.get(url);
    expect(refunded.body).toContain('Refunded on Mar 4, 2026');
    expect(refunded.body).toContain('−$60.00');
    expect(refunded.body).toMatch(/Net after refunds<\/th><td class="num">\$0\.00/);
    expect(refunded.body).toContain('Session status: cancelled.');
  });
});
