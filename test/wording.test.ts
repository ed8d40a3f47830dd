import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mentorProfiles, sessions } from '../src/db/schema';
import { submitReview } from '../src/feedback/reviews';
import { pluralize } from '../src/plural';
import { buildTestApp, type TestApp } from './helpers/app';
import { bookSlot, MINUTE, moveSession, onTheHour, pendingSession } from './helpers/scenario';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

describe('counts with their nouns', () => {
  it('pluralize: one, many, none, and an irregular plural', () => {
    expect(pluralize(1, 'session')).toBe('1 session');
    expect(pluralize(2, 'session')).toBe('2 sessions');
    expect(pluralize(0, 'review')).toBe('0 reviews');
    expect(pluralize(1, "hour's", "hours'")).toBe("1 hour's");
    expect(pluralize(12, "hour's", "hours'")).toBe("12 hours'");
  });

  it('the Mentor Dashboard says "All time (1 session)", not "1 sessions"', async () => {
    const mentor = await t.loginAs('mentor');
    const mentee = await t.createUser('mentee');
    const admin = await t.createUser('admin');
    const id = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(50) });
    await moveSession({ db: t.database.db, sessionId: id, to: 'confirmed', actor: { id: admin.id, role: 'admin' } });
    await moveSession({ db: t.database.db, sessionId: id, to: 'completed', actor: { id: admin.id, role: 'admin' } });
    const body = (await mentor.get('/mentor/dashboard')).body;
    expect(body).toContain('All time (1 session)');
    expect(body).not.toMatch(/\b1 sessions\b/);
  });

  it('a booking too close to the start names "1 hour\'s notice"', async () => {
    const mentor = await t.createUser('mentor', { name: 'Notice Mentor' });
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 60 }).where(eq(mentorProfiles.userId, mentor.id));
    const mentee = await t.loginAs('mentee');
    const soon = new Date(Math.ceil((Date.now() + 20 * MINUTE) / (30 * MINUTE)) * 30 * MINUTE);
    const res = await bookSlot(mentee, mentor.id, soon);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain("Notice Mentor needs at least 1 hour's notice.");
  });
});

describe('the admin home', () => {
  it('reads a count of one with its noun in the singular ("1 Mentor application", not "1 Mentor applications")', async () => {
    // A database of its own, so the counts are known: one mentee, who applies; one admin.
    const own = await buildTestApp();
    try {
      const mentee = await own.loginAs('mentee');
      const { submitMentorApplication } = await import('../src/mentors/applications');
      const applied = await submitMentorApplication({
        db: own.database.db, userId: mentee.user.id, now: new Date(),
        input: { headline: 'Go and PostgreSQL', skills: 'Go', hourlyRate: '50', currency: 'USD', bio: 'Ten years of backend work, happy to help.', links: '' },
      });
      expect(applied.ok).toBe(true);
      const body = (await (await own.loginAs('admin')).get('/admin')).body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      expect(body).toContain('1 Mentee ');
      expect(body).toContain('1 Admin ');
      expect(body).toContain('1 Mentor application ');
      expect(body).toContain('0 Mentors ');
    } finally {
      await own.close();
    }
  });
});

describe('a mentor profile', () => {
  it('states the rating once', async () => {
    const mentor = await t.createUser('mentor', { name: 'Rated Once' });
    const mentee = await t.createUser('mentee');
    const admin = await t.createUser('admin');
    const id = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(60) });
    await moveSession({ db: t.database.db, sessionId: id, to: 'confirmed', actor: { id: admin.id, role: 'admin' } });
    await moveSession({ db: t.database.db, sessionId: id, to: 'completed', actor: { id: admin.id, role: 'admin' } });
    const review = await submitReview({ db: t.database.db, sessionId: id, menteeId: mentee.id, input: { rating: '5', comment: 'Clear and kind.' }, now: new Date() });
    expect(review.ok).toBe(true);
    const body = (await t.agent().get(`/mentors/${mentor.id}`)).body;
    expect(body.split('★ 5.0 (1 review)').length - 1).toBe(1);
    expect(body).toContain('Clear and kind.');
  });
});

describe('who is told about the deadline of an unanswered request', () => {
  it('the mentee reads "If the mentor has not answered…"; the mentor reads when to answer by', async () => {
    const mentor = await t.loginAs('mentor');
    const mentee = await t.loginAs('mentee', { name: 'Waiting Mentee' });
    const id = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(100) });
    const [row] = await t.database.db.select({ paidAt: sessions.paidAt }).from(sessions).where(eq(sessions.id, id));
    expect(row!.paidAt).toBeTruthy();
    const menteePage = (await mentee.get(`/sessions/${id}`)).body;
    expect(menteePage).toContain('If the mentor has not answered by');
    expect(menteePage).toContain('you get a full refund.');
    const mentorPage = (await mentor.get(`/sessions/${id}`)).body;
    expect(mentorPage).not.toContain('If the mentor has not answered');
    expect(mentorPage).toMatch(/Answer by [^<]+: after that the request expires and Waiting Mentee gets a full refund\./);
  });
});
