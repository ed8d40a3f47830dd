import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { integrationChecks } from '../db/schema';
import { INTEGRATIONS, type CheckReport, type CheckStep, type IntegrationName } from './check';

export interface StoredCheck extends CheckReport {
  source: 'cli' | 'admin';
  /** The admin who ran it from /admin/integrations; null from the CLI. */
  actorId: string | null;
}

/** Keeps a check's report (already masked) for the Integrations page and /healthz?deep=1. */
export async function recordCheck(options: { db: Db; report: CheckReport; source: 'cli' | 'admin'; actorId?: string | null }): Promise<void> {
  const { report } = options;
  await options.db.insert(integrationChecks).values({
    integration: report.integration, ok: report.ok, summary: report.summary, steps: report.steps,
    source: options.source, actorId: options.actorId ?? null, startedAt: report.startedAt, finishedAt: report.finishedAt,
  });
}

/** The latest check of each integration, or null where none ran yet. */
export async function latestChecks(db: Db): Promise<Record<IntegrationName, StoredCheck | null>> {
  const found = await Promise.all(INTEGRATIONS.map(async (integration) => {
    const [row] = await db.select().from(integrationChecks).where(eq(integrationChecks.integration, integration))
      .orderBy(desc(integrationChecks.finishedAt)).limit(1);
    const stored: StoredCheck | null = row ? {
      integration, ok: row.ok, summary: row.summary, steps: row.steps as CheckStep[], source: row.source, actorId: row.actorId, startedAt: row.startedAt, finishedAt: row.finishedAt,
    } : null;
    return [integration, stored] as const;
  }));
  return Object.fromEntries(found) as Record<IntegrationName, StoredCheck | null>;
}
