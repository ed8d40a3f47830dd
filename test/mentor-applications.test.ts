import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, mentorApplications, mentorProfiles, sessions, users } from '../src/db/schema';
import { submitMentorApplication } from '../src/mentors/applications';
import { TEST_PASSWORD } from './helpers/app';
import { mailsTo, onTheHour, pendingSession, useMailScenario } from './helpers/scenario';

const s = useMailScenario();

const GOOD = {
  headline: 'Backend engineer · Go and PostgreSQL',
  skills: 'Go, PostgreSQL , go, Kubernetes',
  hourlyRate: '72.50',
  currency: 'EUR',
  bio: 'Ten years of backend work at two fintechs. I help with Go services and slow queries.',
  links: 'https://github.com/example\nhttp://blog.example.org/about',
};

const applicationsOf = (userId: string) => s.t.database.db.select().from(mentorApplications).where(eq(mentorApplications.userId, userId));
const audits = (userId: string, action: string) =>
  s.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectId, userId), eq(auditLog.action, action)));

async function apply(overrides: Partial<typeof GOOD> = {}) {
  const mentee = await s.t.loginAs('mentee', { name: `Applicant ${Math.random().toString(36).slice(2, 7)}` });
  const res = await mentee.submit('/become-a-mentor', { ...GOOD, ...overrides }, '/become-a-mentor');
  return { mentee, res };
}

describe('the "Become a mentor" page', () => {
  it('is linked from the home page, and tells a visitor what mentoring means with a way back to the form', async () => {
    const home = await s.t.app.inject('/');
    expect(home.body).toMatch(/<a[^>]*href="\/become-a-mentor"[^>]*>Become a mentor<\/a>/);
    const page = await s.t.app.inject('/become-a-mentor');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('What mentoring here means');
    expect(page.body).toContain('href="/login?next=%2Fbecome-a-mentor"');
    expect(page.body).toContain('href="/signup?next=%2Fbecome-a-mentor"');
    expect(page.body).not.toContain('name="headline"');
    // A guest cannot post.
    expect((await s.t.agent().submit('/become-a-mentor', GOOD, '/login')).statusCode).toBe(401);
  });

  it('brings a new account from "Sign up to apply" back to the form', async () => {
    const agent = s.t.agent();
    const signup = await agent.get('/signup?next=%2Fbecome-a-mentor');
    expect(signup.body).toContain('name="next" value="/become-a-mentor"');
    const res = await agent.submit('/signup', { name: 'New Applicant', email: `new-applicant-${Date.now()}@example.com`, password: TEST_PASSWORD, next: '/become-a-mentor' }, '/signup?next=%2Fbecome-a-mentor');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/become-a-mentor');
    expect((await agent.get('/become-a-mentor')).body).toContain('Send application');
    // Somewhere else is never a destination.
    const other = s.t.agent();
    const away = await other.submit('/signup', { name: 'Away', email: `away-${Date.now()}@example.com`, password: TEST_PASSWORD, next: 'https://evil.example/' }, '/signup');
    expect(away.headers.location).toBe('/dashboard');
  });

  it('refuses invalid fields, showing each, and stores nothing', async () => {
    const cases: [Partial<typeof GOOD>, string, RegExp][] = [
      [{ headline: '' }, 'headline', /one-line headline/],
      [{ skills: ' , ' }, 'skills', /at least one skill/],
      [{ hourlyRate: '2' }, 'hourlyRate', /from 5 to 1000/],
      [{ hourlyRate: 'free' }, 'hourlyRate', /from 5 to 1000/],
      [{ currency: 'BTC' }, 'currency', /Choose one of/],
      [{ bio: 'Too short' }, 'bio', /at least 20 characters/],
      [{ links: 'javascript:alert(1)' }, 'links', /only http:\/\/ and https:\/\//],
      [{ links: 'ftp://files.example/x' }, 'links', /only http:\/\/ and https:\/\//],
      [{ links: 'github.com/me' }, 'links', /not a web address/],
      [{ links: Array.from({ length: 6 }, (_, i) => `https://e${i}.example`).join('\n') }, 'links', /at most 5 links/],
      [{ headline: 'a\u0000b' }, 'headline', /control characters/],
    ];
    for (const [fields, field, message] of cases) {
      const { mentee, res } = await apply(fields);
      expect(res.statusCode, JSON.stringify(fields)).toBe(400);
      expect(res.body).toContain(`id="f-${field}-error"`);
      expect(res.body).toMatch(message);
      expect(res.body).toContain('Nothing was saved.');
      expect(await applicationsOf(mentee.user.id)).toHaveLength(0);
    }
  });

  it('keeps one open application per person, and shows its status', async () => {
    const { mentee, res } = await apply();
    expect(res.statusCode).toBe(303);
    const [stored] = await applicationsOf(mentee.user.id);
    expect(stored).toMatchObject({
      status: 'pending', headline: GOOD.headline, skills: ['Go', 'PostgreSQL', 'Kubernetes'], hourlyRateCents: 7250, currency: 'EUR',
      links: ['https://github.com/example', 'http://blog.example.org/about'],
    });
    expect(await audits(mentee.user.id, 'mentor.application.submitted')).toHaveLength(1);
    const page = await mentee.get('/become-a-mentor');
    expect(page.body).toContain('Your application is waiting for review');
    expect(page.body).not.toContain('Send application');

    const again = await mentee.submit('/become-a-mentor', { ...GOOD, headline: 'Second try' }, '/become-a-mentor');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('You already have an application waiting for review.');
    expect(await applicationsOf(mentee.user.id)).toHaveLength(1);
    // The database is the rule, not the page: a second open row is refused there too.
    await expect(s.t.database.db.insert(mentorApplications).values({ ...stored!, id: undefined })).rejects.toThrow();
  });

  it('makes one application of two sent at once (on PostgreSQL, truly at once)', async () => {
    const mentee = await s.t.createUser('mentee');
    const form = { ...GOOD, links: '' };
    const results = await Promise.all([0, 1, 2].map(() => submitMentorApplication({ db: s.t.database.db, userId: mentee.id, input: form, now: new Date() })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.code))).toEqual(['conflict', 'conflict']);
    expect(await applicationsOf(mentee.id)).toHaveLength(1);
    expect(await audits(mentee.id, 'mentor.application.submitted')).toHaveLength(1);
  });

  it('is only for mentees', async () => {
    const mentor = await s.t.loginAs('mentor');
    expect((await mentor.get('/become-a-mentor')).body).toContain('You are a mentor already.');
    expect((await mentor.submit('/become-a-mentor', GOOD, '/become-a-mentor')).statusCode).toBe(403);
  });
});

describe('admins decide applications on /admin/mentors', () => {
  it('approves in one transaction: mentor role, profile from the application, audit row and email; the mentee sessions stay', async () => {
    const admin = await s.t.loginAs('admin');
    const { mentee } = await apply();
    const mentor = await s.t.createUser('mentor');
    const booked = await pendingSession({ db: s.t.database.db, mentor, mentee, start: onTheHour(72) });
    const [app] = await applicationsOf(mentee.user.id);

    const list = await admin.get('/admin/mentors');
    expect(list.body).toContain('Applications');
    expect(list.body).toContain(GOOD.headline);
    expect(list.body).toContain('href="https://github.com/example"');
    expect(list.body).toContain('Has 1 upcoming session booked as a mentee.');

    const res = await admin.submit(`/admin/mentors/applications/${app!.id}/approve`, {}, '/admin/mentors');
    expect(res.statusCode).toBe(303);
    const [user] = await s.t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(user!.role).toBe('mentor');
    const [profile] = await s.t.database.db.select().from(mentorProfiles).where(eq(mentorProfiles.userId, mentee.user.id));
    expect(profile).toMatchObject({ headline: GOOD.headline, bio: GOOD.bio, skills: ['Go', 'PostgreSQL', 'Kubernetes'], hourlyRateCents: 7250, currency: 'EUR' });
    expect((await applicationsOf(mentee.user.id))[0]).toMatchObject({ status: 'approved', decidedBy: admin.user.id });
    const [audit] = await audits(mentee.user.id, 'mentor.application.approved');
    expect(audit).toMatchObject({ actorId: admin.user.id, data: { applicationId: app!.id, role: { from: 'mentee', to: 'mentor' } } });

    await s.deliver();
    const [mail] = mailsTo(s.smtp, mentee.user.email, 'You are now a mentor - CodeMentorHub');
    expect(mail, 'the approval email arrives over SMTP').toBeDefined();
    expect(mail!.parsed.text).toContain('/mentor/availability');

    // The same login session now sees the Mentor Dashboard, and the session booked as a mentee is still theirs.
    const dashboard = await mentee.get('/mentor/dashboard');
    expect(dashboard.statusCode).toBe(200);
    expect(dashboard.body).toContain('Mentor Dashboard');
    expect((await mentee.get(`/sessions/${booked}`)).statusCode).toBe(200);
    const [still] = await s.t.database.db.select().from(sessions).where(eq(sessions.id, booked));
    expect(still).toMatchObject({ menteeId: mentee.user.id, status: 'pending' });
    expect((await s.t.app.inject(`/mentors/${mentee.user.id}`)).statusCode).toBe(200);

    // Deciding twice is refused and changes nothing.
    const twice = await admin.submit(`/admin/mentors/applications/${app!.id}/approve`, {}, '/admin/mentors');
    expect(twice.statusCode).toBe(303);
    expect(await audits(mentee.user.id, 'mentor.application.approved')).toHaveLength(1);
    expect(mailsTo(s.smtp, mentee.user.email, 'You are now a mentor - CodeMentorHub')).toHaveLength(1);
  });

  it('rolls the whole approval back when the person is no longer an active mentee', async () => {
    const admin = await s.t.loginAs('admin');
    const { mentee } = await apply();
    const [app] = await applicationsOf(mentee.user.id);
    expect((await admin.submit(`/admin/users/${mentee.user.id}/deactivate`, {}, '/admin/users')).statusCode).toBe(303);
    expect((await admin.get('/admin/mentors')).body).toContain('This account is deactivated');
    await admin.submit(`/admin/mentors/applications/${app!.id}/approve`, {}, '/admin/mentors');
    expect((await applicationsOf(mentee.user.id))[0]!.status).toBe('pending');
    const [user] = await s.t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(user!.role).toBe('mentee');
    expect(await s.t.database.db.select().from(mentorProfiles).where(eq(mentorProfiles.userId, mentee.user.id))).toHaveLength(0);
    expect(await audits(mentee.user.id, 'mentor.application.approved')).toHaveLength(0);
  });

  it('declines only with a reason, emails it, and lets the person apply again', async () => {
    const admin = await s.t.loginAs('admin');
    const { mentee } = await apply();
    const [app] = await applicationsOf(mentee.user.id);

    const empty = await admin.submit(`/admin/mentors/applications/${app!.id}/decline`, { reason: '   ' }, '/admin/mentors');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain(`id="reason-${app!.id}-error"`);
    expect(empty.body).toContain('Write the reason');
    expect((await applicationsOf(mentee.user.id))[0]!.status).toBe('pending');

    const reason = 'We need at least two years of professional experience.\nPlease apply again next year.';
    const res = await admin.submit(`/admin/mentors/applications/${app!.id}/decline`, { reason }, '/admin/mentors');
    expect(res.statusCode).toBe(303);
    expect((await applicationsOf(mentee.user.id))[0]).toMatchObject({ status: 'declined', declineReason: reason, decidedBy: admin.user.id });
    expect(await audits(mentee.user.id, 'mentor.application.declined')).toHaveLength(1);
    const [user] = await s.t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(user!.role).toBe('mentee');

    await s.deliver();
    const [mail] = mailsTo(s.smtp, mentee.user.email, 'Your mentor application - CodeMentorHub');
    expect(mail!.parsed.text).toContain('> We need at least two years of professional experience.');
    expect(mail!.parsed.html).toContain('Please apply again next year.');

    const page = await mentee.get('/become-a-mentor');
    expect(page.body).toContain('was declined');
    expect(page.body).toContain('We need at least two years of professional experience.');
    expect(page.body).toContain('Send application');
    expect((await mentee.submit('/become-a-mentor', GOOD, '/become-a-mentor')).statusCode).toBe(303);
    expect(await applicationsOf(mentee.user.id)).toHaveLength(2);
  });

  it('lets only admins decide', async () => {
    const { mentee } = await apply();
    const [app] = await applicationsOf(mentee.user.id);
    expect((await mentee.submit(`/admin/mentors/applications/${app!.id}/approve`, {}, '/become-a-mentor')).statusCode).toBe(403);
    expect((await mentee.submit(`/admin/mentors/applications/${app!.id}/decline`, { reason: 'no' }, '/become-a-mentor')).statusCode).toBe(403);
    expect((await applicationsOf(mentee.user.id))[0]!.status).toBe('pending');
  });
});
