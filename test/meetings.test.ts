import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config';
import { createGoogleMeetProvider, GoogleMeetError } from '../src/meetings/google-meet';
import { createMeetingProvider } from '../src/meetings/index';
import { createJitsiMeetingProvider, JITSI_ROOM_PREFIX_MAX } from '../src/meetings/jitsi';
import { createNoMeetingProvider } from '../src/meetings/none';
import type { CreateMeetingInput, Meeting, MeetingProvider } from '../src/meetings/provider';
import { FakeGoogle } from './fakes/google';

const input: CreateMeetingInput = {
  sessionId: '6f1c2d3e-0000-4000-8000-000000000001',
  start: new Date('2026-12-01T14:00:00Z'),
  durationMinutes: 60,
  title: 'Mentoring session',
  participants: [
    { name: 'Mia Mentor', email: 'mia@example.test' },
    { name: 'Max Mentee', email: 'max@example.test' },
  ],
  roomName: 'Mia Mentor',
};
const mentor = { id: 'u-mentor', name: 'Mia Mentor', email: 'mia@example.test', moderator: true };
const mentee = { id: 'u-mentee', name: 'Max Mentee', email: 'max@example.test', moderator: false };
const expiresAt = new Date('2026-12-01T17:00:00Z'); // session end + 2 h

/** The promise's rejection and how long it took to come. */
async function rejection(promise: Promise<unknown>): Promise<{ error: GoogleMeetError; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as GoogleMeetError, ms: performance.now() - started };
  }
  throw new Error('expected a rejection, got a meeting');
}

describe('google-meet against a fake Google (real SDK, real HTTP)', () => {
  let google: FakeGoogle;
  let provider: MeetingProvider;
  let warnings: string[];

  beforeEach(async () => {
    google = await new FakeGoogle().start();
    warnings = [];
    provider = createGoogleMeetProvider({
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      refreshToken: google.refreshToken,
      apiUrl: google.url,
      tokenUrl: google.tokenUrl,
      timeoutMs: 500,
      warn: (m) => warnings.push(m),
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await google.stop();
  });

  it('creates a TRUSTED space and returns its meetingUri and name; one token serves two creations', async () => {
    const first = (await provider.createMeeting(input))!;
    const second = (await provider.createMeeting(input))!;

    expect(google.spacesCreated).toBe(2);
    expect(first).toEqual({ provider: 'google-meet', joinUrl: google.spaces[0]!.meetingUri, externalId: google.spaces[0]!.name });
    expect(second).toEqual({ provider: 'google-meet', joinUrl: google.spaces[1]!.meetingUri, externalId: google.spaces[1]!.name });
    expect(first.joinUrl).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(first.externalId).toMatch(/^spaces\/\w+$/);
    expect(second.joinUrl).not.toBe(first.joinUrl);

    // The access type went over the wire as JSON, and Google applied it.
    expect(google.spaceRequests).toEqual([{ config: { accessType: 'TRUSTED' } }, { config: { accessType: 'TRUSTED' } }]);
    expect(google.spaces.map((s) => s.config.accessType)).toEqual(['TRUSTED', 'TRUSTED']);
    expect(google.requestsTo('/v2/spaces')[0]!.contentType).toMatch(/^application\/json/);

    // One refresh-token grant; its access token authorised both creations.
    expect(google.tokenRequests).toBe(1);
    const grant = new URLSearchParams(google.requestsTo('/token')[0]!.raw);
    expect(Object.fromEntries(grant)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: google.refreshToken,
      client_id: google.clientId,
      client_secret: google.clientSecret,
    });
    const auths = google.requestsTo('/v2/spaces').map((r) => r.authorization);
    expect(auths[0]).toMatch(/^Bearer ya29\.fake-/);
    expect(auths[1]).toBe(auths[0]);
    expect(warnings).toEqual([]);
  });

  it('concurrent creations share one token request', async () => {
    const meetings = await Promise.all([provider.createMeeting(input), provider.createMeeting(input), provider.createMeeting(input)]);
    expect(new Set(meetings.map((m) => m!.externalId)).size).toBe(3);
    expect(google.tokenRequests).toBe(1);
  });

  it('reuses the access token until it is about to expire, then fetches a new one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // the client and the fake share this clock; timers stay real
    await provider.createMeeting(input);
    vi.setSystemTime(Date.now() + 50 * 60_000); // 10 minutes left: still good
    await provider.createMeeting(input);
    expect(google.tokenRequests).toBe(1);
    vi.setSystemTime(Date.now() + 11 * 60_000); // past its expiry
    await provider.createMeeting(input);
    expect(google.tokenRequests).toBe(2);
    const auths = google.requestsTo('/v2/spaces').map((r) => r.authorization);
    expect(auths[2]).not.toBe(auths[0]);
    expect(google.spacesCreated).toBe(3); // the fake refused nothing: the new token was used
  });

  it.each([
    ['500', 500, 'INTERNAL'],
    ['429', 429, 'RESOURCE_EXHAUSTED'],
  ] as const)('a %s answer rejects at once, retryable, and the SDK does not repeat the POST', async (mode, status, googleStatus) => {
    await provider.createMeeting(input); // the token is cached: the next request is spaces.create
    google.failNext(mode);
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`spaces.create failed: ${status} ${googleStatus}`);
    expect(ms).toBeLessThan(2000);
    expect(google.requestsTo('/v2/spaces')).toHaveLength(2); // one per createMeeting, none hidden
    await expect(provider.createMeeting(input)).resolves.toMatchObject({ provider: 'google-meet' }); // the caller's retry works
  });

  it('a hanging spaces.create rejects after the timeout instead of holding the worker', async () => {
    await provider.createMeeting(input);
    google.failNext('hang');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.message).toBe('Google Meet spaces.create failed: no answer within 500 ms');
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3000);
    expect(google.requestsTo('/v2/spaces')).toHaveLength(2);
  });

  it('a hanging token endpoint rejects after the timeout too', async () => {
    google.failNext('hang');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error.message).toBe(`Google OAuth token request to ${google.tokenUrl} failed: no answer within 500 ms`);
    expect(ms).toBeLessThan(3000);
    expect(google.requestsTo('/token')).toHaveLength(1);
    expect(google.requestsTo('/v2/spaces')).toHaveLength(0);
  });

  it('a lost reply rejects; the space Google made is orphaned and a retry makes another (spaces.create has no request id)', async () => {
    await provider.createMeeting(input);
    google.failNext('lose-reply');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(ms).toBeLessThan(3000);
    expect(google.spacesCreated).toBe(2); // created, but we never learnt its name
    expect(google.requestsTo('/v2/spaces')).toHaveLength(2); // and the SDK did not silently POST again
    const retried = (await provider.createMeeting(input))!;
    expect(google.spacesCreated).toBe(3);
    expect(retried.externalId).toBe(google.spaces[2]!.name);
    expect(retried.externalId).not.toBe(google.spaces[1]!.name);
  });

  it('a wrong refresh token gives a clear, non-retryable error without leaking secrets', async () => {
    const bad = createGoogleMeetProvider({
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      refreshToken: '1//revoked-token',
      apiUrl: google.url,
      tokenUrl: google.tokenUrl,
      timeoutMs: 500,
    });
    const { error } = await rejection(bad.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.message).toBe(
      `Google OAuth token request to ${google.tokenUrl} failed: 400 invalid_grant (Token has been expired or revoked.). GOOGLE_REFRESH_TOKEN is wrong, expired or revoked: authorise the platform account again.`,
    );
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('revoked-token');
    expect(error.message).not.toContain(google.clientSecret);
    expect(google.requestsTo('/v2/spaces')).toHaveLength(0);
  });

  it('a wrong client secret names the client variables', async () => {
    const bad = createGoogleMeetProvider({
      clientId: google.clientId,
      clientSecret: 'wrong-secret',
      refreshToken: google.refreshToken,
      apiUrl: google.url,
      tokenUrl: google.tokenUrl,
      timeoutMs: 500,
    });
    const { error } = await rejection(bad.createMeeting(input));
    expect(error.status).toBe(401);
    expect(error.message).toContain('401 invalid_client');
    expect(error.message).toContain('GOOGLE_CLIENT_SECRET');
    expect(error.message).not.toContain('wrong-secret');
  });

  it('falls back to a space without config when the account cannot set the access type, and says so', async () => {
    google.rejectSpaceConfig = true;
    const meeting = (await provider.createMeeting(input))!;
    expect(google.spaceRequests).toEqual([{ config: { accessType: 'TRUSTED' } }, {}]);
    expect(google.spacesCreated).toBe(1);
    expect(meeting.externalId).toBe(google.spaces[0]!.name);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('refused accessType TRUSTED');
    expect(warnings[1]).toContain('has access type OPEN');
  });

  it('joinUrlFor gives every participant the space link', async () => {
    const meeting = (await provider.createMeeting(input))!;
    await expect(provider.joinUrlFor(meeting, mentee, { expiresAt })).resolves.toBe(meeting.joinUrl);
  });
});

describe('jitsi', () => {
  const RANDOM = /^[a-z2-7]{32}$/; // base32 of 20 random bytes: 160 bits

  function randomPart(meeting: Meeting): string {
    return meeting.externalId.slice(meeting.externalId.lastIndexOf('-') + 1);
  }

  it('makes a link to a room with a readable prefix and 160 random bits', async () => {
    const jitsi = createJitsiMeetingProvider({ baseUrl: 'https://meet.jit.si' });
    const a = (await jitsi.createMeeting(input))!;
    const b = (await jitsi.createMeeting(input))!;
    expect(a.provider).toBe('jitsi');
    expect(a.externalId).toMatch(/^mia-mentor-[a-z2-7]{32}$/);
    expect(a.joinUrl).toBe(`https://meet.jit.si/${a.externalId}`);
    expect(randomPart(a)).toMatch(RANDOM);
    expect(randomPart(b)).not.toBe(randomPart(a));
    expect(b.joinUrl).not.toBe(a.joinUrl);
  });

  it('uses the whole base32 alphabet and never repeats a room (random bytes, not a counter or a clock)', async () => {
    const jitsi = createJitsiMeetingProvider({ baseUrl: 'https://meet.jit.si' });
    const parts: string[] = [];
    for (let i = 0; i < 300; i++) parts.push(randomPart((await jitsi.createMeeting({ ...input, roomName: undefined }))!));
    expect(new Set(parts).size).toBe(300);
    expect(parts.every((p) => RANDOM.test(p))).toBe(true);
    expect(new Set(parts.join('')).size).toBe(32);
  });

  it('slugs the prefix to lowercase [a-z0-9-], at most 30 characters', async () => {
    const jitsi = createJitsiMeetingProvider({ baseUrl: 'https://jitsi.example.org/' });
    const zoe = (await jitsi.createMeeting({ ...input, roomName: "Zoë O'Brien / Ünicode" }))!;
    expect(zoe.externalId).toMatch(/^zoe-obrien-unicode-[a-z2-7]{32}$/);
    expect(zoe.joinUrl).toBe(`https://jitsi.example.org/${zoe.externalId}`); // no double slash

    const long = (await jitsi.createMeeting({ ...input, roomName: 'Maximilian-Alexander Straße-Großmann von Württemberg' }))!;
    const prefix = long.externalId.slice(0, long.externalId.lastIndexOf('-'));
    expect(prefix.length).toBeLessThanOrEqual(JITSI_ROOM_PREFIX_MAX);
    expect(prefix).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(prefix.startsWith('maximilian-alexander-strasse')).toBe(true);

    const nothingReadable = (await jitsi.createMeeting({ ...input, roomName: '李小龙 🎉 !!' }))!;
    expect(nothingReadable.externalId).toMatch(RANDOM);
    const none = (await jitsi.createMeeting({ ...input, roomName: undefined }))!;
    expect(none.externalId).toMatch(RANDOM);
  });

  it('without JITSI_APP_ID, joinUrlFor is the room link itself', async () => {
    const jitsi = createJitsiMeetingProvider({ baseUrl: 'https://meet.jit.si' });
    const meeting = (await jitsi.createMeeting(input))!;
    await expect(jitsi.joinUrlFor(meeting, mentor, { expiresAt })).resolves.toBe(meeting.joinUrl);
  });

  describe('with JITSI_APP_ID and JITSI_APP_SECRET', () => {
    const appId = 'codementorhub';
    const appSecret = 'a-long-shared-secret-for-prosody-token-auth';
    const key = new TextEncoder().encode(appSecret);
    const jitsi = createJitsiMeetingProvider({ baseUrl: 'https://jitsi.example.org', appId, appSecret });

    async function tokenOf(url: string, meeting: Meeting): Promise<string> {
      expect(url.startsWith(`${meeting.joinUrl}?jwt=`)).toBe(true);
      return new URL(url).searchParams.get('jwt')!;
    }

    it('signs a per-participant HS256 token with the claims Jitsi reads; moderator only for the mentor', async () => {
      const meeting = (await jitsi.createMeeting(input))!;
      const mentorToken = await tokenOf(await jitsi.joinUrlFor(meeting, mentor, { expiresAt }), meeting);
      const menteeToken = await tokenOf(await jitsi.joinUrlFor(meeting, mentee, { expiresAt }), meeting);

      expect(decodeProtectedHeader(mentorToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
      const options = { issuer: appId, audience: 'jitsi', subject: 'jitsi.example.org', algorithms: ['HS256'], currentDate: new Date('2026-12-01T14:00:00Z') };
      const { payload: m } = await jwtVerify(mentorToken, key, options);
      expect(m).toMatchObject({ iss: appId, aud: 'jitsi', sub: 'jitsi.example.org', room: meeting.externalId, exp: expiresAt.getTime() / 1000 });
      expect(m.context).toEqual({ user: { id: 'u-mentor', name: 'Mia Mentor', email: 'mia@example.test', moderator: 'true' } });

      const { payload: e } = await jwtVerify(menteeToken, key, options);
      expect(e.room).toBe(meeting.externalId);
      expect(e.context).toEqual({ user: { id: 'u-mentee', name: 'Max Mentee', email: 'max@example.test', moderator: 'false' } });
    });

    it('the token does not verify with another secret, and lapses at expiresAt', async () => {
      const meeting = (await jitsi.createMeeting(input))!;
      const token = await tokenOf(await jitsi.joinUrlFor(meeting, mentee, { expiresAt }), meeting);
      await expect(jwtVerify(token, new TextEncoder().encode('another-secret'), { algorithms: ['HS256'] })).rejects.toThrow(/signature/);
      await expect(jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(expiresAt.getTime() + 1000) })).rejects.toThrow(/exp/);
    });

    it('never attaches a token to a link that is not one of its own rooms', async () => {
      const google: Meeting = { provider: 'google-meet', joinUrl: 'https://meet.google.com/abc-mnop-xyz', externalId: 'spaces/abc' };
      await expect(jitsi.joinUrlFor(google, mentor, { expiresAt })).resolves.toBe(google.joinUrl);
      const elsewhere: Meeting = { provider: 'jitsi', joinUrl: 'https://meet.jit.si/room-x', externalId: 'room-x' };
      await expect(jitsi.joinUrlFor(elsewhere, mentor, { expiresAt })).resolves.toBe(elsewhere.joinUrl);
    });
  });
});

describe('none', () => {
  it('creates no meeting, and has no link to give', async () => {
    const none = createNoMeetingProvider();
    expect(none.name).toBe('none');
    await expect(none.createMeeting(input)).resolves.toBeNull();
    const meeting: Meeting = { provider: 'jitsi', joinUrl: 'https://meet.jit.si/x', externalId: 'x' };
    await expect(none.joinUrlFor(meeting, mentor, { expiresAt })).rejects.toThrow(/MEETING_PROVIDER=none/);
  });
});

describe('createMeetingProvider picks the adapter from MEETING_PROVIDER', () => {
  it('jitsi by default, on meet.jit.si, without tokens', async () => {
    const provider = createMeetingProvider(loadConfig({}));
    expect(provider.name).toBe('jitsi');
    const meeting = (await provider.createMeeting(input))!;
    expect(meeting.joinUrl).toMatch(/^https:\/\/meet\.jit\.si\/mia-mentor-[a-z2-7]{32}$/);
    await expect(provider.joinUrlFor(meeting, mentor, { expiresAt })).resolves.toBe(meeting.joinUrl);
  });

  it('jitsi with JITSI_BASE_URL, JITSI_APP_ID and JITSI_APP_SECRET signs links', async () => {
    const provider = createMeetingProvider(
      loadConfig({ MEETING_PROVIDER: 'jitsi', JITSI_BASE_URL: 'https://video.example.org', JITSI_APP_ID: 'cmh', JITSI_APP_SECRET: 'shh-secret-value' }),
    );
    const meeting = (await provider.createMeeting(input))!;
    expect(meeting.joinUrl.startsWith('https://video.example.org/')).toBe(true);
    const url = new URL(await provider.joinUrlFor(meeting, mentor, { expiresAt }));
    const { payload } = await jwtVerify(url.searchParams.get('jwt')!, new TextEncoder().encode('shh-secret-value'), {
      issuer: 'cmh',
      audience: 'jitsi',
      currentDate: new Date('2026-12-01T14:00:00Z'),
    });
    expect(payload.sub).toBe('video.example.org');
  });

  it('none', async () => {
    const provider = createMeetingProvider(loadConfig({ MEETING_PROVIDER: 'none' }));
    expect(provider.name).toBe('none');
    await expect(provider.createMeeting(input)).resolves.toBeNull();
  });

  it('google-meet, with the API and token URLs from the config', async () => {
    const google = await new FakeGoogle().start();
    try {
      const provider = createMeetingProvider(
        loadConfig({
          MEETING_PROVIDER: 'google-meet',
          GOOGLE_CLIENT_ID: google.clientId,
          GOOGLE_CLIENT_SECRET: google.clientSecret,
          GOOGLE_REFRESH_TOKEN: google.refreshToken,
          GOOGLE_MEET_API_URL: `${google.url}/`,
          GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
        }),
      );
      expect(provider.name).toBe('google-meet');
      const meeting = await provider.createMeeting(input);
      expect(meeting).toEqual({ provider: 'google-meet', joinUrl: google.spaces[0]!.meetingUri, externalId: google.spaces[0]!.name });
      expect(google.tokenRequests).toBe(1);
    } finally {
      await google.stop();
    }
  });
});
