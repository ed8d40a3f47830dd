import { auth as googleAuth, meet, type meet_v2 } from '@googleapis/meet';
import type { MeetingProvider } from './provider';

/**
 * Google Meet rooms through the Meet REST API (`spaces.create`, POST /v2/spaces) with Google's own
 * SDK (@googleapis/meet). Only the base URLs are configurable (GOOGLE_MEET_API_URL,
 * GOOGLE_OAUTH_TOKEN_URL), so tests run the same SDK, serialisation and error paths against a fake
 * Google on 127.0.0.1.
 *
 * Authentication: the platform's Google account's refresh token (user OAuth, scope
 * https://www.googleapis.com/auth/meetings.space.created). The OAuth2 client is made once per
 * provider: it exchanges the refresh token at the token endpoint (grant_type=refresh_token) and keeps
 * the access token until shortly before it expires (the library refreshes 5 minutes early);
 * concurrent calls share one refresh.
 *
 * Time and retries: every HTTP request (token and API) is one attempt bounded by `timeoutMs`; the SDK
 * retries nothing. A createMeeting makes at most three requests (token, create, create without
 * config), so it settles within about 3 × timeoutMs however Google behaves. Errors propagate as
 * GoogleMeetError; the caller (the job worker) retries with backoff.
 *
 * Idempotency — there is no supported way to make spaces.create idempotent:
 * - Its request body is a Space and nothing else; the Space's `name` is a server-generated id. There
 *   is no request id / idempotency key field or header (unlike Calendar's
 *   `conferenceData.createRequest.requestId`, or Stripe's Idempotency-Key).
 * - The spaces resource has create, get, patch and endActiveConference — no list — so a space whose
 *   reply was lost cannot be found afterwards either; conferenceRecords only lists meetings that
 *   have taken place.
 * So when Google creates a space and the reply is lost (timeout, dropped connection, a 5xx after the
 * commit), the retry creates a second space and the first is orphaned. An orphaned space is inert:
 * nobody has its link, it holds no conference, and it costs nothing. We keep everything else
 * idempotent on our side: the SDK makes exactly one attempt per call (no hidden duplicate POSTs), and
 * the caller stores the first result it gets for a session once and never creates again for a
 * session that has a meeting. (The one API with a creation request id is Calendar's events.insert
 * with conferenceData; it would need a Calendar event per session and another scope.)
 */
export interface GoogleMeetOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** GOOGLE_MEET_API_URL, e.g. https://meet.googleapis.com/ */
  apiUrl: string;
  /** GOOGLE_OAUTH_TOKEN_URL, e.g. https://oauth2.googleapis.com/token */
  tokenUrl: string;
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Told when a space could not get the requested access type. */
  warn?: (message: string) => void;
}

/** A confirmation's job waits at most this long per request; a hang must not hold a worker. */
export const GOOGLE_MEET_TIMEOUT_MS = 15_000;

/**
 * Who joins without knocking. TRUSTED: "members of the host's organization, invited external users,
 * and dial-in users"; everyone else knocks. RESTRICTED ("only invitees") would make even the mentee
 * knock unless invited, and the organiser (the platform's account) never joins to admit anyone.
 * OPEN lets anyone holding the link in. TRUSTED is the closest to "only the two participants" that
 * the API offers without an organiser present; the link itself reaches only the session's
 * participants (through /sessions/:id/join). Caveat, to verify with a real account: a space made by
 * spaces.create has no calendar invitation, so participants outside the platform account's
 * organisation may count as not invited and have to knock.
 */
export const GOOGLE_MEET_ACCESS_TYPE = 'TRUSTED';

export class GoogleMeetError extends Error {
  override name = 'GoogleMeetError';
  /** HTTP status of Google's answer; undefined when none came (timeout, connection lost). */
  readonly status: number | undefined;
  /** Worth retrying later (no answer, 408, 429, 5xx); false for credentials or request errors. */
  readonly retryable: boolean;
  constructor(message: string, status: number | undefined, retryable: boolean) {
    super(message);
    this.status = status;
    this.retryable = retryable;
  }
}

export function createGoogleMeetProvider(options: GoogleMeetOptions): MeetingProvider {
  const timeout = options.timeoutMs ?? GOOGLE_MEET_TIMEOUT_MS;
  const oauth = new googleAuth.OAuth2({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    endpoints: { oauth2TokenUrl: options.tokenUrl },
    // The transporter carries both the token requests and the API requests (the SDK sends API calls
    // through the auth client). One bounded attempt each; the worker's backoff is the only retry loop.
    transporterOptions: { timeout, retryConfig: { retry: 0, noResponseRetries: 0 } },
  });
  oauth.setCredentials({ refresh_token: options.refreshToken });
  const api = meet({ version: 'v2', auth: oauth, rootUrl: options.apiUrl });

  async function ensureAccessToken(): Promise<void> {
    let token: string | null | undefined;
    try {
      // Cached until it is about to expire; only then a POST to the token endpoint.
      ({ token } = await oauth.getAccessToken());
    } catch (err) {
      throw tokenError(err, options.tokenUrl, timeout);
    }
    if (!token) throw new GoogleMeetError(`Google OAuth: ${options.tokenUrl} answered without an access token`, undefined, false);
  }

  async function createSpace(config: meet_v2.Schema$SpaceConfig | undefined): Promise<meet_v2.Schema$Space> {
    try {
      const res = await api.spaces.create(
        { requestBody: config ? { config } : {} },
        // Never let the SDK repeat this POST: each attempt may create a space (see above).
        { timeout, retry: false },
      );
      return res.data;
    } catch (err) {
      throw apiError(err, 'spaces.create', timeout);
    }
  }

  return {
    name: 'google-meet',
    async createMeeting() {
      await ensureAccessToken();
      let space: meet_v2.Schema$Space;
      try {
        space = await createSpace({ accessType: GOOGLE_MEET_ACCESS_TYPE });
      } catch (err) {
        // A 400 INVALID_ARGUMENT means nothing was created, so asking again is safe. Accounts that
        // cannot set the access type get a space with their default access settings.
        if (!(err instanceof GoogleMeetError && err.status === 400 && /INVALID_ARGUMENT/.test(err.message))) throw err;
        options.warn?.(`Google Meet refused accessType ${GOOGLE_MEET_ACCESS_TYPE} (${err.message}); creating the space with the account's default access settings`);
        space = await createSpace(undefined);
      }
      const { name, meetingUri } = space;
      if (typeof name !== 'string' || !/^spaces\/[^/\s]+$/.test(name)) {
        throw new GoogleMeetError(`Google Meet spaces.create answered without a space name (${JSON.stringify(name)})`, undefined, false);
      }
      if (typeof meetingUri !== 'string' || !isHttpsUrl(meetingUri)) {
        throw new GoogleMeetError(`Google Meet spaces.create answered ${name} without an https meetingUri (${JSON.stringify(meetingUri)})`, undefined, false);
      }
      const granted = space.config?.accessType;
      if (granted && granted !== GOOGLE_MEET_ACCESS_TYPE) {
        options.warn?.(`Google Meet space ${name} has access type ${granted}, not ${GOOGLE_MEET_ACCESS_TYPE} (the account's policy decides)`);
      }
      return { provider: 'google-meet', joinUrl: meetingUri, externalId: name };
    },
    async joinUrlFor(meeting) {
      // Everyone opens the same Meet link; access is decided by Google (the access type above).
      return meeting.joinUrl;
    },
  };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

type HttpishError = { message?: string; code?: unknown; name?: string; response?: { status?: number; data?: unknown } };

function noAnswer(err: HttpishError, timeoutMs: number): string {
  const text = `${err.name ?? ''} ${String(err.code ?? '')} ${err.message ?? ''}`;
  return /timeout|timed out|aborted/i.test(text) ? `no answer within ${timeoutMs} ms` : `no answer (${err.message ?? String(err)})`;
}

/** Token endpoint failures: OAuth errors are `{ error, error_description }`. Secrets never go into the message. */
function tokenError(raw: unknown, tokenUrl: string, timeoutMs: number): GoogleMeetError {
  const err = (raw ?? {}) as HttpishError;
  const status = err.response?.status;
  if (status === undefined) {
    return new GoogleMeetError(`Google OAuth token request to ${tokenUrl} failed: ${noAnswer(err, timeoutMs)}`, undefined, true);
  }
  const data = (err.response?.data ?? {}) as { error?: unknown; error_description?: unknown };
  const code = typeof data.error === 'string' ? data.error : 'error';
  const description = typeof data.error_description === 'string' ? ` (${data.error_description})` : '';
  const hint =
    code === 'invalid_grant'
      ? ' GOOGLE_REFRESH_TOKEN is wrong, expired or revoked: authorise the platform account again.'
      : code === 'invalid_client' || code === 'unauthorized_client'
        ? ' Check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.'
        : '';
  return new GoogleMeetError(`Google OAuth token request to ${tokenUrl} failed: ${status} ${code}${description}.${hint}`, status, retryableStatus(status));
}

/** Meet API failures: Google's JSON errors are `{ error: { code, message, status } }`. */
function apiError(raw: unknown, method: string, timeoutMs: number): GoogleMeetError {
  const err = (raw ?? {}) as HttpishError;
  const status = err.response?.status;
  if (status === undefined) {
    return new GoogleMeetError(`Google Meet ${method} failed: ${noAnswer(err, timeoutMs)}`, undefined, true);
  }
  const body = (err.response?.data ?? {}) as { error?: { message?: unknown; status?: unknown } };
  const googleStatus = typeof body.error?.status === 'string' ? ` ${body.error.status}` : '';
  const message = typeof body.error?.message === 'string' ? `: ${body.error.message}` : '';
  return new GoogleMeetError(`Google Meet ${method} failed: ${status}${googleStatus}${message}`, status, retryableStatus(status));
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
