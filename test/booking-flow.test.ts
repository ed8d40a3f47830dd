import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireLapsedHolds } from '../src/booking/holds';
import { auditLog, emailOutbox, sessions, users } from '../src/db/schema';
import { renderEmail } from '../src/mail/templates';
import { buildTestApp, TEST_PASSWORD, type Agent, type TestApp } from './helpers/app';
import { createOpenMentor } from './helpers/mentors';
import { bookableSlot, bookSlot } from './helpers/scenario';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

const PAY_6000 = { amount_cents: '6000', currency: 'usd' };
const stepOf = (mentorId: string, start: Date, length = 60) => `/mentors/${mentorId}?length=${length}&startsAt=${encodeURIComponent(start.toISOString())}#book`;
/** The radio of this slot, checked: the booking step shows the choice made before. */
const checkedSlot = (start: Date) => new RegExp(`value="${start.toISOString()}" checked`);
const hiddenNext = (body: string) => /name="next" value="([^"]*)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
const hrefOf = (body: string, text: string) => new RegExp(`<a href="([^"]*)">${text}</a>`).exec(body)?.[1]?.replaceAll('&amp;', '&');

/** The verification link of the welcome email queued for this address (read off the outbox, rendered as sent). */
async function welcomeLink(email: string): Promise<string> {
  const [row] = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, email), eq(emailOutbox.template, 'welcome')));
  const mail = renderEmail('welcome', row!.payload, { appUrl: t.config.appUrl, recipient: { name: '', address: email }, from: { name: '', address: 'x@example.com' } });
  const m = /Confirm your email: (\S+)/.exec(mail.text);
  return m![1]!.slice(t.config.appUrl.length);
}

describe('the chosen slot survives log-in, sign-up and email verification', () => {
  it('carries mentor, length and slot from "Log in to book" through "Create an account" and verification back to the booking step', async () => {
    const mentor = await createOpenMentor(t);
    const start = bookableSlot(30);
    const guest = t.agent();
    const profile = await guest.get(`/mentors/${mentor.id}?length=60`);
    // A visitor's booking form is a GET to the booking step: nothing to post, nothing booked.
    expect(profile.body).toContain(`<form method="get" action="/mentors/${mentor.id}/book">`);
    expect(profile.body).toContain('Log in to book');

    const toLogin = await guest.get(`/mentors/${mentor.id}/book?durationMinutes=60&startsAt=${encodeURIComponent(start.toISOString())}`);
    expect(toLogin.statusCode).toBe(303);
    expect(toLogin.headers.location).toBe(`/login?next=${encodeURIComponent(stepOf(mentor.id, start))}`);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id))).toHaveLength(0);

    const login = await guest.get(String(toLogin.headers.location));
    expect(login.body).toContain('Your chosen time is kept');
    const signupHref = hrefOf(login.body, 'Create an account')!;
    expect(signupHref).toBe(`/signup?next=${encodeURIComponent(stepOf(mentor.id, start))}`);

    const signup = await guest.get(signupHref);
    expect(hiddenNext(signup.body)).toBe(stepOf(mentor.id, start));
    expect(hrefOf(signup.body, 'Log in')).toBe(`/login?next=${encodeURIComponent(stepOf(mentor.id, start))}`);
    const email = `flow-${Date.now()}@example.com`;
    const made = await guest.submit('/signup', { name: 'Flo Flow', email, password: TEST_PASSWORD, next: stepOf(mentor.id, start) }, signupHref);
    expect(made.statusCode).toBe(303);
    expect(made.headers.location).toBe(stepOf(mentor.id, start));

    const step = await guest.get(stepOf(mentor.id, start));
    expect(step.body).toMatch(checkedSlot(start));
    expect(step.body).toContain('Nothing is booked until you press “Book and pay”');
    expect(step.body).toContain('To book, first confirm your email address');

    // The welcome email's link comes back to the booking step too.
    const link = await welcomeLink(email);
    expect(new URL(link, 'http://x').searchParams.get('next')).toBe(stepOf(mentor.id, start));
    const verifyPage = await guest.get(link);
    expect(hiddenNext(verifyPage.body)).toBe(stepOf(mentor.id, start));
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    const verified = await guest.submit('/verify-email', { token, next: stepOf(mentor.id, start) }, link);
    expect(verified.headers.location).toBe(stepOf(mentor.id, start));
    const again = await guest.get(stepOf(mentor.id, start));
    expect(again.body).toMatch(checkedSlot(start));
    expect(again.body).not.toContain('To book, first confirm your email address');
    // Showing the step booked nothing.
    expect(await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id))).toHaveLength(0);

    const booked = await guest.submit(`/mentors/${mentor.id}/book`, { startsAt: start.toISOString(), durationMinutes: '60', note: 'My recursion' }, stepOf(mentor.id, start));
    expect(booked.statusCode).toBe(303);
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    expect(row).toMatchObject({ status: 'awaiting_payment', startsAt: start, durationMinutes: 60, bookingNote: 'My recursion' });
  });

  it('an unverified mentee who presses Book gets a new confirmation link that comes back to the same choice', async () => {
    const mentor = await createOpenMentor(t);
    const start = bookableSlot(31);
    const agent = t.agent();
    const email = `unverified-${Date.now()}@example.com`;
    await agent.submit('/signup', { name: 'Una Verified', email, password: TEST_PASSWORD }, '/signup');
    const refused = await agent.submit(`/mentors/${mentor.id}/book`, { startsAt: start.toISOString(), durationMinutes: '60' }, stepOf(mentor.id, start));
    expect(refused.statusCode).toBe(403);
    expect(hiddenNext(refused.body)).toBe(stepOf(mentor.id, start));
    expect(hrefOf(refused.body, 'Back to your booking')).toBe(stepOf(mentor.id, start));
    const resent = await agent.submit('/account/verify-email', { next: stepOf(mentor.id, start) }, stepOf(mentor.id, start));
    expect(resent.headers.location).toBe(stepOf(mentor.id, start));
    const [row] = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, email), eq(emailOutbox.template, 'email-verification')));
    const mail = renderEmail('email-verification', row!.payload, { appUrl: t.config.appUrl, recipient: { name: '', address: email }, from: { name: '', address: 'x@example.com' } });
    expect(mail.text).toContain(`&next=${encodeURIComponent(stepOf(mentor.id, start))}`);
    // An outside address is never carried into the email.
    await agent.submit('/account/verify-email', { next: '//evil.example' }, '/account');
    const rows = await t.database.db.select().from(emailOutbox).where(and(eq(emailOutbox.toAddress, email), eq(emailOutbox.template, 'email-verification')));
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => !(r.payload as { next?: string }).next)).toHaveLength(1);
  });

  it('logs in with the chosen slot and comes back to it; a verification link without a sign-up goes to the account page', async () => {
    const mentor = await createOpenMentor(t);
    const start = bookableSlot(33);
    const mentee = await t.createUser('mentee');
    const agent = t.agent();
    const res = await agent.submit('/login', { email: mentee.email, password: TEST_PASSWORD, next: stepOf(mentor.id, start) });
    expect(res.headers.location).toBe(stepOf(mentor.id, start));
    expect((await agent.get(stepOf(mentor.id, start))).body).toMatch(checkedSlot(start));
  });

  it('never sends anyone off the site: //host, absolute URLs and backslashes are dropped at sign-up and verification', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)']) {
      const agent = t.agent();
      const page = await agent.get(`/signup?next=${encodeURIComponent(next)}`);
      expect(page.statusCode).toBe(200);
      expect(hiddenNext(page.body)).toBeUndefined();
      const email = `evil-${Math.random().toString(36).slice(2)}@example.com`;
      const made = await agent.submit('/signup', { name: 'Eve', email, password: TEST_PASSWORD, next }, '/signup');
      expect(made.headers.location).toBe('/dashboard');
      const link = await welcomeLink(email);
      expect(link).not.toContain('next=');
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      const verified = await agent.submit('/verify-email', { token, next }, link);
      expect(verified.headers.location).toBe('/account');
    }
  });

  it('says when the chosen slot was taken meanwhile, and shows the other times', async () => {
    const mentor = await createOpenMentor(t);
    const start = bookableSlot(36);
    const other = await t.loginAs('mentee');
    expect((await bookSlot(other, mentor.id, start)).statusCode).toBe(303);
    const mentee = await t.loginAs('mentee');
    const step = await mentee.get(stepOf(mentor.id, start));
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('is no longer free. Pick another time below.');
    expect(step.body).not.toMatch(/ checked/);
    expect(step.body).toContain(`value="${bookableSlot(39).toISOString()}"`);
  });
});

describe('the booking note', () => {
  async function bookAndPay(mentee: Agent, mentorId: string, start: Date, note: string) {
    const res = await mentee.submit(`/mentors/${mentorId}/book`, { startsAt: start.toISOString(), durationMinutes: '60', note }, `/mentors/${mentorId}`);
    expect(res.statusCode).toBe(303);
    const [row] = await t.database.db.select().from(sessions).where(and(eq(sessions.mentorId, mentorId), eq(sessions.startsAt, start)));
    await mentee.submit(`/checkout/test/${row!.id}/pay`, PAY_6000, `/checkout/test/${row!.id}`);
    return row!.id;
  }

  it('keeps the note as plain text and shows it to the mentor on the request, in the email and on the session page', async () => {
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee', { name: 'Nora Note' });
    const note = `I am stuck on <script>alert("x")</script> & closures.\nSecond line. ${'long '.repeat(40)}end`;
    const id = await bookAndPay(mentee, mentor.id, bookableSlot(40), note);
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row).toMatchObject({ status: 'pending', bookingNote: note });

    const mentorAgent = t.agent();
    await mentorAgent.submit('/login', { email: mentor.email, password: TEST_PASSWORD });
    const dash = await mentorAgent.get('/mentor/dashboard');
    expect(dash.body).toContain('Help with:');
    expect(dash.body).toContain('I am stuck on &lt;script>alert(&quot;x&quot;)&lt;/script> &amp; closures. Second line.');
    expect(dash.body).not.toContain('<script>alert');
    expect(dash.body).not.toContain('end</');
    expect(dash.body).toContain(`href="/sessions/${id}" aria-label="Read all of Nora Note's note">Read all</a>`);

    for (const viewer of [mentorAgent, mentee, await t.loginAs('admin')]) {
      const page = await viewer.get(`/sessions/${id}`);
      expect(page.body).toContain('would like help with</h2>');
      expect(page.body).toContain('Second line.');
      expect(page.body).toMatch(/long end<\/p>/);
      expect(page.body).not.toContain('<script>alert');
    }
    expect((await (await t.loginAs('mentee')).get(`/sessions/${id}`)).statusCode).toBe(404);

    const [mail] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${id}`));
    const rendered = renderEmail('session-request', mail!.payload, { appUrl: t.config.appUrl, recipient: { name: '', address: mentor.email }, from: { name: '', address: 'x@example.com' } });
    expect(rendered.text).toContain('What they would like help with:\n> I am stuck on <script>alert("x")</script> & closures.\n> Second line.');
    expect(rendered.html).toContain('I am stuck on &lt;script>');
    expect(rendered.html).not.toContain('<script>');
  });

  it('is optional, and a too-long one is refused next to the field with the slot still chosen and nothing held', async () => {
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee');
    const start = bookableSlot(44);
    const refused = await mentee.submit(`/mentors/${mentor.id}/book`, { startsAt: start.toISOString(), durationMinutes: '60', note: 'x'.repeat(1001) }, `/mentors/${mentor.id}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('What would you like help with? Use at most 1000 characters.');
    expect(refused.body).toContain('aria-invalid="true"');
    expect(refused.body).toMatch(checkedSlot(start));
    expect(refused.body).toContain('x'.repeat(1001));
    expect(await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id))).toHaveLength(0);

    const id = await bookAndPay(mentee, mentor.id, start, '  ');
    const [row] = await t.database.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row!.bookingNote).toBeNull();
    const [mail] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.dedupeKey, `session-request:${id}`));
    expect(mail!.payload).not.toHaveProperty('note');
  });
});

describe('"Cancel and go back" at checkout', () => {
  it('releases the hold at once through the state machine, for its own mentee only', async () => {
    const mentor = await createOpenMentor(t);
    const start = bookableSlot(50);
    const mentee = await t.loginAs('mentee');
    await bookSlot(mentee, mentor.id, start);
    const [hold] = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    const checkout = await mentee.get(`/checkout/test/${hold!.id}`);
    expect(checkout.body).toContain(`<form method="post" action="/checkout/${hold!.id}/cancel"`);

    // Nobody else can: another mentee is told it does not exist, a mentor is not a mentee, a post without CSRF is refused.
    expect((await (await t.loginAs('mentee')).submit(`/checkout/${hold!.id}/cancel`, {})).statusCode).toBe(404);
    expect((await (await t.loginAs('mentor')).submit(`/checkout/${hold!.id}/cancel`, {})).statusCode).toBe(403);
    expect((await mentee.post(`/checkout/${hold!.id}/cancel`, {})).statusCode).toBe(403);
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id)))[0]!.status).toBe('awaiting_payment');

    const res = await mentee.submit(`/checkout/${hold!.id}/cancel`, {}, `/checkout/test/${hold!.id}`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/mentors/${mentor.id}?length=60#book`);
    const [after] = await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id));
    expect(after!.status).toBe('expired');
    expect(after!.holdReleasedAt).not.toBeNull();
    const [audit] = await t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, hold!.id), eq(auditLog.action, 'session.hold_released')));
    expect(audit).toMatchObject({ actorId: mentee.user.id, data: { from: 'awaiting_payment', to: 'expired', reason: 'the mentee left the checkout' } });
    const back = await mentee.get(String(res.headers.location));
    expect(back.body).toContain('Booking cancelled: the time with');
    // The slot is free for others at once, not when the hold would have lapsed.
    expect(back.body).toContain(`value="${start.toISOString()}"`);
    expect((await bookSlot(await t.loginAs('mentee'), mentor.id, start)).statusCode).toBe(303);

    // A second press changes nothing and says so; the old Pay no longer pays.
    const twice = await mentee.submit(`/checkout/${hold!.id}/cancel`, {}, '/dashboard');
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('already ended and its time was released');
    const pay = await mentee.submit(`/checkout/test/${hold!.id}/pay`, PAY_6000, '/dashboard');
    expect(pay.statusCode).toBe(303);
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id)))[0]!.status).toBe('expired');
  });

  it('is offered on the unpaid booking’s own page too (where a provider’s checkout sends its Back)', async () => {
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee');
    await bookSlot(mentee, mentor.id, bookableSlot(58));
    const [hold] = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    const page = await mentee.get(`/sessions/${hold!.id}`);
    expect(page.body).toContain(`<form method="post" action="/checkout/${hold!.id}/cancel"`);
    expect(page.body).toContain('Cancel this booking');
    expect((await mentee.submit(`/checkout/${hold!.id}/cancel`, {}, `/sessions/${hold!.id}`)).statusCode).toBe(303);
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id)))[0]!.status).toBe('expired');
    expect((await mentee.get(`/sessions/${hold!.id}`)).body).not.toContain('Cancel this booking');
  });

  it('cannot release a paid booking', async () => {
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee');
    await bookSlot(mentee, mentor.id, bookableSlot(53));
    const [hold] = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    await mentee.submit(`/checkout/test/${hold!.id}/pay`, PAY_6000, `/checkout/test/${hold!.id}`);
    const res = await mentee.submit(`/checkout/${hold!.id}/cancel`, {}, '/dashboard');
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('not an unpaid hold');
    expect((await t.database.db.select().from(sessions).where(eq(sessions.id, hold!.id)))[0]!.status).toBe('pending');
  });
});

describe('an expired hold’s old checkout link', () => {
  it('says the hold lapsed and the time was released, and offers the way back to the mentor', async () => {
    const mentor = await createOpenMentor(t);
    const mentee = await t.loginAs('mentee');
    const start = bookableSlot(56);
    await bookSlot(mentee, mentor.id, start, 30);
    const [hold] = await t.database.db.select().from(sessions).where(eq(sessions.mentorId, mentor.id));
    t.clock.advance(36 * 60_000);
    await expireLapsedHolds({ db: t.database.db, now: t.clock.now() });
    const page = await mentee.get(`/checkout/test/${hold!.id}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).not.toContain('does not need paying');
    expect(page.body).toContain('lapsed before payment, so the time was released for others to book.');
    expect(page.body).toContain('Nothing was charged.');
    const [name] = await t.database.db.select({ name: users.name }).from(users).where(eq(users.id, mentor.id));
    const again = `/mentors/${mentor.id}?length=30&startsAt=${encodeURIComponent(start.toISOString())}#book`;
    expect(page.body).toContain(`<a class="btn" href="${again.replaceAll('&', '&amp;')}">Pick a time with ${name!.name}</a>`);
    // The time is still free: it comes preselected.
    expect((await mentee.get(again)).body).toMatch(checkedSlot(start));
  });
});
