import type { Db, Tx } from '../db/client';
import type { FieldErrors } from './users';

/**
 * What an edit of an account or a mentor's profile answers. The check that refuses an edit runs inside
 * the edit's transaction (after its row lock), so a refusal is thrown there, rolls the work back and
 * becomes the outcome.
 */

export type Outcome = { ok: true } | { ok: false; errors: FieldErrors; reason: 'invalid' | 'not-found' | 'forbidden' };

export type Refusal = Extract<Outcome, { ok: false }>;
export const forbidden: Refusal = { ok: false, reason: 'forbidden', errors: { form: 'You may not change this account.' } };

export class Refused extends Error {
  constructor(readonly outcome: Outcome) {
    super('refused');
  }
}

/** Runs `work` in a transaction; a Refused thrown inside rolls it back and becomes the outcome. */
export async function inTransaction(db: Db, work: (tx: Tx) => Promise<void>): Promise<Outcome> {
  try {
    await db.transaction(async (tx) => work(tx));
    return { ok: true };
  } catch (err) {
    if (err instanceof Refused) return err.outcome;
    throw err;
  }
}

