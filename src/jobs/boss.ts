import PgBoss from 'pg-boss';
import type { Database } from '../db/client';
import { BOSS_SCHEMA } from './queue';

/** pg-boss on our own connection (Database.query: PGlite or the pool), so it needs no second driver. */
export function createBoss(database: Database, options: { supervise?: boolean; schedule?: boolean } = {}): PgBoss {
  return new PgBoss({
    db: { executeSql: (text, values) => database.query(text, values) },
    schema: BOSS_SCHEMA,
    // Maintenance (expiring attempts of killed processes, archiving) and the cron scheduler run in
    // every worker process; pg-boss takes advisory locks so they are not duplicated. Frequent enough
    // that an email whose process died mid-send is retried within seconds.
    supervise: options.supervise ?? true,
    maintenanceIntervalSeconds: 5,
    schedule: options.schedule ?? true,
  });
}

