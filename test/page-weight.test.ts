import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { sessions } from '../src/db/schema';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app';
import { awaitingPaymentSession, moveSession, onTheHour, pendingSession } from './helpers/scenario';
import { expireLapsedHolds } from '../src/booking/holds';

let t: TestApp;
beforeAll(async () => { t = await buildTestApp(); });
afterAll(async () => { await t.close(); });

const BUDGET = 30 * 1024;

it('every page, with its stylesheet and script, stays under 30 KB gzipped', async () => {
  const gz = (s: string) => gzipSync(Buffer.from(s)).length;
  const assets = gz((await t.app.inject('/static/app.css')).body) + gz((await t.app.inject('/static/app.js')).body);
  const mentee = await t.loginAs('mentee');
  const mentor = await t.loginAs('mentor');
  const admin = await t.loginAs('admin');
  const sessionId = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(96), duration: 30 });
  await moveSession({ db: t.database.db, sessionId: sessionId, to: 'confirmed', actor: { id: mentor.user.id, role: 'mentor' } });
  const request = await pendingSession({ db: t.database.db, mentor, mentee, start: onTheHour(170), duration: 30 });
  const hold = await awaitingPaymentSession({ db: t.database.db, mentor, mentee, start: onTheHour(120) });
  const lapsing = await t.loginAs('mentee');
  const lapsed = await awaitingPaymentSession({ db: t.database.db, mentor, mentee: lapsing, start: onTheHour(144) });
  await t.database.db.update(sessions).set({ holdExpiresAt: new Date(Date.now() - 60_000) }).where(eq(sessions.id, lapsed.sessionId));
  await expireLapsedHolds({ db: t.database.db, now: new Date() });
  const step = `/mentors/${mentor.user.id}?length=60&startsAt=${encodeURIComponent(onTheHour(100).toISOString())}`;
  const pages: [typeof mentee | null, string, number?][] = [
    [null, '/'], [null, '/login'], [null, '/signup'], [null, '/mentors'], [null, '/mentors?sort=soonest&free=week'], [null, `/mentors/${mentor.user.id}`],
    [null, `/login?next=${encodeURIComponent(step)}`], [mentee, step], [mentee, `/checkout/test/${hold.sessionId}`], [lapsing, `/checkout/test/${lapsed.sessionId}`, 410],
    [mentee, '/dashboard'], [mentee, '/account'], [mentee, `/sessions/${sessionId}`], [mentee, `/sessions/${sessionId}/receipt`],
    [mentor, '/mentor/dashboard'], [mentor, '/mentor/profile'], [mentor, '/mentor/availability'],
    [admin, '/admin'], [admin, '/admin/sessions'], [admin, `/admin/sessions/${sessionId}`], [admin, '/admin/mail'], [admin, '/admin/outbox'],
    // The confirmation steps of cancel, decline and the admin's status changes.
    [mentee, `/sessions/${sessionId}/cancel`], [mentor, `/mentor/session/${request}/decline`], [admin, `/admin/sessions/${sessionId}/set-status/?status=cancelled`],
    [null, '/become-a-mentor'], [mentee, '/become-a-mentor'], [admin, '/admin/mentors'], [admin, '/admin/users'],
    [admin, `/admin/users/${mentee.user.id}`], [admin, '/admin/revenue'],
  ];
  const sizes: Record<string, number> = {};
  for (const [who, path, status] of pages) {
    const res = who ? await who.get(path) : await t.app.inject(path);
    expect(res.statusCode, path).toBe(status ?? 200);
    sizes[path] = gz(res.body) + assets;
  }
  for (const [path, size] of Object.entries(sizes)) expect(size, `${path}: ${size} bytes gzipped`).toBeLessThan(BUDGET);
});
