import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldErrors } from '../accounts/users';
import { httpStatusOf } from '../errors';
import { requireRole } from '../web/auth';
import { pageContext, setFlash } from '../web/context';
import { sendPage } from '../web/render';
import { findNotesSession, saveMentorNotes } from './notes';
import {
  findRateableSession, hideReview, isEditable, listReviewsForAdmin, reviewFormValues, submitReview, unhideReview,
  type Review, type ReviewFormValues,
} from './reviews';
import { AdminReviewsPage, FeedbackPage, NotesPage, type FeedbackMode } from './views';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/**
 * Feedback on completed sessions: the mentee's rating (/sessions/:id/feedback), the mentor's private
 * notes (/sessions/:id/notes), and the admin's moderation (/admin/reviews). To anyone but the one
 * person a page is for, it does not exist (404), whatever their role.
 */
export async function feedbackRoutes(app: FastifyInstance) {
  const { database, now } = app.services;
  const db = database.db;
  const anyone = { preHandler: requireRole('mentee', 'mentor', 'admin') };

  const modeOf = (review: Review | null): FeedbackMode => (!review ? 'new' : isEditable(review, now()) ? 'edit' : 'locked');
  const storedValues = (review: Review | null): ReviewFormValues => ({ rating: review ? String(review.rating) : '', comment: review?.comment ?? '' });

  async function showFeedback(request: IdRequest, reply: FastifyReply, extra: { status?: number; values?: ReviewFormValues; errors?: FieldErrors; conflict?: string } = {}) {
    const found = request.user!.role === 'mentee' ? await findRateableSession({ db, sessionId: request.params.id, menteeId: request.user!.id }) : null;
    if (!found) return reply.callNotFound();
    return sendPage(reply, (
      <FeedbackPage ctx={pageContext(request, reply)} session={found.session} review={found.review} mode={modeOf(found.review)}
        values={extra.values ?? storedValues(found.review)} errors={extra.errors ?? {}} conflict={extra.conflict} />
    ), extra.status ?? 200);
  }

  app.get<{ Params: { id: string }; Body: Record<string, unknown> }>('/sessions/:id/feedback', anyone, (request, reply) => showFeedback(request, reply));

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/sessions/:id/feedback', anyone, async (request, reply) => {
    if (request.user!.role !== 'mentee') return reply.callNotFound();
    const result = await submitReview({ db, sessionId: request.params.id, menteeId: request.user!.id, input: request.body, now: now(), ip: request.ip });
    if (result.ok) {
      setFlash(reply, result.created ? 'Thank you! Your rating is saved.' : 'Your rating is updated.');
      return reply.redirect('/dashboard', 303);
    }
    if (result.code === 'not_found') return reply.callNotFound();
    if (result.code === 'invalid') return showFeedback(request, reply, { status: httpStatusOf(result), values: reviewFormValues(request.body), errors: result.details.fields });
    // A conflict: nothing changed; the page shows what is stored, and why this was refused.
    return showFeedback(request, reply, { status: httpStatusOf(result), conflict: result.message });
  });

  async function showNotes(request: IdRequest, reply: FastifyReply, extra: { status?: number; note?: string; errors?: FieldErrors } = {}) {
    const found = request.user!.role === 'mentor' ? await findNotesSession({ db, sessionId: request.params.id, mentorId: request.user!.id }) : null;
    if (!found) return reply.callNotFound();
    return sendPage(reply, (
      <NotesPage ctx={pageContext(request, reply)} session={found.session} note={extra.note ?? found.note} updatedAt={found.updatedAt} errors={extra.errors ?? {}} />
    ), extra.status ?? 200);
  }

  app.get<{ Params: { id: string }; Body: Record<string, unknown> }>('/sessions/:id/notes', anyone, (request, reply) => showNotes(request, reply));

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/sessions/:id/notes', anyone, async (request, reply) => {
    if (request.user!.role !== 'mentor') return reply.callNotFound();
    const result = await saveMentorNotes({ db, sessionId: request.params.id, mentorId: request.user!.id, input: request.body, now: now(), ip: request.ip });
    if (result.ok) {
      setFlash(reply, 'Your notes are saved.');
      return reply.redirect(`/sessions/${request.params.id}/notes`, 303);
    }
    if (result.code === 'not_found') return reply.callNotFound();
    const typed = request.body?.note;
    return showNotes(request, reply, { status: httpStatusOf(result), note: typeof typed === 'string' ? typed : '', errors: result.details.fields });
  });

  const admin = { preHandler: requireRole('admin') };

  app.get('/admin/reviews', admin, async (request, reply) => {
    const rows = await listReviewsForAdmin({ db });
    return sendPage(reply, <AdminReviewsPage ctx={pageContext(request, reply)} rows={rows} />);
  });

  for (const verb of ['hide', 'unhide'] as const) {
    app.post<{ Params: { id: string } }>(`/admin/reviews/:id/${verb}`, admin, async (request, reply) => {
      const change = verb === 'hide' ? hideReview : unhideReview;
      const result = await change({ db, reviewId: request.params.id, actorId: request.user!.id, now: now(), ip: request.ip });
      if (result === 'not-found') return reply.callNotFound();
      setFlash(reply, result === 'unchanged'
        ? `This review is already ${verb === 'hide' ? 'hidden' : 'visible'}.`
        : verb === 'hide' ? 'Review hidden. It no longer shows on the profile or counts in the rating.' : 'Review visible again.');
      return reply.redirect('/admin/reviews', 303);
    });
  }
}
