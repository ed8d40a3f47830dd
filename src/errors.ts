/**
 * Why the domain said no, in its own terms: domain code returns an AppError as its refusal (results are
 * `{ ok: true, … } | AppError`, told apart by `ok`) or throws one, and never names an HTTP status.
 */
export type AppErrorCode = 'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'rate_limited' | 'upstream';

/** The one mapping of refusals to HTTP: the error handler (thrown) and the routes that re-render a form (returned). */
const HTTP_STATUS: Record<AppErrorCode, number> = {
  invalid: 400, forbidden: 403, not_found: 404, conflict: 409, rate_limited: 429, upstream: 502,
};

export function httpStatusOf(error: { code: AppErrorCode }): number {
  return HTTP_STATUS[error.code];
}

export class AppError<Details extends object = object> extends Error {
  readonly ok = false as const;

  constructor(
    readonly code: AppErrorCode,
    /** Words for the person who asked: shown as they are. */
    message: string,
    /** What a page needs to answer it (the form's field errors, the hold to pay instead). */
    readonly details: Details = {} as Details,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The message, by the name domain results have always given it. */
  get error(): string {
    return this.message;
  }

  /** httpStatusOf(this), for callers that check a refusal's status. */
  get status(): number {
    return httpStatusOf(this);
  }
}

/** The refusal of a session that does not exist, or that the asker may not know exists. */
export const noSuchSession = () => new AppError('not_found', 'There is no such session.');

/** A form that did not pass its checks: the page shows each field's error next to it. */
export const invalidForm = <F extends Partial<Record<string, string>>>(fields: F) => new AppError('invalid', 'Some fields need correcting.', { fields });
