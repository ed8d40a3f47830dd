import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bookSession } from '../booking/book';
import { bookingStepPath, chosenStart } from '../booking/step';
import { refuseUnverified } from '../accounts/verify-gate';
import { listFreeSlots, LONGEST_SESSION_MS } from '../booking/slots';
import { pageContext } from '../web/context';
import { sendPage } from '../web/render';
import { TZ_COOKIE, viewerTimeZone } from '../web/zones';
import { calendarWeek, weekIndexOf } from '../booking/weeks';
import { isUuid } from '../db/ids';
import { httpStatusOf } from '../errors';
import { DIRECTORY_SORTS, listDirectory, type DirectorySort } from './directory';
import { loadMentorPage } from './page-query';
import { LIMITS as MENTOR_LIMITS } from './profile';
import { DirectoryPage, ProfilePage } from './views';

type Query = { q?: string; max?: string; tz?: string; length?: string; week?: string; page?: string; skill?: string; sort?: string; free?: string; startsAt?: string; durationMinutes?: string };

/** Booking posts per account (or per address, before log-in) per minute: each one may hold a slot. */
function bookingRateLimit(max: number) {
  return {
    max,
    timeWindow: '1 minute',
    // After the log-in cookie is read, so the key is the account, not a shared office address.
    hook: 'preHandler' as const,
    keyGenerator: (request: FastifyRequest) => (request.user ? `book:user:${request.user.id}` : `book:ip:${request.ip}`),
    errorResponseBuilder: () => Object.assign(
      new Error('You are booking too quickly. Wait a minute, then try again. Any booking you have not paid for yet is on your My Sessions page.'),
      { statusCode: 429, friendly: true },
    ),
  };
}

export async function mentorRoutes(app: FastifyInstance) {
  const { database, payments, config, now } = app.services;
  const db = database.db;

  app.get<{ Querystring: Query }>('/mentors', { config: { query: { q: 100, max: 12, tz: 64, page: 6, skill: 40, sort: 10, free: 10 } } }, async (request, reply) => {
    const q = String(request.query.q ?? '').slice(0, 100);
    const max = Number(request.query.max);
    const maxRateCents = Number.isFinite(max) && max > 0 ? Math.round(max * 100) : undefined;
    const tz = viewerTimeZone(request.user?.timezone, request.query.tz, request.cookies?.[TZ_COOKIE]);
    const page = Math.min(Math.max(0, Math.trunc(Number(request.query.page) || 0)), 10_000);
    const skill = String(request.query.skill ?? '').trim();
    // An unknown sort or filter value (an old or edited link) is the default, not an error.
    const sort: DirectorySort = (DIRECTORY_SORTS as readonly string[]).includes(request.query.sort ?? '') ? (request.query.sort as DirectorySort) : 'name';
    const free = request.query.free === 'week';
    const { entries, hasMore } = await listDirectory({ db, query: q, skill, maxRateCents, sort, freeThisWeek: free, now: now(), page });
    return sendPage(reply, (
      <DirectoryPage ctx={pageContext(request, reply)} mentors={entries} zone={tz.zone} zoneSource={tz.source} page={page} hasMore={hasMore}
        filters={{ q, max: request.query.max ?? '', skill, sort, free }} />
    ));
  });

  const showProfile = async (request: import('fastify').FastifyRequest<{ Params: { id: string }; Querystring: Query }>, reply: import('fastify').FastifyReply, error?: { status: number; message: string; holdId?: string; noteError?: string }) => {
    const id = request.params.id;
    const body = request.body as Record<string, string> | undefined;
    const tz = viewerTimeZone(request.user?.timezone, request.query.tz ?? body?.tz, request.cookies?.[TZ_COOKIE]);
    const t = now();
    // The slot chosen before (a refused booking, or back from log-in or sign-up): its week is shown, with it selected.
    const chosen = chosenStart(body?.startsAt ?? request.query.startsAt);
    const chosenWeek = chosen && request.query.week === undefined ? weekIndexOf({ now: t, zone: tz.zone, at: chosen }) : undefined;
    // Pages are calendar weeks of the viewer's zone, so each day's slots are on one page. The week asked
    // for is known before the mentor's horizon is: its sessions are read with the mentor, and only a week
    // past the horizon (clamped below) reads its own.
    const weekAsked = chosenWeek ?? Number(request.query.week);
    const likely = calendarWeek({ now: t, zone: tz.zone, horizonDays: MENTOR_LIMITS.horizonDaysMax, week: weekAsked });
    const page = isUuid(id) ? await loadMentorPage(db, { id, now: t, busyWindow: { from: likely.from, to: new Date(likely.to.getTime() + LONGEST_SESSION_MS) } }) : null;
    if (!page) return reply.callNotFound();
    const { profile, schedule } = page;
    const requested = Number(body?.durationMinutes ?? request.query.length);
    const length = schedule.sessionLengths.includes(requested) ? requested : schedule.sessionLengths[0]!;
    const week = calendarWeek({ now: t, zone: tz.zone, horizonDays: schedule.horizonDays, week: weekAsked });
    const slots = await listFreeSlots({ db, schedule, durationMinutes: length, now: t, range: { from: week.from, to: week.to }, known: page.known });
    const stillFree = chosen && slots.some((s) => s.getTime() === chosen.getTime());
    const gone = chosen && !stillFree && !error ? chosen : undefined;
    const note = typeof body?.note === 'string' ? body.note.slice(0, 4000) : '';
    return sendPage(reply, (
      <ProfilePage ctx={pageContext(request, reply)} profile={profile} schedule={schedule} length={length} slots={slots} week={week} zone={tz.zone}
        zoneSource={tz.source} detectZone={tz.source === 'default' && request.method === 'GET'} error={error?.message} holdId={error?.holdId}
        chosen={stillFree ? chosen : undefined} gone={gone} note={note} noteError={error?.noteError} />
    ), error?.status ?? 200);
  };

  app.get<{ Params: { id: string }; Querystring: Query }>('/mentors/:id', { config: { query: { length: 4, week: 4, tz: 64, startsAt: 40 } } }, (request, reply) => showProfile(request, reply));

  // A visitor's "Log in to book" (a GET form: nothing is booked): off to log in, and back to this choice afterwards.
  app.get<{ Params: { id: string }; Querystring: Query }>('/mentors/:id/book', { config: { query: { durationMinutes: 4, startsAt: 40, tz: 64 } } }, async (request, reply) => {
    if (!isUuid(request.params.id)) return reply.callNotFound();
    const step = bookingStepPath(request.params.id, { length: request.query.durationMinutes, startsAt: request.query.startsAt, tz: request.query.tz });
    return reply.redirect(request.user ? step : `/login?next=${encodeURIComponent(step)}`, 303);
  });

  app.post<{ Params: { id: string }; Querystring: Query; Body: Record<string, string> }>('/mentors/:id/book', { config: { rateLimit: bookingRateLimit(config.bookingRateLimitPerMinute) } }, async (request, reply) => {
    const body = request.body ?? {};
    if (!request.user) {
      const step = bookingStepPath(request.params.id, { length: body.durationMinutes, startsAt: body.startsAt, tz: body.tz });
      return reply.redirect(`/login?next=${encodeURIComponent(step)}`, 303);
    }
    if (request.user.role !== 'mentee') {
      return showProfile(request, reply, { status: 403, message: 'Only mentee accounts can book sessions.' });
    }
    if (refuseUnverified(request, reply, bookingStepPath(request.params.id, { length: body.durationMinutes, startsAt: body.startsAt }))) return reply;
    const result = await bookSession({
      db, payments, appUrl: config.appUrl, now: now(),
      mentee: { id: request.user.id, email: request.user.email, name: request.user.name },
      input: { mentorId: request.params.id, startsAt: body.startsAt, durationMinutes: body.durationMinutes, note: body.note },
    });
    if (!result.ok) {
      if (result.code === 'not_found') return reply.callNotFound();
      return showProfile(request, reply, { status: httpStatusOf(result), message: result.message, holdId: result.details.holdId, noteError: result.details.fields?.note });
    }
    return reply.redirect(result.redirectUrl, 303);
  });
}
