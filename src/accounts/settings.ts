import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { isTimeZone } from '../config';
import type { Db } from '../db/client';
import { isUuid } from '../db/ids';
import { users } from '../db/schema';
import { recordAudit } from '../audit/record';
import { text } from '../web/input';
import { isClock } from '../web/time';
import { TIME_ZONES } from '../web/zones';
import { forbidden, inTransaction, Refused, type Outcome, type Refusal } from './outcome';
import { accountFields, fieldErrors } from './users';

/** A user's own name and time zone, validated here and written with its audit row; an admin may change anyone's. */

/**
 * The zone as the zone list spells it ("europe/berlin" -> "Europe/Berlin"). A valid zone not in the list
 * (e.g. "Asia/Kathmandu", which browsers send but older ICU lists as "Asia/Katmandu") is kept as given:
 * the runtime's own canonical form would silently rename it.
 */
function listedSpelling(zone: string): string {
  const lower = zone.toLowerCase();
  return TIME_ZONES.find((z) => z.toLowerCase() === lower) ?? zone;
}

const accountNotFound: Refusal = { ok: false, reason: 'not-found', errors: { form: 'This account does not exist.' } };

const settingsSchema = z.object({
  name: accountFields.name,
  // Absent (a form without the field): left as it is.
  clock: z.string().optional()
    .refine((v) => !v || isClock(v), 'Choose 12-hour or 24-hour')
    .transform((v) => (isClock(v) ? v : undefined)),
  timezone: text({ max: 64 })
    .refine((v) => v !== '' && v.length <= 64 && isTimeZone(v), 'Choose a time zone from the list')
    .transform(listedSpelling),
});

export interface AccountSettingsForm {
  name: string;
  timezone: string;
  /** '12h' or '24h'; absent or empty leaves the stored choice (or the browser's language) in force. */
  clock?: string;
}

export interface UpdateAccountSettingsOptions {
  db: Db;
  userId: string;
  input: AccountSettingsForm;
  actorId: string;
  ip?: string;
}

/** A user's own name and time zone (the zone every time is shown in, and a mentor's availability is in). */
export async function updateAccountSettings(options: UpdateAccountSettingsOptions): Promise<Outcome> {
  const parsed = settingsSchema.safeParse(options.input);
  if (!parsed.success) return { ok: false, reason: 'invalid', errors: fieldErrors(parsed.error) };
  const next = parsed.data;
  return inTransaction(options.db, async (tx) => {
    if (!isUuid(options.userId) || !isUuid(options.actorId)) throw new Refused(accountNotFound);
    const [before] = await tx.select({ name: users.name, timezone: users.timezone, clock: users.clock }).from(users).where(eq(users.id, options.userId)).for('update');
    if (!before) throw new Refused(accountNotFound);
    if (options.actorId !== options.userId) {
      const [actor] = await tx.select({ role: users.role }).from(users).where(eq(users.id, options.actorId));
      if (actor?.role !== 'admin') throw new Refused(forbidden);
    }
    const clock = next.clock ?? before.clock;
    await tx.update(users).set({ name: next.name, timezone: next.timezone, clock }).where(eq(users.id, options.userId));
    const changed = (['name', 'timezone', 'clock'] as const).filter((k) => before[k] !== (k === 'clock' ? clock : next[k]));
    await recordAudit(tx, {
      actorId: options.actorId, action: 'account.settings.update', subjectType: 'user', subjectId: options.userId,
      data: { changed, timezone: next.timezone, clock }, ip: options.ip,
    });
  });
}
