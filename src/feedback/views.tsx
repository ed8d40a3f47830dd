import type { FieldErrors } from '../accounts/users';
import type { PageContext } from '../web/context';
import { ErrorSummary, FieldError, TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime, formatter } from '../web/time';
import type { NotesSession } from './notes';
import { NOTE_MAX } from './notes';
import { pluralize } from '../plural';
import {
  COMMENT_MAX, editableUntil, formatRating,
  type AdminReviewRow, type PublicReview, type RateableSession, type RatingSummary, type Review, type ReviewFormValues,
} from './reviews';

const starWord = (n: number) => pluralize(n, 'star');

/** A rating as stars, read out as "4 out of 5 stars". */
export function Stars(props: { rating: number }) {
  return (
    <span class="stars" role="img" aria-label={`${props.rating} out of 5 stars`}>
      {'★'.repeat(props.rating)}{'☆'.repeat(5 - props.rating)}
    </span>
  );
}

/** A mentor card's or profile's rating line: "Rating: ★ 4.5 (12 reviews)". */
export function RatingText(props: { summary: RatingSummary }) {
  return <>Rating: {formatRating(props.summary) ?? 'no reviews yet'}</>;
}

export function formatDate(date: Date, timeZone: string): string {
  return formatter(timeZone, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/**
 * The latest visible reviews on a mentor's public profile: first name of the reviewer and the date only.
 * The average is not repeated here: the profile's card states it once.
 */
export function ProfileReviews(props: { reviews: PublicReview[]; zone: string }) {
  return (
    <section class="card profile-reviews" aria-labelledby="reviews">
      <h2 id="reviews">Reviews</h2>
      {props.reviews.length === 0 ? <p class="muted">No reviews yet.</p> : (
        <ul class="review-list">
          {props.reviews.map((r) => (
            <li key={r.id} class="review">
              <p class="review-head">
                <Stars rating={r.rating} />
                <span class="review-by">{r.reviewer}</span>
                <span class="muted small">{formatDate(r.createdAt, props.zone)}</span>
              </p>
              {r.comment ? <p class="review-comment">{r.comment}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export type FeedbackMode = 'new' | 'edit' | 'locked';

/** Rate a completed session (1–5 stars and an optional comment), or edit that rating for 7 days. */
export function FeedbackPage(props: {
  ctx: PageContext; session: RateableSession; review: Review | null; mode: FeedbackMode;
  values: ReviewFormValues; errors: FieldErrors; conflict?: string;
}) {
  const { session, review, mode, values, errors } = props;
  const zone = props.ctx.user!.timezone;
  const title = mode === 'new' ? 'Rate your session' : mode === 'edit' ? 'Edit your rating' : 'Your rating';
  const action = `/sessions/${session.id}/feedback`;
  return (
    <Layout ctx={props.ctx} title={title}>
      <p><a href="/dashboard">← My Sessions</a></p>
      <section class="card feedback">
        <h1>{title}</h1>
        <p>Your session with <strong>{session.mentorName}</strong> on {formatDateTime(session.startsAt, zone)} ({session.durationMinutes} minutes).</p>
        {props.conflict ? <p class="alert" role="alert">{props.conflict}</p> : null}
        <ErrorSummary errors={errors} labels={{ rating: 'Rating', comment: 'Comment' }} ids={{ rating: 'rating-1', comment: 'f-comment' }} retry="send" />
        {mode === 'locked' && review ? (
          <>
            <p>You rated it <Stars rating={review.rating} /> ({starWord(review.rating)}).</p>
            {review.comment ? <blockquote class="review-comment">{review.comment}</blockquote> : null}
            <p class="muted">Ratings can be changed for 7 days after they are first submitted; this one can no longer be changed.</p>
          </>
        ) : (
          <form method="post" action={action} class="feedback-form">
            <Csrf token={props.ctx.csrf} />
            {mode === 'edit' && review ? <input type="hidden" name="reviewId" value={review.id} /> : null}
            <fieldset class={errors.rating ? 'star-field has-error' : 'star-field'} aria-describedby={errors.rating ? 'rating-error' : undefined}>
              <legend>Rating</legend>
              <FieldError id="rating" error={errors.rating} />
              <div class="star-choices">
                {[1, 2, 3, 4, 5].map((n) => (
                  <label class="star-choice" key={n}>
                    <input type="radio" id={`rating-${n}`} name="rating" value={String(n)} required checked={values.rating === String(n)} />
                    <span class="star-face"><span class="star-glyphs" aria-hidden="true">{'★'.repeat(n)}</span> {starWord(n)}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <TextArea name="comment" label="Comment (optional)" value={values.comment} error={errors.comment} rows={5} maxLength={COMMENT_MAX}
              hint={`Up to ${COMMENT_MAX} characters. It is shown on the mentor's public profile with your first name.`} />
            {mode === 'edit' && review ? (
              <p class="muted small">You can change your rating until {formatDateTime(editableUntil(review), zone)}.</p>
            ) : (
              <p class="muted small">You can change your rating for 7 days after you submit it.</p>
            )}
            <button type="submit" class="btn">{mode === 'edit' ? 'Save rating' : 'Submit rating'}</button>
          </form>
        )}
      </section>
    </Layout>
  );
}

/** A mentor's private notes on one session. */
export function NotesPage(props: { ctx: PageContext; session: NotesSession; note: string; updatedAt: Date | null; errors: FieldErrors }) {
  const { session, errors } = props;
  const zone = props.ctx.user!.timezone;
  return (
    <Layout ctx={props.ctx} title="Private notes">
      <p><a href="/mentor/dashboard">← Mentor Dashboard</a></p>
      <section class="card">
        <h1>Private notes</h1>
        <p>Your session with <strong>{session.menteeName}</strong> on {formatDateTime(session.startsAt, zone)} ({session.durationMinutes} minutes).</p>
        <p class="note">Only you can see these notes. Your mentee never does.</p>
        <ErrorSummary errors={errors} labels={{ note: 'Notes' }} ids={{ note: 'f-note' }} retry="send" />
        <form method="post" action={`/sessions/${session.id}/notes`}>
          <Csrf token={props.ctx.csrf} />
          <TextArea name="note" label="Notes" value={props.note} error={errors.note} rows={10} maxLength={NOTE_MAX}
            hint={`Up to ${NOTE_MAX} characters.${props.updatedAt ? ` Last saved ${formatDateTime(props.updatedAt, zone)}.` : ''}`} />
          <p><button type="submit" class="btn">Save notes</button></p>
        </form>
      </section>
    </Layout>
  );
}

/** Admin moderation: every review, newest first, with Hide / Unhide. */
export function AdminReviewsPage(props: { ctx: PageContext; rows: AdminReviewRow[] }) {
  const tz = props.ctx.user!.timezone;
  return (
    <Layout ctx={props.ctx} title="Reviews" wide>
      <h1>Reviews</h1>
      <p class="muted">Hidden reviews stay stored but are not shown on mentor profiles and do not count in ratings.</p>
      {props.rows.length === 0 ? <p class="card empty">No reviews yet.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Reviews, newest first. Times in {tz}.</caption>
            <thead>
              <tr>
                <th scope="col">Submitted</th><th scope="col">Mentor</th><th scope="col">Mentee</th><th scope="col">Rating</th>
                <th scope="col">Comment</th><th scope="col">Status</th><th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatDateTime(r.createdAt, tz)}</td>
                  <td><a href={`/mentors/${r.mentorId}`}>{r.mentorName}</a></td>
                  <td>{r.menteeName}</td>
                  <td><Stars rating={r.rating} /></td>
                  <td class="review-comment">{r.comment || <span class="muted">No comment</span>}</td>
                  <td>{r.hiddenAt ? <span class="badge">Hidden</span> : <span class="badge badge-sent">Visible</span>}</td>
                  <td class="actions">
                    <form method="post" action={`/admin/reviews/${r.id}/${r.hiddenAt ? 'unhide' : 'hide'}`} class="inline">
                      <Csrf token={props.ctx.csrf} />
                      <button type="submit" class="btn btn-small btn-quiet">
                        {r.hiddenAt ? 'Unhide' : 'Hide'}<span class="sr-only"> the review of {r.mentorName} by {r.menteeName}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
