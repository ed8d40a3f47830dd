/**
 * The busy pages' query plans on a generated data set: EXPLAIN (ANALYZE, BUFFERS) of the statements
 * My Sessions and the Mentor Dashboard run (sessions/queries.ts listSessionsFor, and the mentor's
 * earnings) for the busiest mentee and a busy mentor, the admin Sessions first page, the directory's
 * first page and the busy times it reads for later days, executed the way the app executes them.
 * Fails when a plan reads the sessions table by a sequential scan, so a lost index shows up as an
 * error rather than as a slower page at 1 M sessions.
 */
import pg from 'pg';
import { openPostgres } from '../src/db/client';
import { listAdminSessions } from '../src/admin/sessions-queries';
import { busyTimes } from '../src/booking/slots';
import { listSessionsFor, summarizeEarnings } from '../src/sessions/queries';
import { listDirectory } from '../src/mentors/directory';

export interface PlanCheck { who: string; ms: number; buffers: number; rows: number; seqScan: boolean; plan: string }

export async function checkDashboardPlans(url: string): Promise<PlanCheck[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const people = (await client.query<{ who: string; id: string; as: 'mentee' | 'mentor' }>(`
    (select 'busiest mentee' as who, mentee_id as id, 'mentee' as as from sessions group by mentee_id order by count(*) desc limit 1)
    union all
    (select 'busiest mentor', mentor_id, 'mentor' from sessions group by mentor_id order by count(*) desc limit 1)`)).rows;
  // The directory's first page: its mentors' busy times over the first stretch it searches.
  const directory = (await client.query<{ id: string }>(`
    select u.id from users u join mentor_profiles m on m.user_id = u.id where u.role = 'mentor' and u.deactivated_at is null
     order by u.name, u.id limit 20`)).rows.map((r) => r.id);
  await client.end();

  // The app's own statements, captured from the driver as they are sent, then explained on the same connection.
  const database = openPostgres(url, console, { max: 1 });
  const results: PlanCheck[] = [];
  try {
    for (const p of people) {
      const who = `${p.who} (${p.as === 'mentee' ? 'My Sessions' : 'Mentor Dashboard'})`;
      results.push(await explainLast(database, who, () => listSessionsFor({ db: database.db, userId: p.id, as: p.as, now: new Date() })));
      if (p.as === 'mentor') {
        results.push(await explainLast(database, `${p.who} (Mentor Dashboard earnings)`, () => summarizeEarnings({ db: database.db, mentorId: p.id, now: new Date() })));
      }
    }
    results.push(await explainLast(database, 'admin Sessions, first page', () => listAdminSessions({ db: database.db, filters: {} })));
    const now = new Date();
    results.push(await explainLast(database, 'directory, first page (its 20 mentors, each with their first day of sessions)',
      () => listDirectory({ db: database.db, query: '', now }), 'directory_name_first'));
    results.push(await explainLast(database, 'directory, first page (busy times of its 20 mentors)', () => busyTimes(database.db, directory, now, new Date(now.getTime() + 32 * 3_600_000))));
  } finally {
    await database.close();
  }
  return results;
}

/** Runs `run`, then EXPLAINs (ANALYZE, BUFFERS) the last statement it sent (or the one so named), as a generic plan. */
async function explainLast(database: ReturnType<typeof openPostgres>, who: string, run: () => Promise<unknown>, named?: string): Promise<PlanCheck> {
  const sent: { name?: string; text: string; values: unknown[] }[] = [];
  const pool = database.pool as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query.bind(pool);
  pool.query = (config: unknown, ...rest: unknown[]) => {
    // Drizzle sends a statement as { text } (and a name when prepared), its values in it or as the second argument.
    if (config && typeof config === 'object' && 'text' in config) {
      const c = config as { name?: string; text: string; values?: unknown[] };
      sent.push({ name: c.name, text: c.text, values: c.values ?? (rest[0] as unknown[]) ?? [] });
    }
    return query(config, ...rest);
  };
  try {
    await run();
  } finally {
    pool.query = query;
  }
  const statement = named ? sent.find((s) => s.name === named) : sent.at(-1);
  if (!statement) throw new Error(`${who}: no statement ${named ?? ''} was sent`);
  // A generic plan, as a prepared statement gets after its first executions.
  await database.query('set plan_cache_mode = force_generic_plan');
  await database.query(`prepare plan_check as ${statement.text}`);
  // EXPLAIN EXECUTE takes no bind parameters: the values go in as literals (our own generated data).
  const text = (v: unknown) => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? `{${v.join(',')}}` : String(v));
  const literal = (v: unknown) => (v === null || v === undefined ? 'null' : `'${text(v).replace(/'/g, "''")}'`);
  const r = await database.query(`explain (analyze, buffers, format json) execute plan_check${statement.values.length ? `(${statement.values.map(literal).join(', ')})` : ''}`);
  await database.query('deallocate plan_check');
  await database.query('reset plan_cache_mode');
  const plan = (r.rows[0]!['QUERY PLAN'] as [{ Plan: Record<string, unknown>; 'Execution Time': number }])[0];
  return {
    who,
    ms: plan['Execution Time'],
    buffers: Number(plan.Plan['Shared Hit Blocks'] ?? 0) + Number(plan.Plan['Shared Read Blocks'] ?? 0),
    rows: Number(plan.Plan['Actual Rows'] ?? 0),
    seqScan: seqScanOn(plan.Plan, 'sessions'),
    plan: JSON.stringify(plan.Plan),
  };
}

function seqScanOn(node: Record<string, unknown>, table: string): boolean {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === table) return true;
  return ((node.Plans as Record<string, unknown>[] | undefined) ?? []).some((child) => seqScanOn(child, table));
}
