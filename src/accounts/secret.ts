import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { appSecrets } from '../db/schema';

/** SESSION_SECRET, or in demo mode a random one kept in the database (so it survives restarts and is shared by every process). */
export async function resolveCookieSecret(db: Db, configured?: string): Promise<string> {
  if (configured) return configured;
  await db.insert(appSecrets).values({ name: 'session_secret', value: randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await db.select().from(appSecrets).where(eq(appSecrets.name, 'session_secret'));
  return row!.value;
}
