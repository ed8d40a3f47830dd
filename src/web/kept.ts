import type { Db } from '../db/client';
import { readDataVersion } from '../db/data-version';

/**
 * What a busy page shows (its rendered list), kept between requests for as long as the data
 * version stays the same (src/db/data-version.ts says why that is exact): each request then reads
 * one number instead of the list, and renders nothing it rendered before. Per database, as the
 * prepared statements are; the least recently used key goes first once there are `max`.
 */
export function keepWhileUnchanged<T>(options: { max: number }) {
  const byDb = new WeakMap<Db, Map<string, { version: bigint; value: T }>>();
  /**
   * `version`: one already read in this request before any of the rows (the login-session lookup
   * reads it: request.dataVersion); without it, it is read here.
   */
  return async function kept(o: { db: Db; key: string; version?: bigint | null; make: () => Promise<T> }): Promise<T> {
    // Before the rows: read after it, they can only be as new as this version or newer.
    const version = o.version ?? BigInt(await readDataVersion(o.db));
    let entries = byDb.get(o.db);
    if (!entries) {
      entries = new Map();
      byDb.set(o.db, entries);
    }
    const found = entries.get(o.key);
    if (found && found.version === version) {
      entries.delete(o.key);
      entries.set(o.key, found);
      return found.value;
    }
    const value = await o.make();
    // Two requests may make the same key at once: the one that read the older version keeps out.
    const now = entries.get(o.key);
    if (!now || now.version <= version) {
      entries.delete(o.key);
      entries.set(o.key, { version, value });
      if (entries.size > options.max) entries.delete(entries.keys().next().value!);
    }
    return value;
  };
}
