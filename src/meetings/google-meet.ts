import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { createGoogleAuth } from './google-auth';
import { checkGoogleMeet } from './google-check';
import type { Meeting, MeetingProvider } from './provider';

/**
 * Google Meet rooms as Google Calendar events with a Meet conference (`events.insert` with
 * `conferenceDataVersion=1`), through Google's own SDK (@googleapis/calendar), on the platform
 * account's calendar (GOOGLE_CALENDAR_ID). Only the base URLs are configurable
 * (GOOGLE_CALENDAR_API_URL, GOOGLE_OAUTH_TOKEN_URL), so tests run the same SDK, serialisation and
 * error paths against a fake Google on 127.0.0.1.
 *
 * Why Calendar and not Meet's spaces.create: an event can be made idempotent, and it carries the two
 * participants as attendees, so Google lets them in without an organiser present to admit them.
 *
 * Idempotency: the event id is ours, derived from the session id. A lost reply, a timeout or a 5xx
 * leaves us not knowing whether the event exists; the room job's retry inserts the same id again, and
 * Google's 409 "already exists" means it does, so we `events.get` it. The conference inside is
 * requested with `createRequest.requestId` = the session id, so a repeated request never makes a
 * second conference. One session → one event → one Meet link.
 *
 * Conference creation can be asynchronous (`createRequest.status.statusCode = "pending"`): we poll
 * `events.get` with backoff a few times within one job attempt, then throw so the job retries later.
 * `failure` throws too; the retry asks for a new conference on the same event (events.patch with a
 * new request id), and when retries run out the last error is on the admin's session page.
 *
 * `sendUpdates=none` on every write: Google sends no invitations or updates of its own; our emails
 * and their iCalendar invites are the source of truth.
 *
 * Authentication: the platform account's refresh token (user OAuth, scope
 * https://www.googleapis.com/auth/calendar.events). The OAuth2 client is made once per provider; it
 * refreshes the access token shortly before it expires, and concurrent calls share one refresh.
 *
 * Time: every HTTP request is one attempt bounded by `timeoutMs`; the SDK retries nothing (the job's
 * backoff is the one retry loop), so an attempt settles within a bounded time however Google behaves.
 */
export interface GoogleMeetOptions {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** GOOGLE_CALENDAR_ID, e.g. primary */
  calendarId: string;
  /** GOOGLE_CALENDAR_API_URL, e.g. https://www.googleapis.com/calendar/v3/ */
  calendarApiUrl: string;
  /** GOOGLE_OAUTH_TOKEN_URL, e.g. https://oauth2.googleapis.com/token */
  tokenUrl: string;
  /** APP_URL: each event's description links to the session's page. */
  appUrl: string;
  /** Per HTTP request. */
  timeoutMs?: number;
  /** Waits between polls of a pending conference within one attempt (then the job retries). */
  pendingPollDelaysMs?: number[];
}

/** A confirmation's job waits at most this long per request; a hang must not hold a worker. */
export const GOOGLE_MEET_TIMEOUT_MS = 15_000;
/** 1 + 2 + 4 s: with the requests' own timeouts this stays well inside the room job's expiry. */
export const GOOGLE_PENDING_POLL_DELAYS_MS = [1000, 2000, 4000];

export class GoogleMeetError extends Error {
  override name = 'GoogleMeetError';
  /** HTTP status of Google's answer; undefined when none came (timeout, connection lost). */
  readonly status: number | undefined;
  /** Worth retrying later (no answer, 408, 429, 5xx, a pending conference); false for credentials or request errors. */
  readonly retryable: boolean;
  constructor(message: string, status: number | undefined, retryable: boolean) {
    super(message);
    this.status = status;
    this.retryable = retryable;
  }
}

/**
 * The event id of a session: Calendar ids are base32hex (0-9 and a-v), 5 to 1024 characters. A UUID
 * without its dashes is lowercase hex, a subset, so it is used as it is; anything else is encoded.
 */
export function calendarEventId(sessionId: string): string {
  const plain = sessionId.toLowerCase().replace(/-/g, '');
  if (/^[0-9a-v]{5,1024}$/.test(plain)) return plain;
  const alphabet = '0123456789abcdefghijklmnopqrstuv';
  let out = '';
  let value = 0;
  let bits = 0;
  for (const byte of new TextEncoder().encode(sessionId)) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out.padEnd(5, '0').slice(0, 1024);
}

/** The SDK appends `calendar/v3/...` to its root; GOOGLE_CALENDAR_API_URL names the API's own base. */
function sdkRoot(calendarApiUrl: string): string {
  const base = calendarApiUrl.endsWith('/') ? calendarApiUrl : `${calendarApiUrl}/`;
  return base.replace(/calendar\/v3\/$/, '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createGoogleMeetProvider(options: GoogleMeetOptions): MeetingProvider {
  const timeout = options.timeoutMs ?? GOOGLE_MEET_TIMEOUT_MS;
  const pollDelays = options.pendingPollDelaysMs ?? GOOGLE_PENDING_POLL_DELAYS_MS;
  const calendarId = options.calendarId;
  const oauth = createGoogleAuth(options, { timeoutMs: timeout });
  const api = calendar({ version: 'v3', auth: oauth, rootUrl: sdkRoot(options.calendarApiUrl) });
  const once = { timeout, retry: false } as const;

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

  async function call<T>(method: string, run: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await run()).data;
    } catch (err) {
      throw apiError(err, method, timeout);
    }
  }

  const getEvent = (eventId: string) => call('events.get', () => api.events.get({ calendarId, eventId }, once));

  /** Inserts the session's event, or finds it when an earlier attempt made it (409). */
  async function insertOrGet(event: calendar_v3.Schema$Event): Promise<calendar_v3.Schema$Event> {
    try {
      return await call('events.insert', () =>
        api.events.insert({ calendarId, conferenceDataVersion: 1, sendUpdates: 'none', requestBody: event }, once));
    } catch (err) {
      if (err instanceof GoogleMeetError && err.status === 409) return getEvent(event.id!);
      throw err;
    }
  }

  /** Asks again for a conference on an event whose earlier request failed; a new request id is a new request. */
  function requestConferenceAgain(eventId: string, sessionId: string): Promise<calendar_v3.Schema$Event> {
    const requestId = `${sessionId}-${Date.now().toString(36)}`;
    return call('events.patch', () =>
      api.events.patch({
        calendarId, eventId, conferenceDataVersion: 1, sendUpdates: 'none',
        requestBody: { conferenceData: { createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } } },
      }, once));
  }

  const provider: MeetingProvider = {
    name: 'google-meet',
    async createMeeting(input) {
      await ensureAccessToken();
      const eventId = calendarEventId(input.sessionId);
      const end = new Date(input.start.getTime() + input.durationMinutes * 60_000);
      let event = await insertOrGet({
        id: eventId,
        summary: input.title,
        description: `${input.title}\n\nSession page: ${options.appUrl}/sessions/${input.sessionId}`,
        start: { dateTime: input.start.toISOString(), timeZone: 'UTC' },
        end: { dateTime: end.toISOString(), timeZone: 'UTC' },
        attendees: input.participants.map((p) => ({ email: p.email, displayName: p.name })),
        guestsCanInviteOthers: false,
        guestsCanSeeOtherGuests: true,
        conferenceData: { createRequest: { requestId: input.sessionId, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
      });
      if (event.status === 'cancelled') {
        throw new GoogleMeetError(`Google Calendar event ${eventId} was deleted from calendar ${calendarId}; a deleted event id cannot be used again`, 409, false);
      }
      if (statusOf(event) === 'failure') event = await requestConferenceAgain(eventId, input.sessionId);
      for (const delay of pollDelays) {
        if (statusOf(event) !== 'pending') break;
        await sleep(delay);
        event = await getEvent(eventId);
      }
      const status = statusOf(event);
      if (status === 'pending') {
        throw new GoogleMeetError(`Google Calendar event ${eventId}: the Meet conference is still being created (pending); trying again later`, undefined, true);
      }
      if (status === 'failure') {
        throw new GoogleMeetError(`Google Calendar event ${eventId}: Google could not create the Meet conference (createRequest status failure)`, undefined, true);
      }
      return meetingOf(event, eventId);
    },
    async joinUrlFor(meeting) {
      // Everyone opens the same Meet link; the attendees get in without knocking.
      return meeting.joinUrl;
    },
    async cancelMeeting(meeting) {
      if (meeting.provider !== 'google-meet') return;
      await ensureAccessToken();
      try {
        await call('events.delete', () => api.events.delete({ calendarId, eventId: meeting.externalId, sendUpdates: 'none' }, once));
      } catch (err) {
        // Already deleted (410 Gone) or never there (404): the event is gone, which is what we want.
        if (err instanceof GoogleMeetError && (err.status === 404 || err.status === 410)) return;
        throw err;
      }
    },
    async updateMeeting(meeting, change) {
      if (meeting.provider !== 'google-meet') return;
      await ensureAccessToken();
      const end = new Date(change.start.getTime() + change.durationMinutes * 60_000);
      // Only the times change: the conference, and so the link, stays the same.
      await call('events.patch', () =>
        api.events.patch({
          calendarId, eventId: meeting.externalId, sendUpdates: 'none',
          requestBody: { start: { dateTime: change.start.toISOString(), timeZone: 'UTC' }, end: { dateTime: end.toISOString(), timeZone: 'UTC' } },
        }, once));
    },
    check({ now }) {
      const { tokenUrl, calendarApiUrl } = options;
      return checkGoogleMeet({ oauth, api, rooms: provider, calendarId, tokenUrl, calendarApiUrl, eventIdOf: calendarEventId, timeoutMs: timeout, now });
    },
  };
  return provider;
}

function statusOf(event: calendar_v3.Schema$Event): string | undefined {
  return event.conferenceData?.createRequest?.status?.statusCode ?? (event.hangoutLink ? 'success' : undefined);
}

function meetingOf(event: calendar_v3.Schema$Event, eventId: string): Meeting {
  const video = event.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video');
  const joinUrl = event.hangoutLink ?? video?.uri;
  if (typeof joinUrl !== 'string' || !isHttpsUrl(joinUrl)) {
    throw new GoogleMeetError(`Google Calendar event ${eventId} has no https Meet link (${JSON.stringify(joinUrl)})`, undefined, false);
  }
  const conferenceId = event.conferenceData?.conferenceId ?? undefined;
  // Meet's meeting code (abc-mnop-xyz) is what the Meet REST API filters conference records by.
  const meetingCode = video?.meetingCode ?? new URL(joinUrl).pathname.replace(/^\/+/, '').split('/')[0] ?? undefined;
  return { provider: 'google-meet', joinUrl, externalId: event.id ?? eventId, conferenceId, meetingCode: meetingCode || undefined };
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

/** Calendar API failures: Google's JSON errors are `{ error: { code, message, status?, errors? } }`. */
function apiError(raw: unknown, method: string, timeoutMs: number): GoogleMeetError {
  const err = (raw ?? {}) as HttpishError;
  const status = err.response?.status;
  if (status === undefined) {
    return new GoogleMeetError(`Google Calendar ${method} failed: ${noAnswer(err, timeoutMs)}`, undefined, true);
  }
  const body = (err.response?.data ?? {}) as { error?: { message?: unknown; status?: unknown } };
  const googleStatus = typeof body.error?.status === 'string' ? ` ${body.error.status}` : '';
  const message = typeof body.error?.message === 'string' ? `: ${body.error.message}` : '';
  return new GoogleMeetError(`Google Calendar ${method} failed: ${status}${googleStatus}${message}`, status, retryableStatus(status));
}

function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
