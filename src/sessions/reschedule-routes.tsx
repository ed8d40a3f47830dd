import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf } from '../errors';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { calendarWeek } from '../booking/weeks';
import { loadSessionPeople } from './participants';
import { listRescheduleSlots, rescheduleSession, whyNotReschedule } from './reschedule';
import { ReschedulePage } from './reschedule-views';


/** GET/POST /sessions/:id/reschedule: its mentee, its mentor or an admin picks another free slot of the mentor. */
export async function rescheduleRoutes(app: FastifyInstance) {
  const { database, now, wakeWorker } = app.services;
  const db = database.db;
  const actor = (request: FastifyRequest) => ({ id: request.user!.id, role: request.user!.role });

  const render = async (request: FastifyRequest<{ Params: { id: string }; Querystring: { week?: string } }>, reply: FastifyReply, options: { error?: string; status?: number } = {}) => {
    const who = actor(request);
    const t = now();
    // Calendar weeks of the viewer's zone (a day's slots on one page); the horizon's cap is applied once the schedule is read.
    const asked = Number.parseInt(String(request.query?.week ?? '0'), 10) || 0;
    const zone = request.user!.timezone;
    const range = calendarWeek({ now: t, zone, horizonDays: 365, week: asked });
    const listed = await listRescheduleSlots({ db, sessionId: request.params.id, actor: who, now: t, range });
    if (!('session' in listed)) return reply.callNotFound();
    const week = calendarWeek({ now: t, zone, horizonDays: listed.schedule.horizonDays, week: asked });
    const s = listed.session;
    const people = await db.transaction((tx) => loadSessionPeople(tx, s.id));
    const otherName = who.role === 'mentee' ? people.mentorName : who.role === 'mentor' ? people.menteeName : `${people.mentorName} and ${people.menteeName}`;
    return sendPage(reply, (
      <ReschedulePage ctx={pageContext(request, reply)} session={{ id: s.id, status: s.status, startsAt: s.startsAt, durationMinutes: s.durationMinutes, otherName }}
        slots={week.index === range.index ? listed.slots : []} week={week} refused={whyNotReschedule(s, who, t)} error={options.error} />
    ), options.status ?? 200);
  };

  app.get<{ Params: { id: string }; Querystring: { week?: string } }>('/sessions/:id/reschedule', { preHandler: requireRole('mentee', 'mentor', 'admin') }, (request, reply) => render(request, reply));

  app.post<{ Params: { id: string }; Querystring: { week?: string }; Body: Record<string, string> }>('/sessions/:id/reschedule', { preHandler: requireRole('mentee', 'mentor', 'admin') }, async (request, reply) => {
    const who = actor(request);
    const result = await rescheduleSession({ db, sessionId: request.params.id, actor: who, input: { startsAt: request.body?.startsAt }, now: now(), ip: request.ip });
    if (!result.ok) {
      if (result.code === 'not_found') return reply.callNotFound();
      return render(request, reply, { error: result.message, status: httpStatusOf(result) });
    }
    wakeWorker();
    setFlash(reply, result.status === 'pending' && who.role === 'mentee'
      ? 'New time requested. Your mentor will accept it or decline it; both of you have been emailed.'
      : 'Session moved. Both of you have been emailed the new time.');
    return reply.redirect(`/sessions/${request.params.id}`, 303);
  });
}
