import { randomUUID } from 'node:crypto';
import type { calendar_v3 } from '@googleapis/calendar';
import type { CheckStep } from '../integrations/check';
import { maskUrl } from '../integrations/mask';
import type { GoogleAuthClient } from './google-auth';
import type { Meeting, MeetingProvider } from './provider';

/**
 * The operator's check of Google Meet, step by step, in the order a room needs them: the refresh
 * token gives an access token, the token carries a Calendar scope that lets us create events, the
 * calendar answers, a throw-away event gets a Meet conference through the same code as a session's
 * room, and that event is deleted again. The first failure ends the check (the later steps are
 * listed as not tried); each request is one bounded attempt, as for real rooms.
 */
export interface GoogleCheckOptions {
  oauth: GoogleAuthClient;
  api: calendar_v3.Calendar;
  /** The provider itself: the test room is made and removed by its own createMeeting and cancelMeeting. */
  rooms: Pick<MeetingProvider, 'createMeeting' | 'cancelMeeting'>;
  calendarId: string;
  tokenUrl: string;
  calendarApiUrl: string;
  /** The event id createMeeting gives a session: to remove an event whose creation had no clear answer. */
  eventIdOf: (sessionId: string) => string;
  timeoutMs: number;
  now: Date;
}

/** Either of these lets us create events with a conference; the adapter asks for the narrower one. */
export const CALENDAR_SCOPES = ['https://www.googleapis.com/auth/calendar.events', 'https://www.googleapis.com/auth/calendar'];
const RECORDS_SCOPE = 'https://www.googleapis.com/auth/meetings.space.readonly';

export const CHECK_EVENT_TITLE = 'CodeMentorHub check — safe to delete';

const LABELS = ['Token refresh', 'Scopes', 'Calendar access', 'Test room', 'Test room removal'] as const;
type Label = (typeof LABELS)[number];

const NEW_TOKEN = `make a new GOOGLE_REFRESH_TOKEN for the account that owns GOOGLE_CALENDAR_ID, granting ${CALENDAR_SCOPES[0]}`;

export async function checkGoogleMeet(options: GoogleCheckOptions): Promise<CheckStep[]> {
  const steps: CheckStep[] = [];
  const finish = () => {
    for (const label of LABELS.slice(steps.length)) steps.push({ label, outcome: 'skipped', detail: 'not tried' });
    return steps;
  };
  const failed = (step: CheckStep) => {
    steps.push(step);
    return step.outcome === 'failed';
  };

  const token = await refreshToken(options);
  if (failed(token.step) || failed(scopesStep(token.scopes)) || failed(await calendarStep(options))) return finish();

  // A fresh id each time: Google never lets a deleted event's id be used again.
  const sessionId = randomUUID();
  const start = new Date(Math.ceil(options.now.getTime() / 3_600_000) * 3_600_000 + 2 * 3_600_000);
  const room = await createTestRoom(options, sessionId, start);
  steps.push(room.step);
  if (!room.meeting && !room.mayExist) return finish();

  const meeting = room.meeting ?? { provider: 'google-meet' as const, joinUrl: '', externalId: options.eventIdOf(sessionId) };
  try {
    await options.rooms.cancelMeeting(meeting);
    steps.push({ label: 'Test room removal', outcome: 'ok', detail: `deleted the test event from calendar "${options.calendarId}"` });
  } catch (err) {
    steps.push({
      label: 'Test room removal', outcome: 'failed', detail: (err as Error).message,
      fix: `Delete the event "${CHECK_EVENT_TITLE}" on ${start.toISOString()} from calendar "${options.calendarId}" by hand.`,
    });
  }
  return steps;
}

/** A room for a throw-away event, made by the provider's own createMeeting: no attendees, so no one is invited. */
async function createTestRoom(options: GoogleCheckOptions, sessionId: string, start: Date): Promise<{ step: CheckStep; meeting?: Meeting; mayExist?: boolean }> {
  const label: Label = 'Test room';
  try {
    const meeting = await options.rooms.createMeeting({ sessionId, start, durationMinutes: 15, title: CHECK_EVENT_TITLE, participants: [] });
    if (!meeting) return { step: { label, outcome: 'failed', detail: 'no room was made' } };
    return { step: { label, outcome: 'ok', detail: `${meeting.joinUrl} (event "${CHECK_EVENT_TITLE}" at ${start.toISOString()})` }, meeting };
  } catch (err) {
    const { status } = err as { status?: number };
    const conference = status === undefined && /Meet conference/.test((err as Error).message);
    const fix = conference
      ? 'Google did not finish the Meet conference: try again in a few minutes; if it keeps failing, check that Google Meet is on for the account.'
      : fixFor({ status, calendarId: options.calendarId, creating: true });
    return {
      step: { label, outcome: 'failed', detail: (err as Error).message, fix },
      // No answer, a 5xx, or a conference still pending or failed: the event may exist, so it is removed.
      mayExist: status === undefined || status >= 500,
    };
  }
}

async function refreshToken(options: GoogleCheckOptions): Promise<{ step: CheckStep; scopes?: string[] }> {
  const label: Label = 'Token refresh';
  const tokenUrl = maskUrl(options.tokenUrl);
  try {
    // Always a new token, even when one is cached: the refresh token itself is what is checked.
    const { credentials } = await options.oauth.refreshAccessToken();
    if (!credentials.access_token) return { step: { label, outcome: 'failed', detail: `${tokenUrl} answered without an access token`, fix: 'Check GOOGLE_OAUTH_TOKEN_URL.' } };
    return { step: { label, outcome: 'ok', detail: `got an access token from ${tokenUrl}` }, scopes: credentials.scope?.split(/\s+/).filter(Boolean) };
  } catch (raw) {
    const answer = answerOf(raw, options.timeoutMs);
    if (answer.status === undefined) {
      return { step: { label, outcome: 'failed', detail: `${tokenUrl}: ${answer.noAnswer}`, fix: 'Check GOOGLE_OAUTH_TOKEN_URL and that this server can reach Google.' } };
    }
    const detail = `${tokenUrl} answered ${answer.status} ${answer.oauthError ?? ''}${answer.description ? ` (${answer.description})` : ''}`.replace(/\s+$/, '');
    const fix =
      answer.oauthError === 'invalid_grant'
        ? 'GOOGLE_REFRESH_TOKEN was refused (revoked or for another client): make a new one.'
        : answer.oauthError === 'invalid_client' || answer.oauthError === 'unauthorized_client'
          ? 'Google does not know this OAuth client: check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.'
          : 'Check GOOGLE_OAUTH_TOKEN_URL, GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN.';
    return { step: { label, outcome: 'failed', detail, fix } };
  }
}

function scopesStep(scopes: string[] | undefined): CheckStep {
  const label: Label = 'Scopes';
  // Google always lists them; another token endpoint may not, and then the calendar's answer tells.
  if (!scopes) return { label, outcome: 'skipped', detail: 'the token endpoint did not say which scopes were granted' };
  const calendar = CALENDAR_SCOPES.find((s) => scopes.includes(s));
  if (!calendar) {
    return {
      label, outcome: 'failed', detail: `${CALENDAR_SCOPES[0]} (or ${CALENDAR_SCOPES[1]}) is missing; granted: ${scopes.join(' ') || 'none'}`,
      fix: `Events cannot be created without it: ${NEW_TOKEN}.`,
    };
  }
  const records = scopes.includes(RECORDS_SCOPE) ? `, ${RECORDS_SCOPE}` : ` (without ${RECORDS_SCOPE}, attendance and recordings are not read)`;
  return { label, outcome: 'ok', detail: `${calendar}${records}` };
}

async function calendarStep(options: GoogleCheckOptions): Promise<CheckStep> {
  const label: Label = 'Calendar access';
  try {
    // events.list works with the events scope alone (calendars.get needs the wider one).
    const { data } = await options.api.events.list(
      { calendarId: options.calendarId, maxResults: 1, timeMin: options.now.toISOString(), singleEvents: true },
      { timeout: options.timeoutMs, retry: false },
    );
    // Google names the calendar in `summary` (the address, for a primary calendar).
    const name = data.summary && data.summary !== options.calendarId ? ` ("${data.summary}")` : '';
    return { label, outcome: 'ok', detail: `calendar "${options.calendarId}"${name} answered` };
  } catch (raw) {
    const answer = answerOf(raw, options.timeoutMs);
    if (answer.status === undefined) {
      return { label, outcome: 'failed', detail: `${maskUrl(options.calendarApiUrl)}: ${answer.noAnswer}`, fix: 'Check GOOGLE_CALENDAR_API_URL and that this server can reach Google; then try again.' };
    }
    const detail = `Google answered ${answer.status}${answer.googleStatus ? ` ${answer.googleStatus}` : ''}${answer.reason ? ` (${answer.reason})` : ''}${answer.message ? `: ${answer.message}` : ''}`;
    return { label, outcome: 'failed', detail, fix: fixFor({ status: answer.status, reason: answer.reason, calendarId: options.calendarId, creating: false }) };
  }
}

/** What to do about a Calendar API answer, naming the variable. */
function fixFor(options: { status: number | undefined; reason?: string; calendarId: string; creating: boolean }): string {
  const { status, reason, calendarId } = options;
  if (status === undefined) return 'Check GOOGLE_CALENDAR_API_URL and that this server can reach Google; then try again.';
  if (status === 401) return `Google refused the access token (expired or revoked): ${NEW_TOKEN}; check that GOOGLE_OAUTH_TOKEN_URL and GOOGLE_CALENDAR_API_URL are both Google's.`;
  if (status === 403 && reason === 'insufficientPermissions') return `The token lacks a Calendar scope: ${NEW_TOKEN}.`;
  if (status === 403) {
    return options.creating
      ? `The Google account can read calendar "${calendarId}" but not add events or Meet conferences to it: give it "Make changes to events", and make sure Google Meet is on for it.`
      : `The Google account behind GOOGLE_REFRESH_TOKEN cannot use calendar "${calendarId}": share it with that account ("Make changes to events"), or change GOOGLE_CALENDAR_ID.`;
  }
  if (status === 404) return `No calendar "${calendarId}" for this account: set GOOGLE_CALENDAR_ID to "primary" or to a calendar id from its settings.`;
  if (status === 429 || status >= 500) return 'Google is busy or failing: try again in a few minutes.';
  return 'Check GOOGLE_CALENDAR_ID and GOOGLE_CALENDAR_API_URL.';
}

interface Answer {
  status?: number;
  /** OAuth errors: `{ error, error_description }`. */
  oauthError?: string;
  description?: string;
  /** API errors: `{ error: { code, message, status, errors: [{ reason }] } }`. */
  googleStatus?: string;
  message?: string;
  reason?: string;
  /** When there was no answer: why, in words. */
  noAnswer: string;
}

/** Google's answer to a failed request, from the SDK's error; nothing of the request (so no secret). */
function answerOf(raw: unknown, timeoutMs: number): Answer {
  const err = (raw ?? {}) as { message?: string; code?: unknown; name?: string; response?: { status?: number; data?: unknown } };
  const text = `${err.name ?? ''} ${String(err.code ?? '')} ${err.message ?? ''}`;
  const noAnswer = /timeout|timed out|aborted/i.test(text) ? `no answer within ${timeoutMs} ms` : `no answer (${err.message ?? String(raw)})`;
  const status = err.response?.status;
  if (status === undefined) return { noAnswer };
  const data = (err.response?.data ?? {}) as { error?: unknown; error_description?: unknown };
  if (typeof data.error === 'string') {
    return { status, oauthError: data.error, description: typeof data.error_description === 'string' ? data.error_description : undefined, noAnswer };
  }
  const body = (data.error ?? {}) as { status?: unknown; message?: unknown; errors?: { reason?: unknown }[] };
  const reason = body.errors?.[0]?.reason;
  return {
    status, noAnswer,
    googleStatus: typeof body.status === 'string' ? body.status : undefined,
    message: typeof body.message === 'string' ? body.message : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
  };
}
