import type { Db } from '../db/client';
import { keepWhileUnchanged } from '../web/kept';
import { Rendered } from '../web/html';
import { listAdminSessions, type AdminSessionFilters } from './sessions-queries';
import { sessionRow } from './sessions-views';

interface RenderedList { rows: Rendered; rowCount: number; next: string | null; people: string[] | null }

// A status tab and a few pages of it, in each admin's time zone: a handful of keys.
const kept = keepWhileUnchanged<RenderedList>({ max: 64 });

/**
 * The admin Sessions list, rendered. The list as it opens, its status tabs and their pages are
 * kept until a session or a name on it changes (src/web/kept.ts): that page is opened far more
 * often than sessions change. Searches and the person and date filters are read each time.
 */
export async function renderAdminSessionList(options: { db: Db; filters: AdminSessionFilters; tz: string; version: bigint | null }): Promise<RenderedList> {
  const { db, filters: f, tz, version } = options;
  const make = async () => {
    const { rows, next, people } = await listAdminSessions({ db, filters: f });
    return { value: { rows: Rendered.of(rows.map((s) => sessionRow(s, tz))), rowCount: rows.length, next, people } };
  };
  if (f.q || f.mentorId || f.menteeId || f.from || f.to) return (await make()).value;
  const page = f.before ? `${f.before.startsAt.toISOString()}_${f.before.id}` : '';
  return kept({ db, key: `${f.status ?? ''}|${page}|${tz}`, version, make });
}
