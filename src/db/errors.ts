/** The PostgreSQL error behind a driver error (Drizzle wraps them; PGlite and pg both carry `code`). */
export function pgError(err: unknown): { code?: string; constraint?: string; message?: string } | null {
  let e = err as { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined;
  for (let i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    e = e.cause as typeof e;
  }
  return null;
}

export const EXCLUSION_VIOLATION = '23P01';

/** The name of the violated exclusion constraint, or null if this is not an exclusion violation. */
export function exclusionConstraint(err: unknown): string | null {
  const pg = pgError(err);
  if (pg?.code !== EXCLUSION_VIOLATION) return null;
  // PGlite leaves `constraint` unset; the message names it.
  return pg.constraint ?? /constraint "([^"]+)"/.exec(pg.message ?? '')?.[1] ?? 'unknown';
}
