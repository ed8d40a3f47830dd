import { and, eq, like } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, emailOutbox, mailboxMessages, mentorNotes, reviews, sessions } from '../src/db/schema';
import { summarizeRatings } from '../src/feedback/reviews';
import { listMentors } from '../src/mentors/directory';
import type { Worker } from '../src/jobs/worker';
import { buildTestApp, type Agent, type TestApp } from './helpers/app';
import { eventually } from './helpers/worker';
import { completeAsAdmin, pendingSession, runWorker, setStatusAsAdmin } from './helpers/scenario';

/**
 * Feedback on completed sessions: the "Thanks for your session" emails, the mentee's rating (once,
 * editable for 7 days), the mentor's private notes, the ratings on cards and profiles, and the
 * admin's Hide / Unhide. Built without SMTP_URL, so the worker delivers into the built-in mailbox.
 */
let t: TestApp;
let admin: Agent;
let worker: Worker | undefined;
beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.loginAs('admin');
});
afterEach(async () => { await worker?.stop(); worker = undefined; });
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const SUBJECT = 'Thanks for your session - CodeMentorHub';
let slot = 0;

type Person = Agent & { user: { id: string; email: string } };

/** A confirmed session (operator path, then admin "Confirm"), at a time no other test uses. */
async function confirmedSession(options: { mentor?: Person; mentee?: Person } = {}) {
  const mentor = options.mentor ?? await t.loginAs('mentor', { name: `Grace Mentor${++slot}`, timezone: 'Europe/London' });
  const mentee = options.mentee ?? await t.loginAs('mentee', { name: `Ada Lovelace${++slot}`, timezone: 'Asia/Kathmandu' });
  const start = new Date(Date.now() + (48 + ++slot * 2) * 3_600_000);
  start.setUTCMinutes(0, 0, 0);
  const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start });
  await setStatusAsAdmin(admin, sessionId, 'confirmed');
  return { mentor, mentee, sessionId };
}

/** A session the admin has marked completed (the "Mark completed" form). */
async function completedSession(options: { mentor?: Person; mentee?: Person } = {}) {
  const s = await confirmedSession(options);
  await completeAsAdmin(t, admin, s.sessionId);
  return s;
}

const feedbackPath = (id: string) => `/sessions/${id}/feedback`;
const notesPath = (id: string) => `/sessions/${id}/notes`;
const rate = (agent: Agent, id: string, form: Record<string, string>) => agent.submit(feedbackPath(id), form, feedbackPath(id));
const reviewsOf = (sessionId: string) => t.database.db.select().from(reviews).where(eq(reviews.sessionId, sessionId));
const auditsOf = (subjectId: string) => t.database.db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId)).orderBy(auditLog.id);

describe('completing a session', () => {
  it('queues exactly one "Thanks for your session" email per participant in the completion; the mentee\'s links to the feedback page', async () => {
    const { mentor, mentee, sessionId } = await completedSession();
    const queued = await t.database.db.select().from(emailOutbox).where(like(emailOutbox.dedupeKey, `session-completed:${sessionId}:%`));
    expect(queued.map((q) => [q.dedupeKey, q.toAddress]).sort()).toEqual([
      [`session-completed:${sessionId}:mentee`, mentee.user.email],
      [`session-completed:${sessionId}:mentor`, mentor.user.email],
    ]);
    // Completing again is refused, and queues nothing more.
    const again = await admin.submit(`/admin/sessions/${sessionId}/set-status/`, { status: 'completed' }, '/admin/sessions');
    expect(again.statusCode).toBe(409);
    expect(await t.database.db.select().from(emailOutbox).where(like(emailOutbox.dedupeKey, `session-completed:${sessionId}:%`))).toHaveLength(2);

    worker = await runWorker(t);
    const delivered = async (address: string) => t.database.db.select().from(mailboxMessages).where(and(eq(mailboxMessages.toAddress, address), eq(mailboxMessages.subject, SUBJECT)));
    await eventually(async () => (await delivered(mentee.user.email)).length > 0 && (await delivered(mentor.user.email)).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    const [toMentee, ...moreMentee] = await delivered(mentee.user.email);
    const [toMentor, ...moreMentor] = await delivered(mentor.user.email);
    expect(moreMentee).toEqual([]);
    expect(moreMentor).toEqual([]);

    const link = `${t.config.appUrl}/sessions/${sessionId}/feedback`;
    expect(link).toMatch(/^https?:\/\//);
    expect(toMentee!.text).toContain(link);
    expect(toMentee!.html).toContain(`href="${link}"`);
    expect(toMentee!.text).toMatch(/^Time: \d{2}:\d{2} \(Asia\/Kathmandu/m);
    expect(toMentee!.text).toMatch(/^Date: \w{3} \d{1,2}, \d{4}$/m);
    expect(toMentee!.text).toContain('You received this email because');
    expect(toMentee!.html).toContain('You received this email because');

    expect(toMentor!.text).not.toContain('/feedback');
    expect(toMentor!.text).toContain(`${t.config.appUrl}/sessions/${sessionId}/notes`);
    expect(toMentor!.text).toMatch(/^Time: \d{2}:\d{2} \(Europe\/London/m);
    expect(toMentor!.text).toContain('You received this email because');
  });
});

describe('rating a completed session', () => {
  it('shows an accessible star form, stores the rating with an audit row, and shows it on cards and the profile', async () => {
    const { mentor, mentee, sessionId } = await completedSession();
    const dash = (await mentee.get('/dashboard')).body;
    expect(dash).toContain(`href="${feedbackPath(sessionId)}">Rate this session</a>`);

    const page = await mentee.get(feedbackPath(sessionId));
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<fieldset[^>]*><legend>Rating<\/legend>/);
    for (const n of [1, 2, 3, 4, 5]) {
      expect(page.body).toContain(`<input type="radio" id="rating-${n}" name="rating" value="${n}" required`);
      expect(page.body).toContain(`</span> ${n === 1 ? '1 star' : `${n} stars`}</span></label>`);
    }
    expect(page.body).toContain('<label for="f-comment">Comment (optional)</label>');

    const res = await rate(mentee, sessionId, { rating: '4', comment: '  Clear explanations of closures.\r\nWould book again.  ' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const [stored] = await reviewsOf(sessionId);
    expect(stored).toMatchObject({ rating: 4, comment: 'Clear explanations of closures.\nWould book again.', mentorId: mentor.user.id, menteeId: mentee.user.id, hiddenAt: null });
    expect((await auditsOf(stored!.id)).map((a) => a.action)).toEqual(['review.created']);

    const profile = (await t.agent().get(`/mentors/${mentor.user.id}`)).body;
    expect(profile).toContain('★ 4.0 (1 review)');
    expect(profile).toContain('Clear explanations of closures.');
    // First name only.
    const menteeName = `Ada Lovelace${slot}`;
    expect(profile).not.toContain(menteeName);
    expect(profile).toContain('<span class="review-by">Ada</span>');
    expect((await t.agent().get('/mentors')).body).toContain('★ 4.0 (1 review)');
    expect((await t.agent().get('/')).body).toContain('★ 4.0 (1 review)');
    expect((await mentee.get('/dashboard')).body).toContain('>Edit your rating</a>');
  });

  it('refuses a second new rating; allows edits for 7 days after the first submission and refuses them after', async () => {
    const { mentor, mentee, sessionId } = await completedSession();
    expect((await rate(mentee, sessionId, { rating: '2', comment: 'First' })).statusCode).toBe(303);
    const [first] = await reviewsOf(sessionId);

    // A second new rating (a form loaded before the first was sent): refused, nothing changed.
    const second = await mentee.post(feedbackPath(sessionId), { _csrf: await mentee.csrfToken(feedbackPath(sessionId)), rating: '5', comment: 'Second' });
    expect(second.statusCode).toBe(409);
    expect(second.body).toContain('You have already rated this session');
    expect(await reviewsOf(sessionId)).toEqual([first]);

    // The page now edits the rating: it carries the review's id.
    const edit = await mentee.get(feedbackPath(sessionId));
    expect(edit.body).toContain('<h1>Edit your rating</h1>');
    expect(edit.body).toContain(`name="reviewId" value="${first!.id}"`);
    let advanced = 0;
    try {
      t.clock.advance(7 * DAY - 3_600_000);
      advanced += 7 * DAY - 3_600_000;
      const ok = await rate(mentee, sessionId, { reviewId: first!.id, rating: '3', comment: 'Edited' });
      expect(ok.statusCode).toBe(303);
      const [edited] = await reviewsOf(sessionId);
      expect(edited).toMatchObject({ id: first!.id, rating: 3, comment: 'Edited', createdAt: first!.createdAt });
      expect((await auditsOf(first!.id)).map((a) => a.action)).toEqual(['review.created', 'review.updated']);
      expect((await t.agent().get(`/mentors/${mentor.user.id}`)).body).toContain('★ 3.0 (1 review)');

      // Past 7 days from the first submission: refused with a reason, nothing changed.
      t.clock.advance(3_600_000 + 60_000);
      advanced += 3_600_000 + 60_000;
      const late = await rate(mentee, sessionId, { reviewId: first!.id, rating: '1', comment: 'Too late' });
      expect(late.statusCode).toBe(409);
      expect(late.body).toContain('can no longer be changed');
      expect(await reviewsOf(sessionId)).toEqual([edited]);
      const locked = (await mentee.get(feedbackPath(sessionId))).body;
      expect(locked).toContain('<h1>Your rating</h1>');
      expect(locked).not.toContain('name="rating"');
      const dash = (await mentee.get('/dashboard')).body;
      expect(dash).not.toContain('Edit your rating');
      expect(dash).toContain('aria-label="3 out of 5 stars"');
    } finally {
      t.clock.advance(-advanced);
    }
  });

  it('is the session\'s mentee\'s only: another mentee, the mentor and an admin get 404, and a session not completed has no feedback page', async () => {
    const { mentor, mentee, sessionId } = await completedSession();
    const otherMentee = await t.loginAs('mentee');
    for (const agent of [otherMentee, mentor, admin]) {
      expect((await agent.get(feedbackPath(sessionId))).statusCode).toBe(404);
      expect((await agent.post(feedbackPath(sessionId), { _csrf: await agent.csrfToken(), rating: '5', comment: 'Not mine' })).statusCode).toBe(404);
    }
    expect(await reviewsOf(sessionId)).toEqual([]);
    // A guest is asked to log in first, and comes back here.
    const guest = await t.agent().get(feedbackPath(sessionId));
    expect(guest.statusCode).toBe(302);
    expect(guest.headers.location).toBe(`/login?next=${encodeURIComponent(feedbackPath(sessionId))}`);

    const confirmed = await confirmedSession({ mentee });
    expect((await mentee.get(feedbackPath(confirmed.sessionId))).statusCode).toBe(404);
    expect((await mentee.post(feedbackPath(confirmed.sessionId), { _csrf: await mentee.csrfToken(), rating: '5' })).statusCode).toBe(404);
    expect(await reviewsOf(confirmed.sessionId)).toEqual([]);
    expect((await mentee.get('/sessions/not-a-uuid/feedback')).statusCode).toBe(404);
  });

  it('answers bad input with 400 and its messages, keeps what was typed, and stores nothing', async () => {
    const { mentee, sessionId } = await completedSession();
    const cases: [Record<string, string>, string][] = [
      [{ comment: 'No stars picked' }, 'Choose a rating from 1 to 5 stars.'],
      [{ rating: '6', comment: 'Six' }, 'Choose a rating from 1 to 5 stars.'],
      [{ rating: '0' }, 'Choose a rating from 1 to 5 stars.'],
      [{ rating: 'five' }, 'Choose a rating from 1 to 5 stars.'],
      [{ rating: '5', comment: 'x'.repeat(2001) }, 'Keep the comment to 2000 characters or fewer.'],
    ];
    for (const [form, message] of cases) {
      const res = await rate(mentee, sessionId, form);
      expect(res.statusCode, JSON.stringify(form).slice(0, 60)).toBe(400);
      expect(res.body).toContain(message);
      expect(res.body).toContain('role="alert"');
      if (form.comment) expect(res.body).toContain(`>${form.comment}</textarea>`);
    }
    expect(await reviewsOf(sessionId)).toEqual([]);
    expect((await auditsOf(sessionId)).filter((a) => a.action.startsWith('review.'))).toEqual([]);
    // Exactly 2000 characters is fine.
    expect((await rate(mentee, sessionId, { rating: '5', comment: 'y'.repeat(2000) })).statusCode).toBe(303);
    expect((await reviewsOf(sessionId))[0]!.comment).toHaveLength(2000);
  });
});

describe('mentor private notes', () => {
  it('are the session\'s mentor\'s only, on any paid session, and never reach the mentee', async () => {
    const { mentor, mentee, sessionId } = await completedSession();
    const secret = 'Needs practice with closures; suggest the event loop talk';
    expect((await mentor.get('/mentor/dashboard')).body).toContain(`href="${notesPath(sessionId)}">Private notes</a>`);
    const page = await mentor.get(notesPath(sessionId));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label for="f-note">Notes</label>');
    const saved = await mentor.submit(notesPath(sessionId), { note: secret }, notesPath(sessionId));
    expect(saved.statusCode).toBe(303);
    expect((await mentor.get(notesPath(sessionId))).body).toContain(secret);
    const [row] = await t.database.db.select().from(mentorNotes).where(eq(mentorNotes.sessionId, sessionId));
    expect(row).toMatchObject({ mentorId: mentor.user.id, note: secret });
    const audit = (await auditsOf(sessionId)).filter((a) => a.action === 'session.notes_saved');
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]!.data)).not.toContain('closures');

    const otherMentor = await t.loginAs('mentor');
    for (const agent of [mentee, otherMentor, admin]) {
      const got = await agent.get(notesPath(sessionId));
      expect(got.statusCode).toBe(404);
      expect(got.body).not.toContain(secret);
      expect((await agent.post(notesPath(sessionId), { _csrf: await agent.csrfToken(), note: 'overwritten' })).statusCode).toBe(404);
    }
    expect((await t.database.db.select().from(mentorNotes).where(eq(mentorNotes.sessionId, sessionId)))[0]!.note).toBe(secret);
    for (const path of ['/dashboard', feedbackPath(sessionId)]) expect((await mentee.get(path)).body).not.toContain(secret);

    // A confirmed session takes notes too; an unpaid one does not exist for them.
    const confirmed = await confirmedSession({ mentor });
    expect((await mentor.get(notesPath(confirmed.sessionId))).statusCode).toBe(200);
    const [unpaid] = await t.database.db.insert(sessions).values({
      mentorId: mentor.user.id, menteeId: mentee.user.id, startsAt: new Date(Date.now() + 400 * 3_600_000), endsAt: new Date(Date.now() + 401 * 3_600_000),
      durationMinutes: 60, priceCents: 6000, currency: 'USD', status: 'awaiting_payment', paymentProvider: 'test', holdExpiresAt: new Date(Date.now() + 600_000),
    }).returning({ id: sessions.id });
    expect((await mentor.get(notesPath(unpaid!.id))).statusCode).toBe(404);
    expect((await mentor.post(notesPath(unpaid!.id), { _csrf: await mentor.csrfToken(), note: 'x' })).statusCode).toBe(404);

    // Too long: 400 with the message, what was typed kept, nothing changed.
    const long = await mentor.submit(notesPath(sessionId), { note: 'z'.repeat(10_001) }, notesPath(sessionId));
    expect(long.statusCode).toBe(400);
    expect(long.body).toContain('Keep the notes to 10000 characters or fewer.');
    expect((await t.database.db.select().from(mentorNotes).where(eq(mentorNotes.sessionId, sessionId)))[0]!.note).toBe(secret);
  });
});

describe('admin moderation and the aggregates', () => {
  it('lists reviews newest first; Hide takes a review out of the average and off the profile; Unhide puts it back', async () => {
    const mentor = await t.loginAs('mentor', { name: 'Moderated Mentor' });
    const ratings: [number, string][] = [[5, 'Brilliant session'], [4, 'Very useful'], [2, 'Rude and late']];
    const ids: string[] = [];
    for (const [rating, comment] of ratings) {
      const { mentee, sessionId } = await completedSession({ mentor });
      expect((await rate(mentee, sessionId, { rating: String(rating), comment })).statusCode).toBe(303);
      ids.push((await reviewsOf(sessionId))[0]!.id);
      t.clock.advance(1000);
    }
    t.clock.advance(-3000);
    const profilePath = `/mentors/${mentor.user.id}`;
    expect((await t.agent().get(profilePath)).body).toContain('★ 3.7 (3 reviews)');

    expect((await admin.get('/')).body).toContain('<a href="/admin/reviews">Reviews</a>');
    const list = (await admin.get('/admin/reviews')).body;
    const positions = ratings.map(([, comment]) => list.indexOf(comment));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => b - a)).toEqual(positions);
    expect(list).toContain(`action="/admin/reviews/${ids[2]}/hide"`);

    // Only an admin, only with the form's CSRF token.
    const someone = await t.loginAs('mentee');
    expect((await someone.post(`/admin/reviews/${ids[2]}/hide`, { _csrf: await someone.csrfToken() })).statusCode).toBe(403);
    expect((await admin.post(`/admin/reviews/${ids[2]}/hide`, {})).statusCode).toBe(403);
    expect((await t.database.db.select().from(reviews).where(eq(reviews.id, ids[2]!)))[0]!.hiddenAt).toBeNull();

    const hidden = await admin.submit(`/admin/reviews/${ids[2]}/hide`, {}, '/admin/reviews');
    expect(hidden.statusCode).toBe(303);
    const [row] = await t.database.db.select().from(reviews).where(eq(reviews.id, ids[2]!));
    expect(row!.hiddenAt).not.toBeNull();
    expect((await auditsOf(ids[2]!)).map((a) => a.action)).toEqual(['review.created', 'review.hidden']);
    const profile = (await t.agent().get(profilePath)).body;
    expect(profile).toContain('★ 4.5 (2 reviews)');
    expect(profile).not.toContain('Rude and late');
    expect(profile).toContain('Brilliant session');
    expect((await t.agent().get('/mentors?q=Moderated')).body).toContain('★ 4.5 (2 reviews)');
    const summaries = await summarizeRatings({ db: t.database.db, mentorIds: [mentor.user.id] });
    expect(summaries.get(mentor.user.id)).toEqual({ average: 4.5, count: 2 });
    const adminList = (await admin.get('/admin/reviews')).body;
    expect(adminList).toContain('Rude and late');
    expect(adminList).toContain(`action="/admin/reviews/${ids[2]}/unhide"`);

    expect((await admin.submit(`/admin/reviews/${ids[2]}/unhide`, {}, '/admin/reviews')).statusCode).toBe(303);
    expect((await t.agent().get(profilePath)).body).toContain('★ 3.7 (3 reviews)');
    expect((await auditsOf(ids[2]!)).map((a) => a.action)).toEqual(['review.created', 'review.hidden', 'review.unhidden']);
    expect((await admin.submit('/admin/reviews/00000000-0000-4000-8000-000000000000/hide', {}, '/admin/reviews')).statusCode).toBe(404);
  });

  it('lists the latest 10 visible reviews on the profile, newest first', async () => {
    const mentor = await t.loginAs('mentor');
    const mentee = await t.loginAs('mentee', { name: 'Lin Many Reviews' });
    let advanced = 0;
    try {
      for (let i = 1; i <= 11; i++) {
        const { sessionId } = await completedSession({ mentor, mentee });
        expect((await rate(mentee, sessionId, { rating: '4', comment: `Comment-${String(i).padStart(2, '0')}` })).statusCode).toBe(303);
        t.clock.advance(1000);
        advanced += 1000;
      }
    } finally {
      t.clock.advance(-advanced);
    }
    const profile = (await t.agent().get(`/mentors/${mentor.user.id}`)).body;
    expect(profile).toContain('★ 4.0 (11 reviews)');
    expect(profile.match(/<li class="review">/g)).toHaveLength(10);
    expect(profile).not.toContain('Comment-01');
    const shown = [...profile.matchAll(/Comment-(\d\d)/g)].map((m) => m[1]);
    expect(shown).toEqual(['11', '10', '09', '08', '07', '06', '05', '04', '03', '02']);
    expect(profile).toContain('<span class="review-by">Lin</span>');
    expect(profile).not.toContain('Many Reviews');
  });

  it('computes every mentor\'s rating in one grouped query, to one decimal', async () => {
    const a = await t.loginAs('mentor');
    const b = await t.loginAs('mentor');
    const c = await t.loginAs('mentor');
    for (const [mentor, rating] of [[a, 5], [a, 4], [a, 4], [b, 1]] as const) {
      const { mentee, sessionId } = await completedSession({ mentor });
      expect((await rate(mentee, sessionId, { rating: String(rating) })).statusCode).toBe(303);
    }
    const map = await summarizeRatings({ db: t.database.db, mentorIds: [a.user.id, b.user.id, c.user.id] });
    expect(map.get(a.user.id)).toEqual({ average: 4.3, count: 3 });
    expect(map.get(b.user.id)).toEqual({ average: 1, count: 1 });
    expect(map.has(c.user.id)).toBe(false);
    // The cards: one query for the mentors and one grouped query for all their ratings, not one per mentor.
    const select = vi.spyOn(t.database.db, 'select');
    try {
      const cards = await listMentors({ db: t.database.db, limit: 500 });
      expect(cards.length).toBeGreaterThanOrEqual(3);
      expect(cards.find((m) => m.id === a.user.id)!.rating).toEqual({ average: 4.3, count: 3 });
      expect(cards.find((m) => m.id === c.user.id)!.rating).toEqual({ average: null, count: 0 });
      expect(select).toHaveBeenCalledTimes(2);
    } finally {
      select.mockRestore();
    }
    const directory = (await t.agent().get('/mentors')).body;
    expect(directory).toContain('★ 4.3 (3 reviews)');
    expect(directory).toContain('★ 1.0 (1 review)');
    expect((await t.agent().get(`/mentors/${c.user.id}`)).body).toContain('Rating: no reviews yet');
  });
});
