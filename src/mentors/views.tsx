import { CancellationRule } from '../sessions/views';
import type { MentorSchedule } from '../booking/slots';
import { SlotPicker } from '../booking/slot-picker';
import { ProfileReviews, RatingText } from '../feedback/views';
import type { PageContext } from '../web/context';
import { Field, SelectField } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';
import { describeZone, zoneOptions } from '../web/zones';
import { formatMoney } from '../web/money';
import type { DirectoryEntry, MentorProfileView } from './directory';

function Tags(props: { skills: string[] }) {
  return (
    <ul class="tags" aria-label="Skills">
      {props.skills.map((s) => <li key={s}>{s}</li>)}
    </ul>
  );
}

export function DirectoryPage(props: { ctx: PageContext; mentors: DirectoryEntry[]; q: string; max: string; zone: string; page: number; hasMore: boolean }) {
  const pageLink = (page: number) => {
    const p = new URLSearchParams(Object.entries({ q: props.q, max: props.max, page: page ? String(page) : '' }).filter(([, v]) => v));
    return p.size ? `/mentors?${p}` : '/mentors';
  };
  return (
    <Layout ctx={props.ctx} title="Find a mentor" wide>
      <h1>Find a mentor</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new */}
      <form method="get" action="/mentors" class="search" role="search">
        <Field id="q" name="q" label="Name or skill" type="search" value={props.q} placeholder="e.g. TypeScript" />
        <Field id="max" name="max" label="Max rate per hour (USD)" type="number" min={1} step={1} value={props.max} inputmode="numeric" />
        <button type="submit" class="btn">Search</button>
      </form>
      {props.mentors.length === 0 ? (
        <p class="card empty">No mentors match. Try another skill or a higher rate.</p>
      ) : (
        <ul class="cards">
          {props.mentors.map((m) => (
            <li class="card mentor-card" key={m.id}>
              <h2 class="h3"><a href={`/mentors/${m.id}`}>{m.name}</a></h2>
              <p>{m.headline}</p>
              <Tags skills={m.skills} />
              <p class="price">{formatMoney(m.hourlyRateCents, m.currency)} <span class="muted">per hour</span></p>
              <p class={m.rating.count ? 'rating small' : 'muted small'}><RatingText summary={m.rating} /></p>
              <p class="small">
                {m.nextFreeSlot ? <>Next free: <strong>{formatDateTime(m.nextFreeSlot, props.zone)}</strong></> : 'No free slots in the next weeks'}
              </p>
            </li>
          ))}
        </ul>
      )}
      {props.page > 0 || props.hasMore ? (
        <nav aria-label="Pages" class="week-nav">
          {props.page > 0 ? <a href={pageLink(props.page - 1)}>← Previous</a> : <span />}
          {props.hasMore ? <a href={pageLink(props.page + 1)}>More mentors →</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}

export function ProfilePage(props: {
  ctx: PageContext; profile: MentorProfileView; schedule: MentorSchedule; length: number; slots: Date[]; week: number; weeks: number;
  zone: string; zoneFromAccount: boolean; error?: string;
  /** An unpaid hold the refusal is about: the mentee can go and pay it. */
  holdId?: string;
}) {
  const { profile, schedule, zone } = props;
  const price = Math.round((schedule.hourlyRateCents * props.length) / 60);
  const user = props.ctx.user;
  const canBook = user?.role === 'mentee';
  const weekLink = (week: number) => {
    const q = new URLSearchParams({ length: String(props.length), week: String(week) });
    if (!props.zoneFromAccount) q.set('tz', zone);
    return `/mentors/${profile.id}?${q}#book`;
  };
  const weekNav = (
    <nav class="week-nav" aria-label="Weeks">
      {props.week > 0 ? <a href={weekLink(props.week - 1)}>← Earlier</a> : <span />}
      <span class="muted small">Week {props.week + 1} of {props.weeks}</span>
      {props.week + 1 < props.weeks ? <a href={weekLink(props.week + 1)}>Later →</a> : <span />}
    </nav>
  );
  return (
    <Layout ctx={props.ctx} title={profile.name} wide>
      <p><a href="/mentors">← All mentors</a></p>
      <div class="profile">
        <div class="profile-main">
        <section class="card">
          <h1>{profile.name}</h1>
          <p class="lead">{profile.headline}</p>
          <Tags skills={profile.skills} />
          <p class="price">{formatMoney(profile.hourlyRateCents, profile.currency)} <span class="muted">per hour</span></p>
          {profile.bio ? <p class="bio">{profile.bio}</p> : null}
          <p class="muted small">Based in the {profile.timezone} time zone · <RatingText summary={profile.rating} /></p>
        </section>
        <ProfileReviews reviews={profile.reviews} zone={zone} />
        </div>

        <section class="card" aria-labelledby="book">
          <h2 id="book">Book a session</h2>
          {props.error ? (
            <p class="alert" role="alert">{props.error}{props.holdId ? <> <a href={`/sessions/${props.holdId}`}>Go to your unpaid booking</a></> : null}</p>
          ) : null}
          <form method="get" action={`/mentors/${profile.id}`} class="inline-form">
            <SelectField id="length" name="length" label="Session length" value={String(props.length)}
              options={schedule.sessionLengths.map((l) => ({ value: String(l), label: `${l} minutes` }))} />
            {props.zoneFromAccount ? null : (
              <SelectField id="tz" name="tz" label="Show times in" value={zone} options={zoneOptions(zone)} detectTimezone />
            )}
            <button type="submit" class="btn btn-quiet">Show times</button>
          </form>
          <p class="muted small">Times are shown in <strong>{describeZone(zone)}</strong>{props.zoneFromAccount ? ', your account’s time zone' : ''}.</p>

          {weekNav}
          {props.slots.length === 0 ? (
            <p class="empty">No free {props.length}-minute slots this week.</p>
          ) : (
            <form method="post" action={`/mentors/${profile.id}/book`}>
              <Csrf token={props.ctx.csrf} />
              <input type="hidden" name="durationMinutes" value={String(props.length)} />
              {props.zoneFromAccount ? null : <input type="hidden" name="tz" value={zone} />}
              <SlotPicker slots={props.slots} zone={zone} />
              <div class="book-bar">
                <p><strong>{props.length} minutes · {formatMoney(price, schedule.currency)}</strong></p>
                {canBook ? <CancellationRule /> : null}
                {canBook ? (
                  <button type="submit" class="btn btn-large">Book and pay</button>
                ) : user ? (
                  <p class="muted">Only mentee accounts can book sessions.</p>
                ) : (
                  <a class="btn btn-large" href={`/login?next=${encodeURIComponent(`/mentors/${profile.id}`)}`}>Log in to book</a>
                )}
              </div>
            </form>
          )}
        </section>
      </div>
    </Layout>
  );
}
