import { DrizzleQueryError } from 'drizzle-orm';

// SQLSTATE classes that mean "the server cannot serve you right now", not "your statement is wrong":
// 08 connection exception, 57P operator intervention (57P01 admin shutdown, 57P02 crash shutdown,
// 57P03 cannot connect now, 57P05 idle session timeout), 53300 too many connections.
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P[0-9A-Z]{2}|53300)$/;

// Socket errors the drivers pass through unchanged when the server cannot be reached.
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// The drivers' own words for a lost or closed connection (pg, pg-pool, PGlite).
const UNAVAILABLE_MESSAGE = new RegExp([
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'Query read timeout',
  'PGlite is closed',
].join('|'));

/**
 * True when `err` says the database cannot be reached or is going away (a fault on our side that a
 * retry may cure), as opposed to a bug or bad input. Follows Drizzle's wrapping to the driver's error;
 * a socket error wrapped by anything else (an HTTP client reaching Stripe or Google) is not ours.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code)) return true;
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
    if (!(e instanceof DrizzleQueryError)) return false;
    e = e.cause as typeof e;
  }
  return false;
}

export interface OutageLog {
  /** Call on each request that failed because the database is unavailable. */
  report(err: unknown, log: { error(obj: unknown, msg?: string): void }): void;
  /** Stops the recovery probe (on shutdown). */
  stop(): void;
}

/**
 * Logs a database outage once, not once per request: the first failure is logged; later ones are
 * suppressed until a probe sees the database answer again, or a minute has passed (then the next
 * failure is logged again, with how many were suppressed).
 */
export function createOutageLog(options: {
  probe: () => Promise<unknown>;
  info: (obj: unknown, msg?: string) => void;
  now?: () => number;
  repeatAfterMs?: number;
  probeEveryMs?: number;
}): OutageLog {
  const now = options.now ?? Date.now;
  const repeatAfter = options.repeatAfterMs ?? 60_000;
  let loggedAt: number | null = null;
  let suppressed = 0;
  let timer: NodeJS.Timeout | null = null;

  const stopProbe = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const startProbe = () => {
    if (timer) return;
    let probing = false;
    timer = setInterval(() => {
      if (probing) return;
      probing = true;
      options.probe().then(
        () => {
          if (loggedAt !== null) options.info({ suppressed }, 'database answers again');
          loggedAt = null;
          suppressed = 0;
          stopProbe();
        },
        () => {},
      ).finally(() => { probing = false; });
    }, options.probeEveryMs ?? 1000);
    timer.unref();
  };

  return {
    report(err, log) {
      const t = now();
      if (loggedAt !== null && t - loggedAt < repeatAfter) {
        suppressed++;
        return;
      }
      log.error({ err, suppressed }, 'database unavailable; answering 503 until it answers again');
      loggedAt = t;
      suppressed = 0;
      startProbe();
    },
    stop: stopProbe,
  };
}
