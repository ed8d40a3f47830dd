import fc from 'fast-check';
import { render } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { menteeListsChangeAt } from '../src/dashboards/changes';
import { MenteeLists } from '../src/dashboards/views';
import { ACTIVE_STATUSES, sessionStatus, type SessionStatus } from '../src/db/schema';
import { isEditable } from '../src/feedback/reviews';
import type { SessionRow } from '../src/sessions/queries';

const HOUR = 3_600_000;
const NOW = Date.UTC(2031, 5, 1, 12);
const RUNS = Number(process.env.PROPERTY_RUNS) || 200;

/** A session with its times near the boundaries the rules care about (start, a day before it, its end). */
const sessionAt = fc.record({
  status: fc.constantFrom(...sessionStatus.enumValues),
  startOffset: fc.oneof(
    fc.integer({ min: -3 * 24 * HOUR, max: 3 * 24 * HOUR }),
    fc.integer({ min: -2, max: 2 }).map((d) => 24 * HOUR + d),
    fc.integer({ min: -2, max: 2 }),
  ),
  minutes: fc.constantFrom(30, 60, 90),
  moves: fc.integer({ min: 0, max: 2 }),
  meeting: fc.boolean(),
  paid: fc.boolean(),
  // A rating given this long before now (null: none).
  ratedAgo: fc.option(fc.integer({ min: 0, max: 8 * 24 * HOUR }), { nil: null }),
}).map((r) => {
  const startsAt = new Date(NOW + r.startOffset);
  const row: SessionRow = {
    id: '', status: r.status as SessionStatus, startsAt,
    endsAt: new Date(startsAt.getTime() + r.minutes * 60_000), durationMinutes: r.minutes, priceCents: 6000, currency: 'USD',
    holdExpiresAt: null, checkoutUrl: null, meetingUrl: r.meeting ? 'https://meet.jit.si/x' : null, meetingProvider: 'jitsi',
    mentorId: 'm', mentorName: 'Mentor', menteeId: 'e', menteeName: 'Mentee', menteeReschedules: r.moves, requestedAt: null,
    paidAt: r.paid ? startsAt : null, bookingNote: null,
  };
  return { row, ratedAt: r.ratedAgo === null || r.status !== 'completed' ? null : new Date(NOW - r.ratedAgo) };
});

/** The lists as the dashboard's query and view make them at instant t (the query's rule for Upcoming). */
function listsAt(cases: { row: SessionRow; ratedAt: Date | null }[], t: number) {
  const live = (s: SessionRow) => (ACTIVE_STATUSES as readonly string[]).includes(s.status);
  const upcoming = cases.map((c) => c.row).filter((s) => live(s) && s.endsAt.getTime() > t).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const history = cases.map((c) => c.row).filter((s) => !upcoming.includes(s)).sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime());
  const ratings = new Map(cases.filter((c) => c.ratedAt).map((c) => [c.row.id, { rating: 4, createdAt: c.ratedAt! }]));
  return { upcoming, history, ratings, nextUpcoming: null, nextHistory: null };
}

const renderAt = (cases: { row: SessionRow; ratedAt: Date | null }[], t: number) => {
  const lists = listsAt(cases, t);
  const reviews = new Map([...lists.ratings].map(([id, r]) => [id, { rating: r.rating, editable: isEditable(r, new Date(t)) }]));
  return render(MenteeLists({ zone: 'Europe/Berlin', clock: '24h', ...lists, now: new Date(t), reviews }));
};

describe("My Sessions' kept lists: the instant they may change", () => {
  it('renders the same at every instant before the one menteeListsChangeAt gives', () => {
    fc.assert(fc.property(
      fc.array(sessionAt, { minLength: 1, maxLength: 4 }).map((cases) => cases.map((c, i) => ({ ...c, row: { ...c.row, id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } }))),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (cases, fraction) => {
        const until = menteeListsChangeAt({ ...listsAt(cases, NOW), now: new Date(NOW) });
        expect(until).toBeGreaterThanOrEqual(NOW);
        const horizon = Number.isFinite(until) ? until : NOW + 30 * 24 * HOUR;
        const later = NOW + Math.floor((horizon - NOW) * fraction);
        if (later >= horizon) return;
        expect(renderAt(cases, later)).toBe(renderAt(cases, NOW));
        expect(renderAt(cases, horizon - 1)).toBe(renderAt(cases, NOW));
      },
    ), { numRuns: RUNS });
  });

  it('is not a day away when a card changes within the hour', () => {
    const cases = listsAt([{ row: { id: 'a', status: 'confirmed', startsAt: new Date(NOW + 30 * 60_000), endsAt: new Date(NOW + 90 * 60_000) } as SessionRow, ratedAt: null }], NOW);
    expect(menteeListsChangeAt({ ...cases, now: new Date(NOW) })).toBe(NOW + 30 * 60_000);
  });
});
