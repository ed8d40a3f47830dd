import type { ComponentChildren } from 'preact';
import { CancellationRule } from '../sessions/views';
import type { MentorSchedule } from '../booking/slots';
import { SlotPicker, WeekNav } from '../booking/slot-picker';
import { ProfileReviews, RatingText } from '../feedback/views';
import type { PageContext } from '../web/context';
import { BOOKING_NOTE_MAX } from '../booking/book';
import { Field, SelectField, TextArea } from '../web/forms';
import { Csrf, Layout } from '../web/layout';
import { formatDateTime } from '../web/time';
import { describeZone, zoneOptions, type ZoneSource } from '../web/zones';
import type { CalendarWeek } from '../booking/weeks';
import { formatMoney } from '../web/money';
import type { DirectoryEntry, DirectorySort, MentorProfileView } from './directory';
import { glyph } from '../web/glyph';

/** Each skill links to the directory filtered by it; the skill the directory is filtered by is marked. */
function Tags(props: { skills: string[]; current?: string }) {
  const current = props.current?.toLocaleLowerCase('en-US');
  return (
    <ul class="tags" aria-label="Skills">
      {props.skills.map((s) => (
        <li key={s}>
          <a href={`/mentors?${new URLSearchParams({ skill: s })}`} aria-current={current === s.toLocaleLowerCase('en-US') ? 'true' : undefined}>{s}</a>
        </li>
      ))}
    </ul>
  );
}

/**
 * "Times are shown in America/New_York (GMT-5), your browser's time zone." A visitor can change it
 * (the picker, `picker`); an account's zone is changed on the Account page. `detect`: the zone is
 * only the UTC default, and app.js may reload the page in the browser's zone once it knows it.
 */
export function ZoneNote(props: { zone: string; source: ZoneSource; detect?: boolean; picker?: ComponentChildren }) {
  const whose = props.source === 'account' ? ', your account’s time zone' : props.source === 'cookie' ? ', your browser’s time zone' : '';
  return (
    <div class="zone-note muted small" data-zone-detect={props.detect ? props.zone : undefined}>
      <p>Times are shown in <strong>{describeZone(props.zone)}</strong>{whose}.
        {props.source === 'account' ? <> <a href="/account">Change</a></> : null}</p>
      {props.source === 'account' ? null : props.picker}
    </div>
  );
}

export interface DirectoryFilters {
  q: string;
  max: string;
  skill: string;
  sort: DirectorySort;
  free: boolean;
}

const SORT_OPTIONS: { value: DirectorySort; label: string }[] = [
  { value: 'name', label: 'Name' },
  { value: 'rating', label: 'Rating (best first)' },
  { value: 'price', label: 'Price (lowest first)' },
  { value: 'soonest', label: 'Soonest free slot' },
];

/** The directory's address for these filters (and a zone picked with ?tz=): defaults left out, so links stay short. */
export function directoryLink(f: DirectoryFilters, page = 0, tz = ''): string {
  const p = new URLSearchParams(Object.entries({
    q: f.q, max: f.max, skill: f.skill, sort: f.sort === 'name' ? '' : f.sort, free: f.free ? 'week' : '', tz, page: page ? String(page) : '',
  }).filter(([, v]) => v));
  return p.size ? `/mentors?${p}` : '/mentors';
}

export function DirectoryPage(props: { ctx: PageContext; mentors: DirectoryEntry[]; filters: DirectoryFilters; zone: string; zoneSource?: ZoneSource; page: number; hasMore: boolean }) {
  const f = props.filters;
  const source = props.zoneSource ?? 'default';
  const pageLink = (page: number) => directoryLink(f, page, source === 'query' ? props.zone : '');
  const picker = (
    <details class="zone-change">
      <summary>Change time zone</summary>
      <form method="get" action="/mentors" class="inline-form">
        {f.q ? <input type="hidden" name="q" value={f.q} /> : null}
        {f.max ? <input type="hidden" name="max" value={f.max} /> : null}
        {f.skill ? <input type="hidden" name="skill" value={f.skill} /> : null}
        {f.sort !== 'name' ? <input type="hidden" name="sort" value={f.sort} /> : null}
        {f.free ? <input type="hidden" name="free" value="week" /> : null}
        <SelectField id="tz" name="tz" label="Show times in" value={props.zone} options={zoneOptions(props.zone)} detectTimezone />
        <button type="submit" class="btn btn-quiet">Show times</button>
      </form>
    </details>
  );
  return (
    <Layout ctx={props.ctx} title="Find a mentor" wide>
      <h1>Find a mentor</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the landmark every screen reader knows; <search> is too new */}
      <form method="get" action="/mentors" class="search" role="search">
        <Field id="q" name="q" label="Name or skill" type="search" value={f.q} placeholder="e.g. TypeScript" />
        <Field id="max" name="max" label="Max rate per hour (USD)" type="number" min={1} step={1} value={f.max} inputmode="numeric" />
        <SelectField id="sort" name="sort" label="Sort by" value={f.sort} options={SORT_OPTIONS} />
        <div class="field free-filter">
          <label class="choice"><input type="checkbox" name="free" value="week" checked={f.free} /> Has a free slot this week</label>
        </div>
        {f.skill ? <input type="hidden" name="skill" value={f.skill} /> : null}
        {source === 'query' ? <input type="hidden" name="tz" value={props.zone} /> : null}
        <button type="submit" class="btn">Search</button>
      </form>
      {f.skill ? (
        <p class="filter-note">
          Mentors with the skill <strong>{f.skill}</strong> · <a href={directoryLink({ ...f, skill: '' }, 0, source === 'query' ? props.zone : '')}>Show all skills</a>
        </p>
      ) : null}
      <ZoneNote zone={props.zone} source={source} detect={source === 'default'} picker={picker} />
      {props.mentors.length === 0 ? (
        <p class="card empty">No mentors match. Try another skill or a higher rate{f.free ? ', or include mentors without a free slot this week' : ''}.</p>
      ) : (
        <ul class="cards">
          {props.mentors.map((m) => (
            <li class="card mentor-card" key={m.id}>
              <h2 class="h3"><a href={source === 'query' ? `/mentors/${m.id}?${new URLSearchParams({ tz: props.zone })}` : `/mentors/${m.id}`}>{m.name}</a></h2>
              <p>{m.headline}</p>
              <Tags skills={m.skills} current={f.skill} />
              <p class="price">{formatMoney(m.hourlyRateCents, m.currency)} <span class="muted">per hour</span></p>
              <p class={m.rating.count ? 'rating small' : 'muted small'}><RatingText summary={m.rating} /></p>
              <p class="small">
                {m.nextFreeSlot ? <>Next free: <strong>{formatDateTime(m.nextFreeSlot, props.zone, props.ctx.clock)}</strong></> : 'No free slots in the next weeks'}
              </p>
            </li>
          ))}
        </ul>
      )}
      {props.page > 0 || props.hasMore ? (
        <nav aria-label="Pages" class="week-nav">
          {props.page > 0 ? <a href={pageLink(props.page - 1)}>{glyph('←')} Previous</a> : <span />}
          {props.hasMore ? <a href={pageLink(props.page + 1)}>More mentors {glyph('→')}</a> : <span />}
        </nav>
      ) : null}
    </Layout>
  );
}

export function ProfilePage(props: {
  ctx: PageContext; profile: MentorProfileView; schedule: MentorSchedule; length: number; slots: Date[]; week: CalendarWeek;
  zone: string; zoneSource: ZoneSource;
  /** Only the UTC default: app.js may reload the page in the browser's zone. */
  detectZone?: boolean;
  error?: string;
  /** An unpaid hold the refusal is about: the mentee can go and pay it. */
  holdId?: string;
  /** The slot chosen before, still free: preselected. */
  chosen?: Date;
  /** The slot chosen before, no longer free: said so above the other times. */
  gone?: Date;
  /** "What would you like help with?" as typed, and its error. */
  note?: string;
  noteError?: string;
}) {
  const { profile, schedule, zone, week } = props;
  const fromAccount = props.zoneSource === 'account';
  const price = Math.round((schedule.hourlyRateCents * props.length) / 60);
  const user = props.ctx.user;
  const canBook = user?.role === 'mentee';
  const weekLink = (index: number) => {
    const q = new URLSearchParams({ length: String(props.length), week: String(index) });
    // A zone from the cookie or the account comes back by itself; only the picker's rides along.
    if (props.zoneSource === 'query') q.set('tz', zone);
    return `/mentors/${profile.id}?${q}#book`;
  };
  const weekNav = <WeekNav week={week} link={weekLink} />;
  return (
    <Layout ctx={props.ctx} title={profile.name} wide>
      <p><a href="/mentors">{glyph('←')} All mentors</a></p>
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
          {props.error && !props.noteError ? (
            <p class="alert" role="alert">{props.error}{props.holdId ? <> <a href={`/sessions/${props.holdId}`}>Go to your unpaid booking</a></> : null}</p>
          ) : null}
          {props.gone ? (
            <p class="alert" role="alert">The time you chose, {formatDateTime(props.gone, zone)}, is no longer free. Pick another time{props.slots.length ? ' below' : ''}.</p>
          ) : null}
          {props.chosen ? <p class="chosen-slot" role="status">Your time: <strong>{formatDateTime(props.chosen, zone)}</strong>, {props.length} minutes. Nothing is booked until you press “Book and pay”.</p> : null}
          <form method="get" action={`/mentors/${profile.id}`} class="inline-form">
            <SelectField id="length" name="length" label="Session length" value={String(props.length)}
              options={schedule.sessionLengths.map((l) => ({ value: String(l), label: `${l} minutes` }))} />
            {fromAccount ? null : (
              <SelectField id="tz" name="tz" label="Show times in" value={zone} options={zoneOptions(zone)} detectTimezone />
            )}
            <button type="submit" class="btn btn-quiet">Show times</button>
          </form>
          <ZoneNote zone={zone} source={props.zoneSource} detect={props.detectZone} />

          {weekNav}
          {props.slots.length === 0 ? (
            <p class="empty">No free {props.length}-minute slots {week.index === 0 ? 'this week' : `from ${week.label}`}.</p>
          ) : (
            // A visitor's form only carries the choice to log-in (GET, nothing is booked); a mentee's books it.
            <form method={user ? 'post' : 'get'} action={`/mentors/${profile.id}/book`}>
              {user ? <Csrf token={props.ctx.csrf} /> : null}
              <input type="hidden" name="durationMinutes" value={String(props.length)} />
              {props.zoneSource === 'query' ? <input type="hidden" name="tz" value={zone} /> : null}
              <SlotPicker slots={props.slots} zone={zone} clock={props.ctx.clock} checked={props.chosen} />
              {canBook ? (
                <div class="booking-note">
                  <TextArea name="note" label="What would you like help with? (optional)" value={props.note ?? ''} rows={3} maxLength={BOOKING_NOTE_MAX}
                    hint={`${props.profile.name} sees this with your request. At most ${BOOKING_NOTE_MAX} characters.`} error={props.noteError} />
                </div>
              ) : null}
              <div class="book-bar">
                <p><strong>{props.length} minutes · {formatMoney(price, schedule.currency)}</strong></p>
                {canBook ? <CancellationRule /> : null}
                {canBook && !user.emailVerified ? (
                  <p class="muted small">To book, first confirm your email address with the link we sent to {user.email}.</p>
                ) : null}
                {canBook ? (
                  <button type="submit" class="btn btn-large">Book and pay</button>
                ) : user ? (
                  <p class="muted">Only mentee accounts can book sessions.</p>
                ) : (
                  <button type="submit" class="btn btn-large">Log in to book</button>
                )}
              </div>
            </form>
          )}
        </section>
      </div>
    </Layout>
  );
}

