import type { FastifyInstance } from 'fastify';
import { RatingText } from '../feedback/views';
import { listMentors, type MentorCard } from '../mentors/directory';
import { formatMoney } from '../web/money';
import { pageContext, type PageContext } from '../web/context';
import { Layout } from '../web/layout';
import { sendPage } from '../web/render';

export async function homeRoutes(app: FastifyInstance) {
  const { db } = app.services.database;
  app.get('/', async (request, reply) => {
    const mentors = await listMentors({ db, limit: 6 });
    return sendPage(reply, <HomePage ctx={pageContext(request, reply)} mentors={mentors} />);
  });
}

function HomePage(props: { ctx: PageContext; mentors: MentorCard[] }) {
  return (
    <Layout ctx={props.ctx} title="Mentoring sessions with experienced developers">
      <section class="hero">
        <h1>Get unstuck with a developer who has been there.</h1>
        <p class="lead">
          Book a one-to-one video session with an experienced mentor. Pay per session, get a confirmed
          meeting link by email, and join from your dashboard.
        </p>
        {props.ctx.user ? null : (
          <p class="actions">
            <a class="btn btn-large" href="/signup">Create a free account</a>
            <a class="btn btn-large btn-quiet" href="/login">Log in</a>
          </p>
        )}
      </section>

      <section aria-labelledby="how">
        <h2 id="how">How it works</h2>
        <ol class="steps">
          <li><strong>Choose a mentor</strong> and a time that suits you, shown in your own time zone.</li>
          <li><strong>Pay for the session.</strong> Your slot is held while you pay.</li>
          <li><strong>Your mentor confirms</strong> and a private meeting room is created for the two of you.</li>
          <li><strong>Join</strong> from the confirmation email or your dashboard, 5 minutes early.</li>
        </ol>
      </section>

      <section aria-labelledby="mentors">
        <h2 id="mentors">Our mentors</h2>
        {props.mentors.length === 0 ? (
          <p class="muted">Mentors are joining soon.</p>
        ) : (
          <ul class="cards">
            {props.mentors.map((m) => (
              <li class="card mentor-card" key={m.id}>
                <h3><a href={`/mentors/${m.id}`}>{m.name}</a></h3>
                <p>{m.headline}</p>
                <ul class="tags" aria-label="Skills">
                  {m.skills.map((s) => <li key={s}>{s}</li>)}
                </ul>
                <p class="price">{formatMoney(m.hourlyRateCents, m.currency)} <span class="muted">per hour</span></p>
                <p class={m.rating.count ? 'rating small' : 'muted small'}><RatingText summary={m.rating} /></p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="teach" class="card home-teach">
        <h2 id="teach">Share what you know</h2>
        <p>Experienced developers mentor here on their own schedule and at their own rate.</p>
        <p><a class="btn btn-quiet" href="/become-a-mentor">Become a mentor</a></p>
      </section>
    </Layout>
  );
}
