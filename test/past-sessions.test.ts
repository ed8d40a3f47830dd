import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../src/db/schema';
import { buildTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

const URL = 'https://meet.jit.si/cmh-past-session-room';

/** A session that took place last week between two new people, with or without a room. */
async function pastSession(options: { room: boolean; status?: 'completed' | 'confirmed' }) {
  const mentor = await t.loginAs('mentor', { name: `Past Mentor ${options.room}` });
  const mentee = await t.loginAs('mentee', { name: `Past Mentee ${options.room}` });
  const startsAt = new Date(Date.now() - 7 * 86_400_000);
  const [row] = await t.database.db.insert(sessions).values({
    mentorId: mentor.user.id, menteeId: mentee.user.id, startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000), durationMinutes: 60,
    priceCents: 6000, currency: 'USD', status: options.status ?? 'completed', paymentProvider: 'test', paidAt: startsAt,
    ...(options.room ? { meetingProvider: 'jitsi', meetingUrl: URL } : { meetingProvider: 'jitsi' }),
  }).returning({ id: sessions.id });
  return { mentor, mentee, id: row!.id };
}

describe('a completed session keeps its link as text, not as a call to join', () => {
  it('on My Sessions, the Mentor Dashboard and the session page: the URL as text, no join button, no "Add to calendar"', async () => {
    const s = await pastSession({ room: true });
    for (const [agent, path] of [[s.mentee, '/dashboard'], [s.mentor, '/mentor/dashboard'], [s.mentee, `/sessions/${s.id}`], [s.mentor, `/sessions/${s.id}`]] as const) {
      const body = (await agent.get(path)).body;
      expect(body, path).toContain(URL);
      expect(body, path).not.toContain(`href="/sessions/${s.id}/join"`);
      expect(body, path).not.toContain('Join meeting');
      expect(body, path).not.toContain('class="join-box');
      expect(body, path).not.toContain('Add to calendar');
      expect(body, path).toMatch(/Meeting link:<\/span> <code class="past-url">/);
    }
  });

  it('a completed session that never had a room says nothing about a link being prepared, not even to admins', async () => {
    const s = await pastSession({ room: false });
    const admin = await t.loginAs('admin');
    for (const [agent, path] of [[s.mentee, '/dashboard'], [s.mentor, '/mentor/dashboard'], [s.mentee, `/sessions/${s.id}`], [admin, `/admin/sessions?q=${encodeURIComponent('Past Mentor false')}`]] as const) {
      const body = (await agent.get(path)).body;
      expect(body, path).toContain('Past Mentor false');
      expect(body, path).not.toMatch(/being prepared/i);
    }
  });

  it('the admin Sessions page keeps "Join Meeting" for a completed session with a room', async () => {
    const s = await pastSession({ room: true });
    const admin = await t.loginAs('admin');
    const body = (await admin.get(`/admin/sessions?q=${encodeURIComponent('Past Mentor true')}`)).body;
    expect(body).toContain(`href="/sessions/${s.id}/join"`);
    expect(body).toContain('Join Meeting</a>');
  });
});
