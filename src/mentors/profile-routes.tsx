import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../accounts/users';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { ForbiddenPage } from '../web/errors';
import { sendPage } from '../web/render';
import type { Outcome } from '../accounts/outcome';
import { replaceAvailability, WEEK, type WindowInput } from './availability';
import { loadMentorForEdit, profileFormValues, updateMentorProfile, type MentorForEdit, type ProfileForm } from './profile';
import { addTimeOff, listTimeOff, removeTimeOff, type TimeOffForm } from './time-off';
import { EMPTY_TIME_OFF, formatDays } from './time-off-views';
import { availabilityFormValues, AvailabilityPage, ProfileEditPage, ROWS_PER_DAY, type AvailabilityForm, type EditTarget } from './profile-views';

type Body = Record<string, string | string[] | undefined>;
type Params = { id: string };
type TimeOffParams = { timeOffId: string };

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function readProfileForm(body: Body): ProfileForm {
  return {
    headline: one(body.headline),
    bio: one(body.bio),
    skills: one(body.skills),
    hourlyRate: one(body.hourlyRate),
    currency: one(body.currency),
    sessionLengths: many(body.sessionLengths),
    minNoticeHours: one(body.minNoticeHours),
    horizonDays: one(body.horizonDays),
    bufferMinutes: one(body.bufferMinutes),
  };
}

/** A day's rows: at least ROWS_PER_DAY, and any further rows the page carried (when more windows were stored). */
const MAX_ROWS_PER_DAY = 48;

function readAvailabilityForm(body: Body): { values: AvailabilityForm; windows: WindowInput[] } {
  const values: AvailabilityForm = {};
  const windows: WindowInput[] = [];
  for (const day of WEEK) {
    const rows: { start: string; end: string }[] = [];
    for (let i = 1; i <= MAX_ROWS_PER_DAY; i++) {
      const startField = body[`${day.key}-${i}-start`];
      const endField = body[`${day.key}-${i}-end`];
      if (i > ROWS_PER_DAY && startField === undefined && endField === undefined) break;
      const row = { start: one(startField), end: one(endField) };
      rows.push(row);
      windows.push({ id: `${day.key}-${i}`, weekday: day.value, ...row });
    }
    values[day.key] = rows;
  }
  return { values, windows };
}

/**
 * The profile and availability editors, twice: a mentor edits their own (/mentor/...), an admin
 * edits any mentor's (/admin/mentors/:id/...). The same pages and domain functions serve both; the
 * mentor pages take the mentor from the session, never from the request, so no id can be swapped in.
 */
export async function mentorProfileRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  const db = database.db;

  const ownTarget = (m: MentorForEdit): EditTarget => ({
    mentor: m, asAdmin: false, profileUrl: '/mentor/profile', availabilityUrl: '/mentor/availability',
  });
  const adminTarget = (m: MentorForEdit): EditTarget => ({
    mentor: m, asAdmin: true, profileUrl: `/admin/mentors/${m.id}/profile`, availabilityUrl: `/admin/mentors/${m.id}/availability`,
  });

  /** An outcome other than invalid input (the mentor vanished, or the actor lost the right) as its page. */
  function refusal(request: FastifyRequest, reply: FastifyReply, outcome: Exclude<Outcome, { ok: true }>) {
    if (outcome.reason === 'not-found') return reply.callNotFound();
    return sendPage(reply, ForbiddenPage({ ctx: pageContext(request, reply) }), 403);
  }

  async function showProfile(request: FastifyRequest<{ Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) {
    return sendPage(reply, <ProfileEditPage ctx={pageContext(request, reply)} target={target} values={profileFormValues(mentor.profile)} errors={{}} />);
  }

  async function saveProfile(request: FastifyRequest<{ Body: Body }>, reply: FastifyReply, target: EditTarget) {
    const input = readProfileForm(request.body ?? {});
    const result = await updateMentorProfile({ db, mentorId: target.mentor.id, input, actorId: request.user!.id, ip: request.ip });
    if (!result.ok && result.reason !== 'invalid') return refusal(request, reply, result);
    if (!result.ok) {
      return sendPage(reply, <ProfileEditPage ctx={pageContext(request, reply)} target={target} values={input} errors={result.errors} />, 400);
    }
    setFlash(reply, target.asAdmin ? `The profile of ${target.mentor.name} is saved.` : 'Your profile is saved.');
    return reply.redirect(target.profileUrl, 303);
  }

  /** The availability page; a refused time-off form comes back with its values and errors, the rest as stored. */
  async function availabilityPage(request: FastifyRequest, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit,
    edit: { values?: AvailabilityForm; errors?: FieldErrors; timeOff?: { values: TimeOffForm; errors: FieldErrors } } = {}, status = 200) {
    const entries = await listTimeOff({ db, mentorId: mentor.id, timezone: mentor.timezone, now: now() });
    return sendPage(reply, (
      <AvailabilityPage ctx={pageContext(request, reply)} target={target} values={edit.values ?? availabilityFormValues(mentor.windows)} errors={edit.errors ?? {}}
        saved={mentor.windows} timeOff={{ entries, ...(edit.timeOff ?? { values: EMPTY_TIME_OFF, errors: {} }) }} />
    ), status);
  }

  async function showAvailability(request: FastifyRequest<{ Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) {
    return availabilityPage(request, reply, target, mentor);
  }

  async function saveTimeOff(request: FastifyRequest<{ Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) {
    const body = request.body ?? {};
    const input: TimeOffForm = { startDate: one(body.startDate), endDate: one(body.endDate), note: one(body.note) };
    const result = await addTimeOff({ db, mentorId: mentor.id, timezone: mentor.timezone, input, actorId: request.user!.id, now: now(), ip: request.ip });
    if (!result.ok && result.reason !== 'invalid') return refusal(request, reply, result);
    if (!result.ok) return availabilityPage(request, reply, target, mentor, { timeOff: { values: input, errors: result.errors } }, 400);
    // The sessions on those days are listed with the entry; the message points there.
    const added = (await listTimeOff({ db, mentorId: mentor.id, timezone: mentor.timezone, now: now() })).find((e) => e.id === result.id);
    const kept = added?.sessions.length ?? 0;
    const days = added ? formatDays(added) : 'those days';
    setFlash(reply, kept
      ? `Time off added: ${days}. ${kept === 1 ? 'A session is' : `${kept} sessions are`} still booked on those days and not cancelled (listed below).`
      : `Time off added: ${days}.`);
    return reply.redirect(`${target.availabilityUrl}#time-off`, 303);
  }

  const dropTimeOff = async (request: FastifyRequest<{ Params: TimeOffParams; Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) => {
    const result = await removeTimeOff({ db, mentorId: mentor.id, timeOffId: request.params.timeOffId, actorId: request.user!.id, ip: request.ip });
    if (!result.ok) return refusal(request, reply, result);
    setFlash(reply, 'Time off removed: those days can be booked again.');
    return reply.redirect(`${target.availabilityUrl}#time-off`, 303);
  };

  async function saveAvailability(request: FastifyRequest<{ Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) {
    const { values, windows } = readAvailabilityForm(request.body ?? {});
    const result = await replaceAvailability({ db, mentorId: mentor.id, windows, actorId: request.user!.id, ip: request.ip });
    if (!result.ok && result.reason !== 'invalid') return refusal(request, reply, result);
    if (!result.ok) {
      return availabilityPage(request, reply, target, mentor, { values, errors: result.errors }, 400);
    }
    setFlash(reply, target.asAdmin ? `The availability of ${target.mentor.name} is saved.` : 'Your availability is saved.');
    return reply.redirect(target.availabilityUrl, 303);
  }

  // biome-ignore lint/suspicious/noExplicitAny: handlers differ only in their params, which own/any pass through untouched
  type Handler = (request: FastifyRequest<{ Params: any; Body: Body }>, reply: FastifyReply, target: EditTarget, mentor: MentorForEdit) => Promise<unknown>;

  /** A mentor's own page: the mentor is whoever is logged in, never an id from the request. */
  const own = (handler: Handler) => async (request: FastifyRequest<{ Body: Body }>, reply: FastifyReply) => {
    const mentor = await loadMentorForEdit({ db, mentorId: request.user!.id });
    if (!mentor) return reply.callNotFound();
    return handler(request, reply, ownTarget(mentor), mentor);
  };
  /** An admin's page for any mentor; 404 for an id that is not a mentor's. */
  const any = (handler: Handler) => async (request: FastifyRequest<{ Params: Params; Body: Body }>, reply: FastifyReply) => {
    const mentor = await loadMentorForEdit({ db, mentorId: request.params.id });
    if (!mentor) return reply.callNotFound();
    return handler(request, reply, adminTarget(mentor), mentor);
  };

  const mentorOnly = { preHandler: requireRole('mentor') };
  app.get<{ Body: Body }>('/mentor/profile', mentorOnly, own(showProfile));
  app.post<{ Body: Body }>('/mentor/profile', mentorOnly, own(saveProfile));
  app.get<{ Body: Body }>('/mentor/availability', mentorOnly, own(showAvailability));
  app.post<{ Body: Body }>('/mentor/availability', mentorOnly, own(saveAvailability));
  app.post<{ Body: Body }>('/mentor/availability/time-off', mentorOnly, own(saveTimeOff));
  app.post<{ Params: TimeOffParams; Body: Body }>('/mentor/availability/time-off/:timeOffId/remove', mentorOnly, own(dropTimeOff));

  const adminOnly = { preHandler: requireRole('admin') };
  app.get<{ Params: Params; Body: Body }>('/admin/mentors/:id/profile', adminOnly, any(showProfile));
  app.post<{ Params: Params; Body: Body }>('/admin/mentors/:id/profile', adminOnly, any(saveProfile));
  app.get<{ Params: Params; Body: Body }>('/admin/mentors/:id/availability', adminOnly, any(showAvailability));
  app.post<{ Params: Params; Body: Body }>('/admin/mentors/:id/availability', adminOnly, any(saveAvailability));
  app.post<{ Params: Params; Body: Body }>('/admin/mentors/:id/availability/time-off', adminOnly, any(saveTimeOff));
  app.post<{ Params: Params & TimeOffParams; Body: Body }>('/admin/mentors/:id/availability/time-off/:timeOffId/remove', adminOnly, any(dropTimeOff));
}
