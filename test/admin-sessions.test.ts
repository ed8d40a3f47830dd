import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../src/admin/sessions-queries';
import { sessions, users } from '../src/db/schema';
import { buildTestApp, type TestApp } from './helpers/app';
import { pendingSession } from './helpers/scenario';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['loginAs']>>;
let mentorA: { id: string; email: string };
let mentorB: { id: string; email: string };
let mentee: { id: string; email: string };
const ids: string[] = [];

beforeAll(async () => {
  t = await buildTestApp();
  admin = await t.loginAs('admin');
  mentorA = await t.createUser('mentor', { name: 'Ada Searchable' });
  mentorB = await t.createUser('mentor', { name: 'Brian Other' });
  mentee = await t.createUser('mentee', { name: 'Mia Mentee' });
  // 70 sessions with mentor A on consecutive hours, 5 with mentor B: more than one page.
  for (let i = 0; i < 75; i++) {
    const mentor = i < 70 ? mentorA : mentorB;
    const start = new Date(Date.UTC(2030, 0, 1 + Math.floor(i / 10), 8 + (i % 10)));
    ids.push(await pendingSession({ db: t.database.db, mentor, mentee, start }));
  }
  await t.database.db.update(sessions).set({ status: 'cancelled' }).where(eq(sessions.id, ids[3]!));
}, 120_000);
afterAll(async () => { await t.close(); });

const rowIds = (body: string) => [...body.matchAll(/href="\/admin\/sessions\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);

describe('admin Sessions page', () => {
  it('pages by keyset, latest start first, every session exactly once', async () => {
    const seen: string[] = [];
    let url = '/admin/sessions';
    for (let guard = 0; guard < 5; guard++) {
      const page = await admin.get(url);
      expect(page.statusCode).toBe(200);
      const rows = rowIds(page.body);
      expect(rows.length).toBeLessThanOrEqual(PAGE_SIZE);
      seen.push(...rows);
      const next = /href="(\/admin\/sessions\?[^"]*before=[^"]+)">Next page/.exec(page.body)?.[1];
      if (!next) break;
      url = next.replace(/&amp;/g, '&');
    }
    expect(seen).toHaveLength(75);
    expect(new Set(seen).size).toBe(75);
    expect(seen[0]).toBe(ids[74]); // the latest start first
  });

  it('keeps a full page of rows, each with two step buttons, well under 64 KB uncompressed', async () => {
    // Measured: a response over 64 KB costs several times more to send (bench/RESULTS.md, issue 15), so
    // the rows share one step form rather than carrying two forms each.
    const page = await admin.get('/admin/sessions?status=pending');
    expect(rowIds(page.body)).toHaveLength(PAGE_SIZE);
    expect(Buffer.byteLength(page.body)).toBeLessThan(48 * 1024);
    // Its arrows, menu mark and footer dash are character references (src/web/glyph.ts): with names
    // in Latin script the page is one byte per character, which V8 encodes several times faster.
    expect(page.body).not.toMatch(/[^\x00-\xff]/);
    expect(page.body).toContain('Next page &#8594;</a>');
  });

  it('pages a status tab by keyset too', async () => {
    const seen: string[] = [];
    let url = '/admin/sessions?status=pending';
    for (let guard = 0; guard < 5; guard++) {
      const page = await admin.get(url);
      seen.push(...rowIds(page.body));
      const next = /href="(\/admin\/sessions\?[^"]*before=[^"]+)">Next page/.exec(page.body)?.[1];
      if (!next) break;
      url = next.replace(/&amp;/g, '&');
      expect(url).toContain('status=pending');
    }
    expect(seen).toHaveLength(74);
    expect(seen).not.toContain(ids[3]);
  });

  it('filters by status, person and date range, searches names, and counts per status', async () => {
    const cancelled = await admin.get('/admin/sessions?status=cancelled');
    expect(rowIds(cancelled.body)).toEqual([ids[3]]);
    const byMentor = await admin.get(`/admin/sessions?mentor=${mentorB.id}`);
    expect(rowIds(byMentor.body).sort()).toEqual(ids.slice(70).sort());
    expect(byMentor.body).toMatch(/Pending <span class="count">5<\/span>/);
    const search = await admin.get('/admin/sessions?q=brian');
    expect(rowIds(search.body).sort()).toEqual(ids.slice(70).sort());
    const day = await admin.get('/admin/sessions?from=2030-01-02&to=2030-01-02');
    expect(rowIds(day.body).sort()).toEqual(ids.slice(10, 20).sort());
    const none = await admin.get('/admin/sessions?q=nobody-matches-this');
    expect(none.body).toContain('No sessions match.');
    const all = await admin.get('/admin/sessions?mentor=not-an-id&from=yesterday&before=garbage');
    expect(all.statusCode).toBe(200);
  });

  it('shows a change at once, wherever it was made, though the list is kept between requests', async () => {
    // The list is kept while the data version stands (src/web/kept.ts); these writes bypass the
    // app, as another process's or a psql session's would.
    const first = await admin.get('/admin/sessions');
    expect(first.body).toContain('Ada Searchable');
    await t.database.db.update(users).set({ name: 'Ada Renamed' }).where(eq(users.id, mentorA.id));
    const renamed = await admin.get('/admin/sessions');
    expect(renamed.body).toContain('Ada Renamed');
    expect(renamed.body).not.toContain('Ada Searchable');
    const top = ids[74]!;
    const row = (body: string) => body.slice(body.indexOf(`/admin/sessions/${top}"`), body.indexOf('</tr>', body.indexOf(`/admin/sessions/${top}"`)));
    expect(row(renamed.body)).toContain('Pending');
    await t.database.db.update(sessions).set({ status: 'declined' }).where(eq(sessions.id, top));
    expect(row((await admin.get('/admin/sessions')).body)).toContain('Declined');
    await t.database.db.update(sessions).set({ status: 'pending' }).where(eq(sessions.id, top));
    await t.database.db.update(users).set({ name: 'Ada Searchable' }).where(eq(users.id, mentorA.id));
    expect(row((await admin.get('/admin/sessions')).body)).toContain('Pending');
  });

  it('shows a session with its audit trail, payment, emails and link accesses; admins only', async () => {
    const detail = await admin.get(`/admin/sessions/${ids[0]}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('session.created_by_operator');
    expect(detail.body).toContain('session.paid');
    expect(detail.body).toContain(`manual_${ids[0]}`);
    expect(detail.body).toContain('session-request');
    expect(detail.body).toContain('Not yet.');
    expect((await admin.get('/admin/sessions/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    const mentorAgent = await t.loginAs('mentor');
    expect((await mentorAgent.get(`/admin/sessions/${ids[0]}`)).statusCode).toBe(403);
    expect((await mentorAgent.get('/admin/sessions')).statusCode).toBe(403);
  });
});
