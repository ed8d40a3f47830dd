import type { Db } from '../db/client';
import { readDataVersion } from '../db/data-version';

/** A kept value, and the span of time it holds for when what it shows also depends on the clock. */
export interface Made<T> {
  value: T;
  /** Made at this instant (ms): it says nothing about earlier ones. */
  from?: number;
  /** The first instant (ms) at which it may read differently though no data changed. */
  until?: number;
}

/**
 * What a busy page shows (its rendered list), kept between requests for as long as the data
 * version stays the same (src/db/data-version.ts says why that is exact): each request then reads
 * one number instead of the list, and renders nothing it rendered before. A value that also depends
 * on the clock (a dashboard: "Cancel" until the start) says from when until when it holds. Per
 * database, as the prepared statements are; the least recently used key goes first once there are
 * `max`.
 */
export function keepWhileUnchanged<T>(options: { max: number }) {
  const byDb = new WeakMap<Db, Map<string, Made<T> & { version: bigint }>>();
  /**
   * `version`: one already read in this request before any of the rows (the login-session lookup
   * reads it: request.dataVersion); without it, it is read here. `now`: the request's instant (ms),
   * for values that say when they hold.
   */
  return async function kept(o: { db: Db; key: string; version?: bigint | null; now?: number; make: () => Promise<Made<T>> }): Promise<T> {
    // Before the rows: read after it, they can only be as new as this version or newer.
    const version = o.version ?? BigInt(await readDataVersion(o.db));
    let entries = byDb.get(o.db);
    if (!entries) {
      entries = new Map();
      byDb.set(o.db, entries);
    }
    const found = entries.get(o.key);
    if (found && found.version === version && holdsAt(found, o.now)) {
      entries.delete(o.key);
      entries.set(o.key, found);
      return found.value;
    }
    const made = await o.make();
    // Two requests may make the same key at once: the one that read the older version keeps out.
    const present = entries.get(o.key);
    if (!present || present.version <= version) {
      entries.delete(o.key);
      entries.set(o.key, { ...made, version });
      if (entries.size > options.max) entries.delete(entries.keys().next().value!);
    }
    return made.value;
  };
}

function holdsAt(made: Made<unknown>, now: number | undefined): boolean {
  if (made.from === undefined && made.until === undefined) return true;
  if (now === undefined) return false;
  return (made.from ?? -Infinity) <= now && now < (made.until ?? Infinity);
}
