import { randomBytes, randomInt } from 'node:crypto';
import { FakeCalendar } from './google-calendar';
import { LoopbackFake, type LoopbackRequest, type Reply, type TransportFailure } from './loopback';

/**
 * A fake Google on 127.0.0.1 for what we use, in Google's wire format:
 * - `POST /token`: the OAuth 2.0 token endpoint, form-encoded grant_type=refresh_token with
 *   client_id, client_secret, refresh_token; answers `{ access_token, expires_in, token_type }`, or
 *   `{ error, error_description }` (400 invalid_grant for a wrong refresh token, 401 invalid_client).
 * - `POST /v2/spaces`: the Meet REST API's spaces.create; JSON Space in and out; requires
 *   `Authorization: Bearer <a token this fake issued and that has not expired>`, else 401; errors are
 *   Google JSON errors `{ error: { code, message, status } }`.
 * - The Calendar API's events (test/fakes/google-calendar.ts), same authorisation and errors.
 * Tests can make the next requests answer 500 or 429, hang, be cut unprocessed, or be processed with the reply lost.
 */
export type GoogleFailureMode = '500' | '429' | TransportFailure;

export interface FakeSpace {
  name: string;
  meetingUri: string;
  meetingCode: string;
  config: { accessType: string; entryPointAccess: string };
}

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
  /** Access type of a space created without one (the account's default). */
  defaultAccessType = 'OPEN';
  /** Like an account that cannot set the access type: a Space with `config` gets 400 INVALID_ARGUMENT. */
  rejectSpaceConfig = false;
  /** Every space Google would have created (including those whose reply was lost). */
  spaces: FakeSpace[] = [];
  /** Request bodies of every spaces.create that reached the API (authorised or not). */
  spaceRequests: unknown[] = [];
  tokenRequests = 0;
  /** The Calendar API: the sessions' events and their Meet conferences. */
  readonly calendar = new FakeCalendar();
  private tokens = new Map<string, number>();
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

  get spacesCreated(): number {
    return this.spaces.length;
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
    if (r.method === 'POST' && r.path === '/v2/spaces') return reply(...this.createSpace(r.raw, recorded.authorization));
    if (r.path.startsWith('/calendar/v3/')) return this.authorised(recorded.authorization) ? (this.calendar.route(r) ?? notFound(r.path)) : reply(...unauthenticated());
    return notFound(r.path);
  }

  /** A bearer token this fake issued and that has not expired. */
  authorised(authorization: string | undefined): boolean {
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const expiry = bearer ? this.tokens.get(bearer) : undefined;
    return expiry !== undefined && expiry > Date.now();
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
    this.tokens.set(accessToken, Date.now() + this.tokenLifetimeSeconds * 1000);
    return [
      200,
      {
        access_token: accessToken,
        expires_in: this.tokenLifetimeSeconds,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/meetings.space.created',
      },
    ];
  }

  private createSpace(raw: string, authorization: string | undefined): [number, unknown] {
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const expiry = bearer ? this.tokens.get(bearer) : undefined;
    if (expiry === undefined || expiry <= Date.now()) {
      return [401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.')];
    }
    let body: { config?: { accessType?: unknown } } | null;
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as typeof body);
    } catch {
      return [400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')];
    }
    this.spaceRequests.push(body);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return [400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Expected an object.')];
    }
    if (body.config !== undefined && this.rejectSpaceConfig) {
      return [400, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')];
    }
    const requested = body.config?.accessType;
    if (requested !== undefined && !['ACCESS_TYPE_UNSPECIFIED', 'OPEN', 'TRUSTED', 'RESTRICTED'].includes(String(requested))) {
      return [400, googleError(400, 'INVALID_ARGUMENT', `Invalid value at 'space.config.access_type' (type.googleapis.com/google.apps.meet.v2.SpaceConfig.AccessType), "${String(requested)}"`)];
    }
    const meetingCode = `${letters(3)}-${letters(4)}-${letters(3)}`;
    const space: FakeSpace = {
      name: `spaces/${randomBytes(9).toString('base64url').replace(/[-_]/g, 'Q')}`,
      meetingUri: `https://meet.google.com/${meetingCode}`,
      meetingCode,
      config: {
        accessType: requested === undefined || requested === 'ACCESS_TYPE_UNSPECIFIED' ? this.defaultAccessType : String(requested),
        entryPointAccess: 'ALL',
      },
    };
    this.spaces.push(space);
    return [200, space];
  }
}

function notFound(path: string): Reply {
  return reply(404, googleError(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`));
}

function unauthenticated(): [number, unknown] {
  return [401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.')];
}

function googleError(code: number, status: string, message: string) {
  return { error: { code, message, status } };
}

function letters(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + randomInt(26));
  return s;
}

function reply(status: number, body: unknown): Reply {
  return { status, body };
}
