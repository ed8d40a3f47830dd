import type { FastifyInstance } from 'fastify';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { emptyApplicationForm, listApplicationsOf, submitMentorApplication, type ApplicationForm } from './applications';
import { APPLY_PATH, ApplyPage } from './application-views';

type Body = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));

function readForm(body: Body): ApplicationForm {
  return {
    headline: one(body.headline), bio: one(body.bio), skills: one(body.skills),
    hourlyRate: one(body.hourlyRate), currency: one(body.currency), links: one(body.links),
  };
}

/** "Become a mentor": anyone reads it, a mentee applies (admins decide on /admin/mentors). */
export async function mentorApplicationRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  const db = database.db;

  app.get(APPLY_PATH, async (request, reply) => {
    const applications = request.user ? await listApplicationsOf({ db, userId: request.user.id }) : [];
    return sendPage(reply, <ApplyPage ctx={pageContext(request, reply)} applications={applications} values={emptyApplicationForm} errors={{}} />);
  });

  app.post<{ Body: Body }>(APPLY_PATH, { preHandler: requireRole('mentee') }, async (request, reply) => {
    const input = readForm(request.body ?? {});
    const result = await submitMentorApplication({ db, userId: request.user!.id, input, ip: request.ip, now: now() });
    if (!result.ok) {
      const applications = await listApplicationsOf({ db, userId: request.user!.id });
      const errors = result.code === 'invalid' ? result.details.fields : { form: result.message };
      return sendPage(reply, <ApplyPage ctx={pageContext(request, reply)} applications={applications} values={input} errors={errors} />, result.status);
    }
    setFlash(reply, 'Thank you: your application is sent. We will email you the answer.');
    return reply.redirect(APPLY_PATH, 303);
  });
}
