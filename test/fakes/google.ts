import { randomBytes } from 'node:crypto';
import { FakeMeetRecords } from './google-meet-records';
import { FakeCalendar } from './google-calendar';
import { LoopbackFake, type LoopbackRequest, type Reply, type TransportFailure } from './loopback';

/**
 * A fake Google on 127.0.0.1 for what we use, in Google's wire format:
 * - `POST /token`: the OAuth 2.0 token endpoint, form-encoded grant_type=refresh_token with
 *   client_id, client_secret, refresh_token; answers `{ access_token, expires_in, token_type, scope }`
 *   (scope: the space-separated `grantedScopes`), or `{ error, error_description }` (400 invalid_grant
 *   for a wrong refresh token, 401 invalid_client).
 * - The Calendar API's events (`calendar`, see google-calendar.ts), which make the Meet rooms.
 * - `GET /v2/conferenceRecords…`: the Meet REST API's records (`records`, see google-meet-records.ts).
 * Both require `Authorization: Bearer <a token this fake issued and that has not expired>`, else 401;
 * errors are Google JSON errors `{ error: { code, message, status } }`. The Calendar API also wants a
 * Calendar scope in the token (a write: calendar or calendar.events; a read: their readonly forms
 * too), else 403 PERMISSION_DENIED with reason insufficientPermissions, as Google answers.
 * Tests can make the next requests answer 500 or 429, hang, be cut unprocessed, or be processed with the reply lost.
 */
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar';
const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const CALENDAR_WRITE_SCOPES = [CALENDAR_SCOPE, CALENDAR_EVENTS_SCOPE];
const CALENDAR_READ_SCOPES = [...CALENDAR_WRITE_SCOPES, `${CALENDAR_SCOPE}.readonly`, `${CALENDAR_EVENTS_SCOPE}.readonly`];

export type GoogleFailureMode = '500' | '429' | TransportFailure;

export interface GoogleRecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  raw: string;
}

export class FakeGoogle extends LoopbackFake<GoogleRecordedRequest, GoogleFailureMode> {
  readonly clientId = 'fake-client-id.apps.googleusercontent.com';
  readonly clientSecret = 'fake-client-secret';
  readonly refreshToken = `1//fake-refresh-${randomBytes(8).toString('hex')}`;
  /** expires_in of the access tokens issued from now on. */
  tokenLifetimeSeconds = 3600;
  tokenRequests = 0;
  /** The scopes the account granted: what the token endpoint lists, and what the APIs let the tokens do. */
  grantedScopes = [CALENDAR_EVENTS_SCOPE, 'https://www.googleapis.com/auth/meetings.space.readonly'];
  /** false: the token answer has no `scope` (Google always sends it; another token endpoint may not). */
  listScopes = true;
  /** true: the APIs answer 401 to every access token, as to tokens revoked as soon as they were issued. */
  rejectAccessTokens = false;
  /** Conference records, participants, recordings and transcripts that tests load. */
  readonly records = new FakeMeetRecords();
  /** The Calendar API: the sessions' events and their Meet conferences. */
  readonly calendar = new FakeCalendar();
  private tokens = new Map<string, { expiry: number; scopes: string[] }>();
  protected override contentType = 'application/json; charset=UTF-8';

  get tokenUrl(): string {
    return `${this.url}/token`;
  }

  /** The app's variables for Google Meet through this fake. */
  get appEnv(): Record<string, string> {
    return {
      MEETING_PROVIDER: 'google-meet', GOOGLE_CLIENT_ID: this.clientId, GOOGLE_CLIENT_SECRET: this.clientSecret,
      GOOGLE_REFRESH_TOKEN: this.refreshToken, GOOGLE_MEET_API_URL: `${this.url}/`, GOOGLE_OAUTH_TOKEN_URL: this.tokenUrl,
      GOOGLE_CALENDAR_API_URL: `${this.url}/calendar/v3/`,
    };
  }

  protected record(r: LoopbackRequest): GoogleRecordedRequest {
    return { method: r.method, path: r.path, authorization: r.header('authorization'), contentType: r.header('content-type'), raw: r.raw };
  }

  protected failure(mode: '500' | '429'): Reply {
    return mode === '500'
      ? reply(500, googleError(500, 'INTERNAL', 'Internal error encountered. (fake Google, injected)'))
      : reply(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota). (fake Google, injected)'));
  }

  protected crashed(err: unknown): Reply {
    return reply(500, googleError(500, 'INTERNAL', String(err)));
  }

  protected route(r: LoopbackRequest, recorded: GoogleRecordedRequest): Reply {
    if (r.method === 'POST' && r.path === '/token') return reply(...this.token(r.header('content-type'), r.raw));
    if (r.path.startsWith('/v2/conferenceRecords')) {
      if (!this.authorised(recorded.authorization)) return reply(...unauthenticated());
      const answer = this.records.route(r.method, r.path, r.query);
      if (answer) return reply(...answer);
    }
    if (r.path.startsWith('/calendar/v3/')) {
      const token = this.tokenOf(recorded.authorization);
      if (!token) return reply(...unauthenticated());
      const allowed = r.method === 'GET' ? CALENDAR_READ_SCOPES : CALENDAR_WRITE_SCOPES;
      if (!token.scopes.some((s) => allowed.includes(s))) return reply(...insufficientScopes());
      return this.calendar.route(r) ?? notFound(r.path);
    }
    return notFound(r.path);
  }

  /** A bearer token this fake issued and that has not expired. */
  authorised(authorization: string | undefined): boolean {
    return this.tokenOf(authorization) !== undefined;
  }

  /** Every access token issued so far: none may ever appear in what the app prints or stores. */
  get issuedAccessTokens(): string[] {
    return [...this.tokens.keys()];
  }

  private tokenOf(authorization: string | undefined): { expiry: number; scopes: string[] } | undefined {
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const token = bearer ? this.tokens.get(bearer) : undefined;
    return token && token.expiry > Date.now() && !this.rejectAccessTokens ? token : undefined;
  }

  private token(contentType: string | undefined, raw: string): [number, unknown] {
    this.tokenRequests++;
    if (!contentType?.startsWith('application/x-www-form-urlencoded')) {
      return [400, { error: 'invalid_request', error_description: 'Bad Request' }];
    }
    const form = new URLSearchParams(raw);
    if (form.get('grant_type') !== 'refresh_token') {
      return [400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type') ?? ''}` }];
    }
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return [401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' }];
    }
    if (form.get('refresh_token') !== this.refreshToken) {
      return [400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }];
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString('base64url')}`;
    const scopes = [...this.grantedScopes];
    this.tokens.set(accessToken, { expiry: Date.now() + this.tokenLifetimeSeconds * 1000, scopes });
    return [
      200,
      {
        access_token: accessToken,
        expires_in: this.tokenLifetimeSeconds,
        token_type: 'Bearer',
        ...(this.listScopes ? { scope: scopes.join(' ') } : {}),
      },
    ];
  }
}

function notFound(path: string): Reply {
  return reply(404, googleError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`));
}

function unauthenticated(): [number, unknown] {
  return [401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.')];
}

/** Google's answer to a valid token without the scope the call needs. */
function insufficientScopes(): [number, unknown] {
  return [403, {
    error: {
      code: 403, message: 'Request had insufficient authentication scopes.', status: 'PERMISSION_DENIED',
      errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }],
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: 'calendar-json.googleapis.com' } }],
    },
  }];
}

function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}

function reply(status: number, body: unknown): Reply {
  return { status, body };
}
