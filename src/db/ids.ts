import { z } from 'zod';

const uuid = z.uuid();

/** Ids in URLs are checked before they reach SQL: a malformed one is a 404, not a database error. */
export function isUuid(value: string): boolean {
  return uuid.safeParse(value).success;
}
