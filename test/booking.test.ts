import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityWindows, emailOutbox, mentorProfiles, refunds, sessions, users } from '../src/db/schema';
import { renderEmail } from '../src/mail/templates';
import { expireLapsedHolds } from '../src/booking/holds';
import { buildTestApp, type TestApp } from './helpers/app';
import { bookableSlot, bookSlot } from './helpers/scenario';

let t: TestApp;
/** What the test checkout's Pay form posts for a 60-minute session at 60.00 USD an hour. */
const PAY_6000 = { amount_cents: '6000', currency: 'usd' };
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

/** A mentor available every day 00:00-24:00 UTC, no notice: any half-hour from now on is bookable. */
async function openMentor(overrides: { timezone?: string; windows?: { weekday: number; startMinute: number; endMinute: number }[] } = {}) {
  const mentor = await t.createUser('mentor', { timezone: overrides.timezone ?? 'UTC' });
  await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, sessionLengths: [30, 60], hourlyRateCents: 6000 }).where(eq(mentorProfiles.userId, mentor.id));
  const windows = overrides.windows ?? [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));
  await t.database.db.insert(availabilityWindows).values(windows.map((w) => ({ ...w, mentorId: mentor.id })));
  return mentor;
}

describe('booking and test payment', () => {
  it('holds the slot, takes the test payment through the real path, and tells the mentor', async () => {
    const mentor = await openMentor();
    const mentee = await t.loginAs('mentee');
    const start = bookableSlot(48);
    const profile = await mentee.get(`/mentors/${mentor.id}`);
    expect(profile.body).toContain(`value="${start.toISOString()}"`);

    const res = await bookSlot(mentee, mentor.id, start);
    expect(res.statusCode).toBe(303);
    const [held] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id));
    expect(held).toMatchObject({ status: 'awaiting_payment', priceCents: 6000, durationMinutes: 60, mentorId: mentor.id });
    expect(res.headers.location).toBe(`/checkout/test/${held!.id}`);
    // The slot is no longer offered to others.
    expect((await t.agent().get(`/mentors/${mentor.id}`)).body).not.toContain(`value="${start.toISOString()}"`);

    const checkout = await mentee.get(`/checkout/test/${held!.id}`);
    expect(checkout.body).toContain('Test mode — no real charge');
    expect(checkout.body).toContain('<input type="hidden" name="amount_cents" value="6000"/>');
    expect(checkout.body).toContain('<input type="hidden" name="currency" value="usd"/>');
    const paid = await mentee.submit(`/checkout/test/${held!.id}/pay`, PAY_6000, `/checkout/test/${held!.id}`);
    expect(paid.headers.location).toBe('/dashboard');
    const [after] = await t.database.db.select().from(sessions).where(eq(sessions.id, held!.id));
    expect(after!.status).toBe('pending');
    const dash = await mentee.get('/dashboard');
    expect(dash.body).toContain('Waiting for the mentor to confirm.');
    const mail = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${held!.id}`));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.toAddress).toBe(mentor.email);
    // Paying twice changes nothing and sends nothing more.
    await mentee.submit(`/checkout/test/${held!.id}/pay`, PAY_6000, '/dashboard');
    expect(await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${held!.id}`))).toHaveLength(1);
  });

  it('refuses bad input with a clear message and stores nothing', async () => {
    const mentor = await openMentor({ windows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 9 * 60, endMinute: 17 * 60 })) });
    const mentee = await t.loginAs('mentee');
    const cases: [Record<string, string>, number, string][] = [
      [{ startsAt: new Date(Date.now() - 3_600_000).toISOString(), durationMinutes: '60' }, 400, 'already passed'],
      [{ startsAt: bookableSlot(48).toISOString(), durationMinutes: '45' }, 400, 'offered session lengths: 30, 60'],
      [{ startsAt: 'tomorrow', durationMinutes: '60' }, 400, 'Pick a time from the list'],
      [{ startsAt: bookableSlot(24 * 60).toISOString(), durationMinutes: '60' }, 400, 'up to 28 days ahead'],
    ];
    // Outside availability: a Sunday 03:00 UTC.
    const sunday = new Date(); sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7 || 7)); sunday.setUTCHours(3, 0, 0, 0);
    cases.push([{ startsAt: sunday.toISOString(), durationMinutes: '60' }, 400, 'outside the mentor']);
    for (const [form, status, message] of cases) {
      const res = await mentee.submit(`/mentors/${mentor.id}/book`, form, `/mentors/${mentor.id}`);
      expect(res.statusCode, JSON.stringify(form)).toBe(status);
      expect(res.body).toContain(message);
    }
    const unknown = await mentee.submit('/mentors/00000000-0000-4000-8000-000000000000/book', { startsAt: bookableSlot(48).toISOString(), durationMinutes: '60' }, '/mentors');
    expect(unknown.statusCode).toBe(404);
    const huge = await mentee.post(`/mentors/${mentor.id}/book`, { _csrf: await mentee.csrfToken(`/mentors/${mentor.id}`), startsAt: 'x'.repeat(100_000) });
    expect(huge.statusCode).toBe(413);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id))).toHaveLength(0);
    // Price, status and people come from the server, whatever the form says.
    const offered = /name="startsAt" value="([^"]+)"/.exec((await mentee.get(`/mentors/${mentor.id}?length=30`)).body)![1]!;
    await mentee.submit(`/mentors/${mentor.id}/book`, { startsAt: offered, durationMinutes: '30', priceCents: '1', status: 'confirmed', menteeId: mentor.id }, `/mentors/${mentor.id}`);
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, mentee.user.id));
    expect(row).toMatchObject({ priceCents: 3000, status: 'awaiting_payment', menteeId: mentee.user.id });
  });

  it('lets only mentees book; guests are sent to log in', async () => {
    const mentor = await openMentor();
    const start = bookableSlot(30);
    const other = await t.loginAs('mentor');
    const res = await bookSlot(other, mentor.id, start);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Only mentee accounts can book');
    // A guest's post (a page loaded before their log-in ended) books nothing and keeps the choice for after log-in.
    const guest = t.agent();
    const g = await guest.submit(`/mentors/${mentor.id}/book`, { startsAt: start.toISOString(), durationMinutes: '60' }, '/login');
    expect(g.statusCode).toBe(303);
    expect(g.headers.location).toBe(`/login?next=${encodeURIComponent(`/mentors/${mentor.id}?length=60&startsAt=${encodeURIComponent(start.toISOString())}#book`)}`);
  });

  it('expires unpaid holds and frees the slot; a payment that arrives after someone else took it is refunded once', async () => {
    const mentor = await openMentor();
    const start = bookableSlot(72);
    const late = await t.loginAs('mentee');
    await bookSlot(late, mentor.id, start);
    const [hold] = await t.database.db.select().from(sessions).where(eq(sessions.menteeId, late.user.id));
    t.clock.advance(36 * 60_000);
    expect(await expireLapsedHolds({ db: t.database.db, now: t.clock.now() })).toBeGreaterThanOrEqual(1);
    const other = await t.loginAs('mentee');
    expect((await bookSlot(other, mentor.id, start)).statusCode).toBe(303);

    // On the 12-hour clock, as the late payer chose: the refund email says the session's time on it.
    await t.database.db.update(users).set({ clock: '12h' }).where(eq(users.id, late.user.id));
    const pay = await late.submit(`/checkout/test/${hold!.id}/pay`, PAY_6000, '/dashboard');
    expect(pay.statusCode).toBe(303);
    await late.submit(`/checkout/test/${hold!.id}/pay`, PAY_6000, '/dashboard');
    const owed = await t.database.db.select().from(refunds).where(eq(refunds.sessionId, hold!.id));
    expect(owed).toHaveLength(1);
    expect(owed[0]).toMatchObject({ status: 'requested', amountCents: 6000 });
    const told = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.template, 'payment-refunded'), eq(emailOutbox.toAddress, late.user.email)));
    expect(told).toHaveLength(1);
    const refundedText = renderEmail('payment-refunded', told[0]!.payload, { appUrl: t.config.appUrl, recipient: { name: '', address: late.user.email }, from: { name: '', address: 'x@example.com' } }).text;
    expect(refundedText).toContain(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric', minute: '2-digit', hourCycle: 'h12' }).format(start));
    const [still] = await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id));
    expect(still!.status).toBe('expired');
    t.clock.advance(-36 * 60_000);
  });
});
