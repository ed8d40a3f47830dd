import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localParts } from '../src/booking/timezones';
import { calendarWeek } from '../src/booking/weeks';
import { auditLog, availabilityWindows, mentorProfiles, sessions, users } from '../src/db/schema';
import { updateAccountSettings } from '../src/accounts/settings';
import { replaceAvailability } from '../src/mentors/availability';
import { updateMentorProfile } from '../src/mentors/profile';
import { buildTestApp, type Agent, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

/** A valid profile form; the session lengths are checkboxes, so they are posted as repeated pairs. */
const GOOD_PROFILE = {
  headline: 'Staff engineer, ten years of payments',
  bio: 'I help with TypeScript back ends.\r\nAnd with code review.',
  skills: 'TypeScript, react , Postgres, React, typescript,,',
  hourlyRate: '72.50',
  currency: 'EUR',
  minNoticeHours: '0',
  horizonDays: '28',
};

/**
 * Posts a form after loading the page that holds it, with repeatable fields (checkbox groups).
 * Agent.post builds its body with `new URLSearchParams(form)`, which keeps repeated keys when given pairs.
 */
async function submitPairs(agent: Agent, url: string, pairs: [string, string][], page = url) {
  const token = await agent.csrfToken(page);
  return agent.post(url, new URLSearchParams([['_csrf', token], ...pairs]) as unknown as Record<string, string>);
}

function profilePairs(form: Record<string, string>, lengths: number[]): [string, string][] {
  return [...Object.entries(form), ...lengths.map((l): [string, string] => ['sessionLengths', String(l)])];
}

async function profileOf(id: string) {
  const [row] = await t.database.db.select().from(mentorProfiles).where(eq(mentorProfiles.userId, id));
  return row!;
}

async function windowsOf(id: string) {
  return t.database.db
    .select({ weekday: availabilityWindows.weekday, startMinute: availabilityWindows.startMinute, endMinute: availabilityWindows.endMinute })
    .from(availabilityWindows)
    .where(eq(availabilityWindows.mentorId, id))
    .orderBy(asc(availabilityWindows.weekday), asc(availabilityWindows.startMinute));
}

async function auditOf(subjectId: string, action?: string) {
  const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.subjectId, subjectId)).orderBy(asc(auditLog.id));
  return action ? rows.filter((r) => r.action === action) : rows;
}

/** The start instants the public profile page offers as radio buttons. */
function offeredStarts(body: string): Date[] {
  return [...body.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => new Date(m[1]!));
}

describe('a mentor edits their own profile', () => {
  it('saves every field and shows it on the public profile, with one audit row', async () => {
    const mentor = await t.loginAs('mentor', { name: 'Mira Mentor' });
    const page = await mentor.get('/mentor/profile');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>My profile</h1>');
    expect(page.body).toContain('<legend>Session lengths offered</legend>');
    expect(page.body).toContain('value="Test mentor"');

    const res = await submitPairs(mentor, '/mentor/profile', profilePairs(GOOD_PROFILE, [90, 30]));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mentor/profile');

    expect(await profileOf(mentor.user.id)).toMatchObject({
      headline: 'Staff engineer, ten years of payments',
      bio: 'I help with TypeScript back ends.\nAnd with code review.',
      // Trimmed, empty ones dropped, de-duplicated case-insensitively keeping the first spelling.
      skills: ['TypeScript', 'react', 'Postgres'],
      hourlyRateCents: 7250,
      currency: 'EUR',
      sessionLengths: [30, 90],
      minNoticeMinutes: 0,
      horizonDays: 28,
    });

    const again = await mentor.get('/mentor/profile');
    expect(again.body).toContain('Your profile is saved.');
    expect(again.body).toContain('value="TypeScript, react, Postgres"');
    expect(again.body).toContain('value="72.50"');
    expect(again.body).toMatch(/value="90" checked/);
    expect(again.body).not.toMatch(/value="60" checked/);

    const pub = await t.agent().get(`/mentors/${mentor.user.id}`);
    expect(pub.statusCode).toBe(200);
    expect(pub.body).toContain('Staff engineer, ten years of payments');
    expect(pub.body).toContain('€72.50');
    expect(pub.body).toContain('<li><a href="/mentors?skill=Postgres">Postgres</a></li>');
    expect(pub.body).toContain('And with code review.');
    expect(pub.body).toContain('<option value="90"');

    const audit = await auditOf(mentor.user.id, 'mentor.profile.update');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: mentor.user.id, subjectType: 'user' });
    expect(audit[0]!.data).toMatchObject({ changed: expect.arrayContaining(['headline', 'hourlyRateCents', 'currency', 'sessionLengths']) });
  });

  it('refuses bad input with a message per field, shows what was typed, and stores nothing', async () => {
    const mentor = await t.loginAs('mentor');
    const before = await profileOf(mentor.user.id);
    const cases: [Record<string, string>, number[], string, string][] = [
      [{ hourlyRate: '0' }, [60], 'hourlyRate', 'Enter an amount from 5 to 1000'],
      [{ hourlyRate: '1000.01' }, [60], 'hourlyRate', 'Enter an amount from 5 to 1000'],
      [{ hourlyRate: '60.123' }, [60], 'hourlyRate', 'Enter an amount from 5 to 1000'],
      [{}, [], 'sessionLengths', 'Offer at least one session length'],
      [{}, [60, 50], 'sessionLengths', 'Choose from 30, 45, 60, 90, 120 minutes'],
      [{ skills: Array.from({ length: 11 }, (_, i) => `skill${i}`).join(', ') }, [60], 'skills', 'Use at most 10 skills'],
      [{ skills: ' , ,' }, [60], 'skills', 'Add at least one skill'],
      [{ skills: `Go, ${'x'.repeat(31)}` }, [60], 'skills', 'Keep each skill to 30 characters or fewer'],
      [{ minNoticeHours: '-1' }, [60], 'minNoticeHours', 'Enter a whole number of hours from 0 to 720'],
      [{ minNoticeHours: '721' }, [60], 'minNoticeHours', 'Enter a whole number of hours from 0 to 720'],
      [{ horizonDays: '0' }, [60], 'horizonDays', 'Enter a whole number of days from 1 to 365'],
      [{ bio: 'b'.repeat(3000) }, [60], 'bio', 'Use at most 2000 characters'],
      [{ headline: 'h'.repeat(121) }, [60], 'headline', 'Use at most 120 characters'],
      [{ currency: 'JPY' }, [60], 'currency', 'Choose one of USD, EUR, GBP, INR'],
    ];
    for (const [override, lengths, field, message] of cases) {
      const form = { ...GOOD_PROFILE, ...override };
      const res = await submitPairs(mentor, '/mentor/profile', profilePairs(form, lengths));
      const label = JSON.stringify(override) + lengths.join(',');
      expect(res.statusCode, label).toBe(400);
      expect(res.body, label).toContain(message);
      // The message is tied to its field for screen readers.
      expect(res.body, label).toContain(`id="f-${field}-error"`);
      expect(res.body, label).toContain('Nothing was saved.');
      if (field !== 'sessionLengths') expect(res.body, label).toMatch(new RegExp(`id="f-${field}"[^>]*aria-describedby="[^"]*f-${field}-error`));
    }
    // Everything wrong at once: every message, and the typed values back in the form.
    const all = await submitPairs(mentor, '/mentor/profile', profilePairs({
      ...GOOD_PROFILE, hourlyRate: '0', minNoticeHours: '-1', bio: 'b'.repeat(3000),
      skills: Array.from({ length: 11 }, (_, i) => `skill${i}`).join(', '),
    }, []));
    expect(all.statusCode).toBe(400);
    for (const message of ['Enter an amount from 5 to 1000', 'Offer at least one session length', 'Use at most 10 skills', 'Enter a whole number of hours', 'Use at most 2000 characters']) {
      expect(all.body).toContain(message);
    }
    expect(all.body).toContain('value="0"');
    expect(all.body).toContain('value="-1"');
    expect(all.body).toContain('skill10');
    expect(all.body).toContain(`>${'b'.repeat(3000)}</textarea>`);

    expect(await profileOf(mentor.user.id)).toEqual(before);
    expect(await auditOf(mentor.user.id, 'mentor.profile.update')).toHaveLength(0);
  });

  it('escapes HTML in the headline wherever it is shown', async () => {
    const mentor = await t.loginAs('mentor');
    const headline = '<script>alert(1)</script> <b>Bold</b> & "quoted"';
    // Shown back on a refused form...
    const refused = await submitPairs(mentor, '/mentor/profile', profilePairs({ ...GOOD_PROFILE, headline, hourlyRate: '0' }, [60]));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).not.toContain('<script>alert(1)</script>');
    expect(refused.body).not.toContain('<b>Bold</b>');
    expect(refused.body).toContain('value="&lt;script>alert(1)&lt;/script> &lt;b>Bold&lt;/b> &amp; &quot;quoted&quot;"');
    // ...and once saved, stored as typed and shown as text.
    const saved = await submitPairs(mentor, '/mentor/profile', profilePairs({ ...GOOD_PROFILE, headline }, [60]));
    expect(saved.statusCode).toBe(303);
    expect((await profileOf(mentor.user.id)).headline).toBe(headline);
    const guest = t.agent();
    for (const [url, viewer] of [[`/mentors/${mentor.user.id}`, guest], ['/mentors', guest], ['/mentor/profile', mentor]] as const) {
      const body = (await viewer.get(url)).body;
      expect(body, url).toContain('Bold');
      expect(body, url).not.toContain('<script>alert(1)</script>');
      expect(body, url).not.toContain('<b>Bold</b>');
      expect(body, url).toContain('&lt;script>alert(1)&lt;/script>');
    }
  });
});

describe('weekly availability', () => {
  it('saves the windows in the mentor’s zone, and the public profile offers slots inside them only', async () => {
    const mentor = await t.loginAs('mentor', { timezone: 'America/Los_Angeles' });
    // No notice, 30-minute sessions only, four weeks ahead.
    const profile = await submitPairs(mentor, '/mentor/profile', profilePairs({ ...GOOD_PROFILE, minNoticeHours: '0', horizonDays: '28' }, [30]));
    expect(profile.statusCode).toBe(303);

    const page = await mentor.get('/mentor/availability');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('America/Los_Angeles');
    expect(page.body).toContain('<legend>Monday</legend>');
    expect(page.body).toMatch(/<label for="f-monday-1-start"><span class="sr-only">Monday, window 1, <\/span>Start<\/label>/);
    expect(page.body).toMatch(/id="f-sunday-3-end" name="sunday-3-end" type="time" step="1800"/);

    const res = await mentor.submit('/mentor/availability', { 'monday-1-start': '09:00', 'monday-1-end': '10:00', 'monday-2-start': '', 'monday-2-end': '' }, '/mentor/availability');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/mentor/availability');
    expect(await windowsOf(mentor.user.id)).toEqual([{ weekday: 1, startMinute: 540, endMinute: 600 }]);

    const after = await mentor.get('/mentor/availability');
    expect(after.body).toContain('Your availability is saved.');
    expect(after.body).toMatch(/<th scope="row">Monday<\/th><td>09:00–10:00<\/td>/);
    expect(after.body).toMatch(/<th scope="row">Tuesday<\/th><td><span class="muted">Not available<\/span><\/td>/);
    expect(after.body).toContain('id="f-monday-1-start" name="monday-1-start" type="time" step="1800" value="09:00"');

    // A mentee in another zone: the offered instants are still Monday 09:00 and 09:30 on the mentor's clock.
    const mentee = await t.loginAs('mentee', { timezone: 'Asia/Kathmandu' });
    const starts: Date[] = [];
    // The page shows a calendar week at a time; the 28-day horizon reaches into a fifth one.
    for (let week = 0; week < 5; week++) starts.push(...offeredStarts((await mentee.get(`/mentors/${mentor.user.id}?week=${week}`)).body));
    // Four weeks hold at least four Mondays; only today's may have passed.
    expect(starts.length).toBeGreaterThanOrEqual(7);
    const local = starts.map((s) => localParts(s, 'America/Los_Angeles'));
    for (const l of local) {
      expect(l.weekday).toBe(1);
      expect(`${l.hour}:${l.minute}`).toMatch(/^9:(0|30)$/);
    }
    expect(new Set(local.map((l) => l.minute))).toEqual(new Set([0, 30]));

    const audit = await auditOf(mentor.user.id, 'mentor.availability.replace');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: mentor.user.id, data: { windows: [[1, 540, 600]] } });
  });

  it('replaces the whole week; accepts 24:00 or 00:00 as the end of the day, and windows that touch', async () => {
    const mentor = await t.loginAs('mentor');
    await mentor.submit('/mentor/availability', { 'friday-1-start': '08:00', 'friday-1-end': '09:00' }, '/mentor/availability');
    const res = await mentor.submit('/mentor/availability', {
      'monday-1-start': '22:00', 'monday-1-end': '24:00',
      'tuesday-1-start': '13:00', 'tuesday-1-end': '14:00',
      'tuesday-2-start': '09:00', 'tuesday-2-end': '13:00',
      'tuesday-3-start': '20:30', 'tuesday-3-end': '00:00',
      'sunday-2-start': '00:00', 'sunday-2-end': '00:30',
    }, '/mentor/availability');
    expect(res.statusCode).toBe(303);
    expect(await windowsOf(mentor.user.id)).toEqual([
      { weekday: 0, startMinute: 0, endMinute: 30 },
      { weekday: 1, startMinute: 1320, endMinute: 1440 },
      { weekday: 2, startMinute: 540, endMinute: 780 },
      { weekday: 2, startMinute: 780, endMinute: 840 },
      { weekday: 2, startMinute: 1230, endMinute: 1440 },
    ]);
    const page = await mentor.get('/mentor/availability');
    expect(page.body).toContain('22:00–24:00');
    // A time input cannot hold 24:00, so the form shows midnight as 00:00 and saving again keeps it.
    expect(page.body).toContain('name="monday-1-end" type="time" step="1800" value="00:00"');
    // Clearing every row clears the week.
    expect((await mentor.submit('/mentor/availability', {}, '/mentor/availability')).statusCode).toBe(303);
    expect(await windowsOf(mentor.user.id)).toEqual([]);
    expect(await auditOf(mentor.user.id, 'mentor.availability.replace')).toHaveLength(3);
  });

  it('refuses overlapping windows, an end before the start and times off the half hour, changing nothing', async () => {
    const mentor = await t.loginAs('mentor');
    await mentor.submit('/mentor/availability', { 'friday-1-start': '08:00', 'friday-1-end': '09:00' }, '/mentor/availability');
    const before = await windowsOf(mentor.user.id);
    expect(before).toHaveLength(1);
    const auditsBefore = (await auditOf(mentor.user.id)).length;
    const cases: [Record<string, string>, string, string][] = [
      [{ 'monday-1-start': '09:00', 'monday-1-end': '11:00', 'monday-2-start': '10:30', 'monday-2-end': '12:00' }, 'monday-2', 'This window overlaps 09:00–11:00 on Monday'],
      [{ 'monday-1-start': '10:00', 'monday-1-end': '12:00', 'monday-3-start': '08:00', 'monday-3-end': '17:00' }, 'monday-1', 'This window overlaps 08:00–17:00 on Monday'],
      [{ 'tuesday-1-start': '12:00', 'tuesday-1-end': '11:00' }, 'tuesday-1', 'The end must be after the start'],
      [{ 'tuesday-1-start': '12:00', 'tuesday-1-end': '12:00' }, 'tuesday-1', 'The end must be after the start'],
      [{ 'wednesday-1-start': '09:15', 'wednesday-1-end': '10:00' }, 'wednesday-1', 'Use times on the hour or half hour'],
      [{ 'wednesday-2-start': '09:00', 'wednesday-2-end': '10:10' }, 'wednesday-2', 'Use times on the hour or half hour'],
      [{ 'thursday-1-start': '09:00' }, 'thursday-1', 'Enter both a start and an end'],
      [{ 'saturday-1-start': '25:00', 'saturday-1-end': '26:00' }, 'saturday-1', 'Enter times like 09:00'],
      [{ 'sunday-1-start': '24:00', 'sunday-1-end': '24:00' }, 'sunday-1', 'A window cannot start at 24:00'],
    ];
    for (const [form, row, message] of cases) {
      const res = await mentor.submit('/mentor/availability', { ...form, 'friday-1-start': '08:00', 'friday-1-end': '12:00' }, '/mentor/availability');
      const label = JSON.stringify(form);
      expect(res.statusCode, label).toBe(400);
      expect(res.body, label).toContain(message);
      expect(res.body, label).toContain(`<p class="error" id="f-${row}-error">`);
      expect(res.body, label).toMatch(new RegExp(`id="f-${row}-start"[^>]*aria-invalid="true" aria-describedby="f-${row}-error"`));
      // What was typed comes back, and the table still shows what is stored.
      for (const [name, value] of Object.entries(form)) expect(res.body, label).toContain(`name="${name}" type="time" step="1800" value="${value}"`);
      expect(res.body, label).toContain('08:00–09:00');
    }
    expect(await windowsOf(mentor.user.id)).toEqual(before);
    expect(await auditOf(mentor.user.id)).toHaveLength(auditsBefore);
  });
});

describe('the week of free slots on the profile', () => {
  it('leaves out a booked time and its buffer, on the last week, one past it and one far past it (both shown as the last)', async () => {
    const m = await t.createUser('mentor', { name: 'Wes Weeks' });
    // The horizon ends on a Wednesday, so the last week's Monday lies wholly inside it, whatever today is.
    const now = t.clock.now();
    const horizonDays = 14 + ((3 - new Date(now.getTime() + 14 * 86_400_000).getUTCDay() + 7) % 7);
    await t.database.db.update(mentorProfiles).set({ minNoticeMinutes: 0, bufferMinutes: 30, sessionLengths: [30], horizonDays }).where(eq(mentorProfiles.userId, m.id));
    await t.database.db.insert(availabilityWindows).values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440, mentorId: m.id })));
    // A session on the last week's Monday, 10:00-11:00 UTC (the viewer's zone here).
    const last = calendarWeek({ now, zone: 'UTC', horizonDays, week: 99 });
    const day = last.from.toISOString().slice(0, 10);
    const mentee = await t.createUser('mentee');
    await t.database.db.insert(sessions).values({
      mentorId: m.id, menteeId: mentee.id, startsAt: new Date(`${day}T10:00:00Z`), endsAt: new Date(`${day}T11:00:00Z`), durationMinutes: 60,
      priceCents: 6000, currency: 'USD', status: 'confirmed', paymentProvider: 'test',
    });
    const offered = (body: string) => [...body.matchAll(/name="startsAt" value="([^"]+)"/g)].map((x) => x[1]!);
    // The last week reads its sessions with the mentor; the two past it are clamped to it once the
    // mentor's horizon is known, and read their own.
    for (const week of [last.index, last.index + 1, 99]) {
      const page = await t.agent().get(`/mentors/${m.id}?week=${week}&tz=UTC`);
      expect(page.statusCode).toBe(200);
      const slots = offered(page.body).filter((x) => x.startsWith(day));
      expect(slots, `week ${week}`).toContain(`${day}T09:00:00.000Z`);
      expect(slots, `week ${week}`).toContain(`${day}T11:30:00.000Z`);
      for (const taken of ['09:30', '10:00', '10:30', '11:00']) expect(slots, `week ${week} ${taken}`).not.toContain(`${day}T${taken}:00.000Z`);
    }
  });
});

describe('who may edit what', () => {
  it('gives a mentee 403 on the mentor and admin editors, and sends guests to log in', async () => {
    const target = await t.createUser('mentor');
    const before = await profileOf(target.id);
    const mentee = await t.loginAs('mentee');
    for (const url of ['/mentor/profile', '/mentor/availability', `/admin/mentors/${target.id}/profile`, `/admin/mentors/${target.id}/availability`]) {
      const get = await mentee.get(url);
      expect(get.statusCode, url).toBe(403);
      expect(get.body).toContain('Not allowed');
      const post = await submitPairs(mentee, url, profilePairs({ ...GOOD_PROFILE, 'monday-1-start': '09:00', 'monday-1-end': '10:00' }, [60]), '/dashboard');
      expect(post.statusCode, url).toBe(403);
      const guest = await t.agent().get(url);
      expect(guest.statusCode, url).toBe(302);
      expect(guest.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
    }
    expect(await profileOf(target.id)).toEqual(before);
    expect(await windowsOf(target.id)).toEqual([]);
  });

  it('lets an admin edit another mentor’s profile and availability, audited as the admin', async () => {
    const target = await t.createUser('mentor', { name: 'Tara Target', timezone: 'Europe/Berlin' });
    const admin = await t.loginAs('admin');
    const page = await admin.get(`/admin/mentors/${target.id}/profile`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Profile of Tara Target');
    expect(page.body).toContain(`action="/admin/mentors/${target.id}/profile"`);

    const res = await submitPairs(admin, `/admin/mentors/${target.id}/profile`, profilePairs({ ...GOOD_PROFILE, headline: 'Set by an admin', hourlyRate: '95' }, [45]));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/mentors/${target.id}/profile`);
    expect(await profileOf(target.id)).toMatchObject({ headline: 'Set by an admin', hourlyRateCents: 9500, sessionLengths: [45] });
    expect((await admin.get(`/admin/mentors/${target.id}/profile`)).body).toContain('The profile of Tara Target is saved.');

    const avail = await admin.get(`/admin/mentors/${target.id}/availability`);
    expect(avail.body).toContain('Europe/Berlin');
    expect(avail.body).toContain('Tara Target’s time zone');
    const saved = await admin.submit(`/admin/mentors/${target.id}/availability`, { 'thursday-1-start': '14:00', 'thursday-1-end': '16:30' }, `/admin/mentors/${target.id}/availability`);
    expect(saved.statusCode).toBe(303);
    expect(await windowsOf(target.id)).toEqual([{ weekday: 4, startMinute: 840, endMinute: 990 }]);

    const audit = await auditOf(target.id);
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([
      ['mentor.profile.update', admin.user.id],
      ['mentor.availability.replace', admin.user.id],
    ]);

    // Not a mentor, unknown, or not an id at all: 404, for reading and for writing.
    const mentee = await t.createUser('mentee');
    for (const id of [mentee.id, admin.user.id, '00000000-0000-4000-8000-000000000000', 'not-an-id', '-'.repeat(36)]) {
      for (const kind of ['profile', 'availability']) {
        const url = `/admin/mentors/${id}/${kind}`;
        expect((await admin.get(url)).statusCode, url).toBe(404);
        expect((await submitPairs(admin, url, profilePairs(GOOD_PROFILE, [60]), '/admin')).statusCode, url).toBe(404);
      }
    }
  });

  it('never lets a mentor edit another mentor, through any route or the domain functions', async () => {
    const victim = await t.createUser('mentor');
    const profileBefore = await profileOf(victim.id);
    const attacker = await t.loginAs('mentor');
    for (const kind of ['profile', 'availability']) {
      const url = `/admin/mentors/${victim.id}/${kind}`;
      expect((await attacker.get(url)).statusCode, url).toBe(403);
      const post = await submitPairs(attacker, url, profilePairs({ ...GOOD_PROFILE, 'monday-1-start': '09:00', 'monday-1-end': '10:00' }, [60]), '/mentor/profile');
      expect(post.statusCode, url).toBe(403);
    }
    // Ids smuggled into the attacker's own forms are ignored: the mentor is whoever is logged in.
    const smuggled = { mentorId: victim.id, userId: victim.id, id: victim.id };
    const own = await submitPairs(attacker, `/mentor/profile?id=${victim.id}`, profilePairs({ ...GOOD_PROFILE, ...smuggled, headline: 'Mine' }, [60]), '/mentor/profile');
    expect(own.statusCode).toBe(303);
    const ownAvail = await attacker.submit('/mentor/availability', { ...smuggled, 'monday-1-start': '09:00', 'monday-1-end': '10:00' }, '/mentor/availability');
    expect(ownAvail.statusCode).toBe(303);
    const ownAccount = await attacker.submit('/account', { ...smuggled, name: 'Renamed Attacker', timezone: 'Europe/Paris' }, '/account');
    expect(ownAccount.statusCode).toBe(303);
    expect((await profileOf(attacker.user.id)).headline).toBe('Mine');
    expect(await windowsOf(attacker.user.id)).toHaveLength(1);

    // The domain functions refuse too, whoever calls them.
    const db = t.database.db;
    expect(await updateMentorProfile({ db, mentorId: victim.id, actorId: attacker.user.id, input: { ...GOOD_PROFILE, sessionLengths: ['60'] } }))
      .toMatchObject({ ok: false, reason: 'forbidden' });
    expect(await replaceAvailability({ db, mentorId: victim.id, actorId: attacker.user.id, windows: [{ weekday: 1, start: '09:00', end: '10:00' }] }))
      .toMatchObject({ ok: false, reason: 'forbidden' });
    expect(await updateAccountSettings({ db, userId: victim.id, actorId: attacker.user.id, input: { name: 'Pwned', timezone: 'UTC' } }))
      .toMatchObject({ ok: false, reason: 'forbidden' });

    expect(await profileOf(victim.id)).toEqual(profileBefore);
    expect(await windowsOf(victim.id)).toEqual([]);
    const [victimUser] = await db.select().from(users).where(eq(users.id, victim.id));
    expect(victimUser!.name).not.toBe('Pwned');
    expect(victimUser!.name).not.toBe('Renamed Attacker');
    expect(await auditOf(victim.id)).toHaveLength(0);
  });
});

describe('account settings', () => {
  it('changes name and time zone; the dashboard then shows times in the new zone', async () => {
    const mentee = await t.loginAs('mentee', { name: 'Old Name' });
    expect((await mentee.get('/dashboard')).body).toContain('Times in UTC.');
    const page = await mentee.get('/account');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<option value="UTC" selected');
    expect(page.body).toContain('<option value="America/Los_Angeles">');
    expect(page.body).toContain('<option value="Europe/Berlin">');

    const res = await mentee.submit('/account', { name: '  New   Name ', timezone: 'Europe/Berlin' }, '/account');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/account');
    const after = await mentee.get('/account');
    expect(after.body).toContain('Your account settings are saved.');
    expect(after.body).toContain('<option value="Europe/Berlin" selected');
    const [row] = await t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(row).toMatchObject({ name: 'New Name', timezone: 'Europe/Berlin' });

    const dash = await mentee.get('/dashboard');
    expect(dash.body).toContain('Times in Europe/Berlin.');
    expect(dash.body).toContain('<span class="who">New Name</span>');

    const audit = await auditOf(mentee.user.id, 'account.settings.update');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: mentee.user.id, data: { changed: ['name', 'timezone'], timezone: 'Europe/Berlin' } });
  });

  it('keeps a valid zone as it was named, even one missing from the runtime’s list, and keeps it selectable', async () => {
    // Browsers send "Asia/Kathmandu"; some ICU versions list it only as "Asia/Katmandu".
    const mentee = await t.loginAs('mentee');
    expect((await mentee.submit('/account', { name: 'Kathmandu Person', timezone: 'Asia/Kathmandu' }, '/account')).statusCode).toBe(303);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(row!.timezone).toBe('Asia/Kathmandu');
    expect((await mentee.get('/account')).body).toContain('<option value="Asia/Kathmandu" selected');
    expect((await mentee.get('/dashboard')).body).toContain('Times in Asia/Kathmandu.');
    // A listed zone typed in another case is stored as the list spells it.
    expect((await mentee.submit('/account', { name: 'Kathmandu Person', timezone: 'america/los_angeles' }, '/account')).statusCode).toBe(303);
    const [again] = await t.database.db.select().from(users).where(eq(users.id, mentee.user.id));
    expect(again!.timezone).toBe('America/Los_Angeles');
  });

  it('refuses an unknown zone or an empty name and changes nothing', async () => {
    const mentor = await t.loginAs('mentor', { timezone: 'Europe/Madrid' });
    for (const [form, field, message] of [
      [{ name: 'Fine Name', timezone: 'Mars/Olympus_Mons' }, 'timezone', 'Choose a time zone from the list'],
      [{ name: 'Fine Name', timezone: '' }, 'timezone', 'Choose a time zone from the list'],
      [{ name: '   ', timezone: 'Europe/Paris' }, 'name', 'Enter your name'],
    ] as const) {
      const res = await mentor.submit('/account', form, '/account');
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.body).toContain(message);
      expect(res.body).toMatch(new RegExp(`id="f-${field}"[^>]*aria-describedby="[^"]*f-${field}-error`));
    }
    const [row] = await t.database.db.select().from(users).where(and(eq(users.id, mentor.user.id)));
    expect(row!.timezone).toBe('Europe/Madrid');
    expect(await auditOf(mentor.user.id, 'account.settings.update')).toHaveLength(0);
    expect((await mentor.get('/mentor/dashboard')).body).toContain('Times in Europe/Madrid.');
  });

  it('sends guests to log in', async () => {
    const res = await t.agent().get('/account');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Faccount');
  });
});

describe('admin mentor list', () => {
  it('links every mentor to its edit pages, for admins only', async () => {
    const t2 = await buildTestApp();
    try {
      const mentor = await t2.createUser('mentor', { name: 'Listed Mentor' });
      const admin = await t2.loginAs('admin');
      const page = await admin.get('/admin/mentors');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Listed Mentor');
      expect(page.body).toContain(`/admin/mentors/${mentor.id}/profile`);
      expect(page.body).toContain(`/admin/mentors/${mentor.id}/availability`);
      expect((await (await t2.loginAs('mentor')).get('/admin/mentors')).statusCode).toBe(403);
      expect((await admin.get(`/mentors/${'-'.repeat(36)}`)).statusCode).toBe(404);
    } finally {
      await t2.close();
    }
  });
});
