import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { eq } from 'drizzle-orm';
import { sessions, type Role } from '../db/schema';
import { httpStatusOf } from '../errors';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { ErrorPage } from '../web/errors';
import { text } from '../web/input';
import { ownPagePath } from '../web/redirect';
import { sendPage } from '../web/render';
import { MACHINE, type Actor, type TransitionRule, type TransitionResult, statusRefusal } from './machine';
import { findSession } from './queries';
import { StepPage, type StepKind } from './step-views';
import { REASON_MAX, cancelSession, completeSession, confirmSession, declineSession } from './transitions';

type StepRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: Record<string, string | undefined> }>;

/** The admin form's `status` field, as steps. */
const ADMIN_STEPS: Record<string, StepKind> = { confirmed: 'confirm', completed: 'complete', cancelled: 'cancel', declined: 'decline' };

const reasonField = text({ max: REASON_MAX, multiline: true, tooLong: `Use at most ${REASON_MAX} characters` }).optional();

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** The pages a step may return to, by role: where its buttons are. The admin's list keeps its filters (query string). */
const BACK_PAGES: Record<Role, RegExp> = {
  admin: new RegExp(`^/(admin/sessions(/${UUID})?|sessions/${UUID})/?$`),
  mentor: new RegExp(`^/(mentor/dashboard|sessions/${UUID})/?$`),
  mentee: new RegExp(`^/(dashboard|sessions/${UUID})/?$`),
};

/**
 * Where to go after a step: `back` when it is one of the role's own pages on this site (so a crafted
 * link cannot send the browser elsewhere), else the role's usual page.
 */
export function stepBack(raw: unknown, role: Role, appUrl: string, fallback: string): string {
  const path = ownPagePath(raw, appUrl);
  if (!path) return fallback;
  const [pathname] = path.split(/[?#]/);
  return BACK_PAGES[role].test(pathname ?? '') ? path.split('#')[0]! : fallback;
}

/**
 * The confirmation steps of the destructive session actions. Each path answers GET with the step page
 * (what will happen, an optional reason, the final button) and POST with the change itself, then goes
 * back where the person came from: the admin to the same filtered Sessions list.
 */
export async function sessionStepRoutes(app: FastifyInstance) {
  const { database, meetings, now, wakeWorker, config } = app.services;
  const db = database.db;
  const actorOf = (request: FastifyRequest): Actor => ({ id: request.user!.id, role: request.user!.role });
  const dashboard = (role: Role) => ({ mentee: '/dashboard', mentor: '/mentor/dashboard', admin: '/admin/sessions' })[role];

  /** The step page for this session and viewer, or 404 when they cannot see it; `status` is the answer's status code. */
  async function showStep(request: StepRequest, reply: FastifyReply, o: { kind: StepKind; action: string; hidden: Record<string, string>; back: string; reason?: string; error?: string; status?: number }) {
    const user = request.user!;
    const s = await findSession(db, request.params.id);
    if (!s || !(user.role === 'admin' || s.mentorId === user.id || s.menteeId === user.id)) return reply.callNotFound();
    const [money] = await db.select({ paidAt: sessions.paidAt, holdReleasedAt: sessions.holdReleasedAt }).from(sessions).where(eq(sessions.id, s.id));
    const verb = o.kind === 'confirm' && user.role === 'mentor' ? 'accept' : o.kind;
    const rule: TransitionRule = MACHINE[verb];
    const facts = { startsAt: s.startsAt, endsAt: s.endsAt, paidAt: money?.paidAt ?? null, holdReleasedAt: money?.holdReleasedAt ?? null };
    const actor = actorOf(request);
    const at = now();
    // A refusal the reason cannot fix (wrong status, too early, too late) replaces the form; the need for a reason does not.
    const refusal = !rule.may(actor, s) ? `You cannot ${verb} this session.`
      : statusRefusal(verb, s.status) ?? rule.guard?.(facts, { now: at, reason: 'given', actor }) ?? null;
    const reasonNeeded = !refusal && Boolean(rule.guard?.(facts, { now: at, reason: undefined, actor }));
    const page = (
      <StepPage ctx={pageContext(request, reply)} action={o.action} hidden={o.hidden} back={o.back} refusal={refusal} reasonNeeded={reasonNeeded}
        reason={o.reason} error={o.error}
        facts={{ kind: o.kind, s, paid: Boolean(money?.paidAt), as: user.role, now: at, zone: user.timezone, provider: meetings.name }} />
    );
    return sendPage(reply, page, o.status ?? (refusal ? 409 : 200));
  }

  /**
   * The POST of a step: a bad reason shows the step again with the error (nothing changed); a refusal
   * shows the step again when it still applies (e.g. the reason is needed), else a page saying why.
   */
  async function takeStep(request: StepRequest, reply: FastifyReply, o: { kind: StepKind; action: string; hidden: Record<string, string>; fallback: string; run: (reason: string | undefined) => Promise<TransitionResult>; done: (result: TransitionResult & { ok: true }) => string }) {
    const back = stepBack(request.body?.back, request.user!.role, config.appUrl, o.fallback);
    const raw = request.body?.reason;
    const reason = reasonField.safeParse(raw);
    if (!reason.success) {
      return showStep(request, reply, { ...o, back, reason: typeof raw === 'string' ? raw.slice(0, REASON_MAX * 2) : '', error: reason.error.issues[0]?.message ?? 'Not valid', status: 400 });
    }
    const result = await o.run(reason.data || undefined);
    if (result.ok) {
      wakeWorker();
      setFlash(reply, o.done(result));
      return reply.redirect(back, 303);
    }
    if (result.code === 'conflict') {
      const [row] = await db.select({ status: sessions.status }).from(sessions).where(eq(sessions.id, request.params.id));
      const verb = o.kind === 'confirm' && request.user!.role === 'mentor' ? 'accept' : o.kind;
      // Still in a status the step applies to: its guard refused (too early, a reason is needed), and the step page says so.
      if (row && !statusRefusal(verb, row.status)) return showStep(request, reply, { ...o, back, reason: reason.data, error: result.message, status: 409 });
    }
    return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing was changed', text: result.message, back }), httpStatusOf(result));
  }

  const stepQuery = { config: { query: { status: 30, back: 300 } } };

  // The admin's Confirm, Mark completed, Cancel (and Decline) on the Sessions page and the session's admin page.
  const adminStep = (request: StepRequest, status: string | undefined) => {
    const kind = ADMIN_STEPS[status ?? ''];
    return kind ? { kind, action: `/admin/sessions/${request.params.id}/set-status/`, hidden: { status: status! } } : null;
  };
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/admin/sessions/:id/set-status', { preHandler: requireRole('admin'), ...stepQuery }, async (request, reply) => {
    const step = adminStep(request as StepRequest, request.query.status);
    const back = stepBack(request.query.back, 'admin', config.appUrl, '/admin/sessions');
    if (!step) return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing to do', text: 'Choose a status: confirmed, completed, cancelled or declined.', back }), 400);
    return showStep(request as StepRequest, reply, { ...step, back });
  });
  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/admin/sessions/:id/set-status', { preHandler: requireRole('admin') }, async (request, reply) => {
    const status = String(request.body?.status ?? '');
    const step = adminStep(request as StepRequest, status);
    if (!step) {
      const back = stepBack(request.body?.back, 'admin', config.appUrl, '/admin/sessions');
      return sendPage(reply, ErrorPage({ ctx: pageContext(request, reply), title: 'Nothing was changed', text: 'Choose a status: confirmed, completed, cancelled or declined.', back }), 400);
    }
    const base = { db, sessionId: request.params.id, actor: actorOf(request), now: now(), ip: request.ip };
    const words: Record<StepKind, string> = { confirm: 'Session confirmed.', complete: 'Session marked completed.', cancel: 'Session cancelled.', decline: 'Session declined.' };
    return takeStep(request as StepRequest, reply, {
      ...step, fallback: '/admin/sessions', done: () => words[step.kind],
      run: (reason) => {
        switch (step.kind) {
          case 'confirm': return confirmSession({ ...base, reason, meetingProvider: meetings.name });
          case 'complete': return completeSession({ ...base, reason });
          case 'cancel': return cancelSession({ ...base, reason });
          case 'decline': return declineSession({ ...base, reason });
        }
      },
    });
  });

  // A participant's (or an admin's) "Cancel session".
  const cancelStep = (request: StepRequest) => ({ kind: 'cancel' as const, action: `/sessions/${request.params.id}/cancel`, hidden: {} });
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/sessions/:id/cancel', { preHandler: requireRole('mentee', 'mentor', 'admin'), ...stepQuery }, async (request, reply) => {
    const role = request.user!.role;
    return showStep(request as StepRequest, reply, { ...cancelStep(request as StepRequest), back: stepBack(request.query.back, role, config.appUrl, dashboard(role)) });
  });
  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/sessions/:id/cancel', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const role = request.user!.role;
    return takeStep(request as StepRequest, reply, {
      ...cancelStep(request as StepRequest), fallback: dashboard(role),
      run: (reason) => cancelSession({ db, sessionId: request.params.id, actor: actorOf(request), now: now(), reason, ip: request.ip }),
      done: (result) => `Session cancelled.${'refund' in result && result.refund === 'full' ? ' The payment will be refunded in full.' : ' No refund is due (less than 24 hours before the start).'}`,
    });
  });

  // The mentor's "Decline" of a request.
  const declineStep = (request: StepRequest) => ({ kind: 'decline' as const, action: `/mentor/session/${request.params.id}/decline`, hidden: {} });
  app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/mentor/session/:id/decline', { preHandler: requireRole('mentor'), ...stepQuery }, async (request, reply) => {
    return showStep(request as StepRequest, reply, { ...declineStep(request as StepRequest), back: stepBack(request.query.back, 'mentor', config.appUrl, '/mentor/dashboard') });
  });
  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/mentor/session/:id/decline', { preHandler: requireRole('mentor') }, async (request, reply) => {
    return takeStep(request as StepRequest, reply, {
      ...declineStep(request as StepRequest), fallback: '/mentor/dashboard',
      run: (reason) => declineSession({ db, sessionId: request.params.id, actor: actorOf(request), now: now(), reason, ip: request.ip }),
      done: () => 'Session declined. The mentee gets a full refund.',
    });
  });
}
