import type { CurrentUser } from '../accounts/sessions';
import type { Clock } from '../web/time';
import type { Db } from '../db/client';
import { isEditable } from '../feedback/reviews';
import { listSessionsFor } from '../sessions/queries';
import { Rendered } from '../web/html';
import { keepWhileUnchanged } from '../web/kept';
import { menteeListsChangeAt } from './changes';
import { MenteeLists } from './views';

// One entry per mentee who opened the page lately (~15 KB each).
const kept = keepWhileUnchanged<Rendered>({ max: 500 });

type Cursor = { startsAt: Date; id: string };

/**
 * My Sessions' Upcoming and History, rendered. The first page is kept per mentee (and time zone and
 * clock) until a session, a review or a name changes, or the clock reaches an instant at which a card
 * would read differently (changes.ts); later pages are read each time. `clock` is the viewer's as
 * the page context has it (their choice, else their browser's language).
 */
export async function renderMenteeLists(options: { db: Db; user: CurrentUser; clock: Clock | undefined; now: Date; version: bigint | null; before?: Cursor; after?: Cursor }): Promise<Rendered> {
  const { db, user, clock, now } = options;
  const make = async () => {
    const lists = await listSessionsFor({ db, userId: user.id, as: 'mentee', now, before: options.before, after: options.after });
    const reviews = new Map([...lists.ratings].map(([id, r]) => [id, { rating: r.rating, editable: isEditable(r, now) }]));
    const value = Rendered.of(MenteeLists({ zone: user.timezone, clock, ...lists, now, reviews }));
    return { value, from: now.getTime(), until: menteeListsChangeAt({ ...lists, now }) };
  };
  if (options.before || options.after) return (await make()).value;
  return kept({ db, key: `${user.id}|${user.timezone}|${clock ?? ''}`, version: options.version, now: now.getTime(), make });
}
