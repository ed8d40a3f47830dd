import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, emailOutbox, refunds, sessions } from '../src/db/schema';
import { mailsTo, type Agent, useMailScenario } from './helpers/scenario';

/**
 * Cancel, Decline, the admin's Confirm and Mark completed act only after a confirmation step: its GET
 * says who is emailed and refunded what and changes nothing; its POST takes an optional reason into
 * the audit row and the cancellation or decline email, and goes back to the page it came from (the
 * admin's filtered Sessions list, with counts that include the change).
 */
const scenario = useMailScenario();
const people = () => ({ mentor: { name: 'Grace Mentor' }, mentee: { name: 'Ada Mentee' } });
const row = async (id: string) => (await scenario.t.database.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
const auditOf = (id: string) => scenario.t.database.db.select().from(auditLog).where(and(eq(auditLog.subjectType, 'session'), eq(auditLog.subjectId, id)));
const outboxOf = async (id: string) => Number((await scenario.t.database.db.select({ n: count() }).from(emailOutbox).where(eq(emailOutbox.sessionId, id)))[0]!.n);
const refundsOf = (id: string) => scenario.t.database.db.select().from(refunds).where(eq(refunds.sessionId, id));
const decode = (html: string) => html.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'");
/** What a session looks like in the database, to show a GET changed none of it. */
const snapshot = async (id: string) => ({ status: (await row(id)).status, audit: (await auditOf(id)).length, outbox: await outboxOf(id), refunds: (await refundsOf(id)).length });

let admin: Agent;
const asAdmin = async () => { admin ??= await scenario.t.loginAs('admin'); return admin; };

describe('the confirmation step changes nothing and says what will happen', () => {
  it('a mentee cancelling: the refund amount by the rule (full 3 days ahead, none within 24 hours), the emails, the room; nothing changes', async () => {
    const early = await scenario.confirmedSession(72, people());
    const before = await snapshot(early.sessionId);
    const step = await early.mentee.get(`/sessions/${early.sessionId}/cancel?back=/sessions/${early.sessionId}`);
    expect(step.statusCode).toBe(200);
    const body = decode(step.body);
    expect(body).toContain('<h1 id="step-title">Cancel this session?</h1>');
    expect(body).toContain('If you cancel now, you get a full refund of $60.00.');
    expect(body).toContain('You and Grace Mentor are each emailed "Session Cancelled - CodeMentorHub", with the reason if you give one.');
    expect(body).toContain('the meeting room is closed');
    expect(body).toContain('<label for="f-reason">Reason (optional)</label>');
    expect(body).toMatch(/<form method="post" action="\/sessions\/[^"]+\/cancel"[^>]*>.*name="_csrf".*<input type="hidden" name="back" value="\/sessions\/[^"]+"\/>/);
    expect(body).toMatch(/<button type="submit" class="btn btn-danger" aria-describedby="step-consequences">Cancel session<\/button><a class="btn btn-quiet" href="\/sessions\/[^"]+">Back<\/a>/);
    expect(await snapshot(early.sessionId)).toEqual(before);

    const late = await scenario.confirmedSession(5, people());
    const lateBefore = await snapshot(late.sessionId);
    const lateStep = decode((await late.mentee.get(`/sessions/${late.sessionId}/cancel`)).body);
    expect(lateStep).toContain('If you cancel now, you get no refund: the session starts in less than 24 hours, so the $60.00 is not returned.');
    // As an admin, the same session refunds in full.
    const adminStep = decode((await (await asAdmin()).get(`/admin/sessions/${late.sessionId}/set-status/?status=cancelled`)).body);
    expect(adminStep).toContain('Ada Mentee (the mentee) gets a full refund of $60.00.');
    expect(adminStep).toContain('Ada Mentee and Grace Mentor are each emailed "Session Cancelled - CodeMentorHub"');
    expect(await snapshot(late.sessionId)).toEqual(lateBefore);
  });

  it('the admin\'s Confirm and Mark completed, the mentor\'s Decline; refused steps say why instead of offering the form', async () => {
    const a = await asAdmin();
    const s = await scenario.pendingSession(48, people());
    const before = await snapshot(s.sessionId);
    const confirm = decode((await a.get(`/admin/sessions/${s.sessionId}/set-status/?status=confirmed`)).body);
    expect(confirm).toContain('Confirm this session?');
    expect(confirm).toContain('A meeting room is created (Jitsi)');
    expect(confirm).toContain('No money moves: the payment of $60.00 is kept.');
    expect(confirm).toContain('>Confirm</button>');
    const decline = decode((await s.mentor.get(`/mentor/session/${s.sessionId}/decline`)).body);
    expect(decline).toContain('Decline this request?');
    expect(decline).toContain('Ada Mentee gets a full refund of $60.00.');
    expect(decline).toContain('You and Ada Mentee are each emailed "Session Declined - CodeMentorHub"');
    expect(decline).toContain('>Decline</button>');
    // Not yet confirmed: nothing to complete.
    const complete = await a.get(`/admin/sessions/${s.sessionId}/set-status/?status=completed`);
    expect(complete.statusCode).toBe(409);
    expect(complete.body).toContain('This session is pending, so it cannot be completed now.');
    expect(complete.body).not.toContain('name="reason"');
    // Only the session's own people, and only its mentor declines.
    expect((await (await scenario.t.loginAs('mentee')).get(`/sessions/${s.sessionId}/cancel`)).statusCode).toBe(404);
    expect((await s.mentee.get(`/mentor/session/${s.sessionId}/decline`)).statusCode).toBe(403);
    expect((await a.get(`/admin/sessions/${s.sessionId}/set-status/?status=paid`)).statusCode).toBe(400);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });
});

describe('the step\'s POST: the reason goes into the audit row and the email', () => {
  it('a mentee cancels with a reason: audit row, both emails say "Reason: …", the session page shows it', async () => {
    const s = await scenario.confirmedSession(72, people());
    const reason = 'My laptop died; I will book again next week.';
    const res = await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, { reason, back: `/sessions/${s.sessionId}` }, `/sessions/${s.sessionId}/cancel`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/sessions/${s.sessionId}`);
    const audit = (await auditOf(s.sessionId)).find((r) => r.action === 'session.cancelled');
    expect(audit?.data).toMatchObject({ from: 'confirmed', to: 'cancelled', reason });
    await scenario.deliver();
    for (const who of [s.mentee, s.mentor]) {
      const [mail] = mailsTo(scenario.smtp, who, 'Session Cancelled - CodeMentorHub');
      expect(mail!.parsed.text).toContain(`Reason: ${reason}`);
      expect(mail!.parsed.html).toContain(`Reason: ${reason}`);
    }
    const page = decode((await s.mentor.get(`/sessions/${s.sessionId}`)).body);
    expect(page).toContain(`Reason: ${reason}`);
    expect(decode((await (await asAdmin()).get(`/admin/sessions/${s.sessionId}`)).body)).toContain(reason);
  });

  it('a mentor declines with a reason; without one the email has no "Reason:" line', async () => {
    const s = await scenario.pendingSession(48, people());
    const reason = 'I am travelling that week.';
    const res = await s.mentor.submit(`/mentor/session/${s.sessionId}/decline`, { reason }, `/mentor/session/${s.sessionId}/decline`);
    expect(res.headers.location).toBe('/mentor/dashboard');
    expect((await auditOf(s.sessionId)).find((r) => r.action === 'session.declined')?.data).toMatchObject({ reason });
    const bare = await scenario.pendingSession(48, people());
    expect((await bare.mentor.submit(`/mentor/session/${bare.sessionId}/decline`, {}, '/mentor/dashboard')).statusCode).toBe(303);
    await scenario.deliver();
    expect(mailsTo(scenario.smtp, s.mentee, 'Session Declined - CodeMentorHub')[0]!.parsed.text).toContain(`Reason: ${reason}`);
    expect(mailsTo(scenario.smtp, bare.mentee, 'Session Declined - CodeMentorHub')[0]!.parsed.text).not.toContain('Reason:');
  });

  it('an admin confirms and later marks completed with a reason: both emails tell it, after the room is made', async () => {
    const a = await asAdmin();
    const s = await scenario.pendingSession(2, people());
    const confirm = 'The mentor confirmed by phone.';
    expect((await a.submit(`/admin/sessions/${s.sessionId}/set-status/`, { status: 'confirmed', reason: confirm }, '/admin/sessions')).statusCode).toBe(303);
    await scenario.deliver();
    for (const who of [s.mentee, s.mentor]) {
      const [mail] = mailsTo(scenario.smtp, who, 'Session Confirmed - CodeMentorHub');
      expect(mail!.parsed.text).toContain(`A note from the CodeMentorHub team: ${confirm}`);
      expect(mail!.parsed.text).toMatch(/Meeting Link: https?:\/\//);
    }
    const done = 'Both joined; marked after the call.';
    const past = s.start.getTime() - scenario.t.clock.now().getTime() + 2 * 3_600_000;
    scenario.t.clock.advance(past);
    try {
      expect((await a.submit(`/admin/sessions/${s.sessionId}/set-status/`, { status: 'completed', reason: done }, '/admin/sessions')).statusCode).toBe(303);
      await scenario.deliver();
      for (const who of [s.mentee, s.mentor]) {
        const [mail] = mailsTo(scenario.smtp, who, 'Thanks for your session - CodeMentorHub');
        expect(mail!.parsed.text).toContain(`A note from the CodeMentorHub team: ${done}`);
        expect(mail!.parsed.html).toContain(`A note from the CodeMentorHub team: ${done}`);
      }
    } finally {
      scenario.t.clock.advance(-past);
    }
  });

  it('a reason over 500 characters shows the step again with the error, and changes nothing', async () => {
    const s = await scenario.confirmedSession(72, people());
    const before = await snapshot(s.sessionId);
    const res = await s.mentee.submit(`/sessions/${s.sessionId}/cancel`, { reason: 'x'.repeat(501) }, `/sessions/${s.sessionId}/cancel`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Use at most 500 characters');
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).toContain('>Cancel session</button>');
    expect(await snapshot(s.sessionId)).toEqual(before);
  });

  it('Mark completed during the session: the step asks for the reason; without it the step comes back with the refusal', async () => {
    const a = await asAdmin();
    const s = await scenario.confirmedSession(2, people());
    // Ten minutes into the hour-long session.
    const into = s.start.getTime() - scenario.t.clock.now().getTime() + 10 * 60_000;
    scenario.t.clock.advance(into);
    try {
      const step = decode((await a.get(`/admin/sessions/${s.sessionId}/set-status/?status=completed`)).body);
      expect(step).toContain('<label for="f-reason">Reason</label>');
      expect(step).toContain('say why it is completed early');
      const bare = await a.submit(`/admin/sessions/${s.sessionId}/set-status/`, { status: 'completed' }, '/admin/sessions');
      expect(bare.statusCode).toBe(409);
      expect(bare.body).toContain('This session has not ended yet. To mark it completed early, give a reason.');
      expect(bare.body).toContain('>Mark completed</button>');
      expect((await row(s.sessionId)).status).toBe('confirmed');
    } finally {
      scenario.t.clock.advance(-into);
    }
  });
});

describe('after an admin action, the same filtered Sessions list with counts that include it', () => {
  const countOf = (body: string, label: string) => Number(new RegExp(`${label} <span class="count">(\\d+)</span>`).exec(body)?.[1]);
  const inStatus = async (status: 'pending' | 'confirmed') => Number((await scenario.t.database.db.select({ n: count() }).from(sessions).where(eq(sessions.status, status)))[0]!.n);

  it('returns to the list with its filters, and the counts are live', async () => {
    const a = await asAdmin();
    const s = await scenario.pendingSession(96, people());
    // The unfiltered counts (a status filter is not a filter for them) are read, and kept for a while.
    const list = '/admin/sessions?status=pending';
    const first = (await a.get(list)).body;
    expect(countOf(first, 'Pending')).toBeGreaterThan(0);
    // The row's Confirm opens the step with the list to come back to.
    // (The rows' buttons submit the page's one step form, which carries the list.)
    expect(decode(first)).toContain(`<form id="step" method="get" action="/admin/sessions"><input type="hidden" name="back" value="${list}"/></form>`);
    expect(decode(first)).toContain(`<button type="submit" form="step" formaction="/admin/sessions/${s.sessionId}/set-status/" name="status" value="confirmed" class="btn btn-small">Confirm</button>`);
    const step = decode((await a.get(`/admin/sessions/${s.sessionId}/set-status/?status=confirmed&back=${encodeURIComponent(list)}`)).body);
    expect(step).toContain(`<input type="hidden" name="back" value="${list}"/>`);
    expect(step).toContain(`<a class="btn btn-quiet" href="${list}">Back</a>`);

    const res = await a.submit(`/admin/sessions/${s.sessionId}/set-status/`, { status: 'confirmed', reason: 'Mentor asked by phone.', back: list }, list);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(list);
    expect((await auditOf(s.sessionId)).find((r) => r.action === 'session.confirmed')?.data).toMatchObject({ reason: 'Mentor asked by phone.' });
    const after = (await a.get(String(res.headers.location))).body;
    expect(after).toContain('Session confirmed.');
    expect(countOf(after, 'Pending')).toBe(await inStatus('pending'));
    expect(countOf(after, 'Confirmed')).toBe(await inStatus('confirmed'));
    expect(after).not.toContain('Counts as of');
  });

  it('goes back only to the admin\'s session pages; anything else lands on the Sessions page', async () => {
    const a = await asAdmin();
    for (const [back, to] of [
      ['/admin/sessions?q=grace&from=2020-01-01', '/admin/sessions?q=grace&from=2020-01-01'],
      ['https://evil.test/admin/sessions', '/admin/sessions'],
      ['//evil.test/admin/sessions', '/admin/sessions'],
      ['/admin/users', '/admin/sessions'],
      ['/admin/sessionsx', '/admin/sessions'],
      ['/\\evil.test', '/admin/sessions'],
    ]) {
      const s = await scenario.pendingSession(120, people());
      const res = await a.submit(`/admin/sessions/${s.sessionId}/set-status/`, { status: 'cancelled', back: back! }, '/admin/sessions');
      expect(res.statusCode, back).toBe(303);
      expect(res.headers.location, back).toBe(to);
    }
  });
});
