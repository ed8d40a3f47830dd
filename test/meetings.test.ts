import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config';
import { calendarEventId, createGoogleMeetProvider, GoogleMeetError } from '../src/meetings/google-meet';
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

describe('google-meet on Calendar events, against a fake Google (real SDK, real HTTP)', () => {
  let google: FakeGoogle;
  let provider: MeetingProvider;
  const eventId = calendarEventId(input.sessionId);
  const eventsPath = '/calendar/v3/calendars/primary/events';

  function makeProvider(overrides: Partial<Parameters<typeof createGoogleMeetProvider>[0]> = {}): MeetingProvider {
    return createGoogleMeetProvider({
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      refreshToken: google.refreshToken,
      calendarId: 'primary',
      calendarApiUrl: `${google.url}/calendar/v3/`,
      tokenUrl: google.tokenUrl,
      appUrl: 'https://cmh.example.test',
      timeoutMs: 500,
      pendingPollDelaysMs: [1, 1],
      ...overrides,
    });
  }
  const inserts = () => google.calendar.writes.filter((w) => w.method === 'insert');
  /** Every events.insert that reached the server, answered or not. */
  const insertRequests = () => google.requestsTo(eventsPath).filter((r) => r.method === 'POST');

  beforeEach(async () => {
    google = await new FakeGoogle().start();
    provider = makeProvider();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await google.stop();
  });

  it('derives a base32hex event id from the session id', () => {
    expect(eventId).toBe('6f1c2d3e000040008000000000000001');
    expect(calendarEventId('not a uuid: Ünïcode')).toMatch(/^[0-9a-v]{5,1024}$/);
    expect(calendarEventId('not a uuid: Ünïcode')).toBe(calendarEventId('not a uuid: Ünïcode'));
  });

  it('inserts one event with a Meet conference on GOOGLE_CALENDAR_ID and returns its link, event id, conference id and meeting code', async () => {
    const meeting = (await provider.createMeeting(input))!;
    const event = google.calendar.event(eventId)!;
    expect(meeting).toEqual({
      provider: 'google-meet', joinUrl: event.hangoutLink, externalId: eventId,
      conferenceId: event.conferenceData!.conferenceId, meetingCode: event.conferenceData!.conferenceId,
    });
    expect(meeting.joinUrl).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    expect(meeting.meetingCode).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);

    const [write] = inserts();
    expect(write!.query).toEqual({ conferenceDataVersion: '1', sendUpdates: 'none' });
    expect(write!.body).toEqual({
      id: eventId,
      summary: 'Mentoring session',
      description: `Mentoring session\n\nSession page: https://cmh.example.test/sessions/${input.sessionId}`,
      start: { dateTime: '2026-12-01T14:00:00.000Z', timeZone: 'UTC' },
      end: { dateTime: '2026-12-01T15:00:00.000Z', timeZone: 'UTC' },
      attendees: [{ email: 'mia@example.test', displayName: 'Mia Mentor' }, { email: 'max@example.test', displayName: 'Max Mentee' }],
      guestsCanInviteOthers: false,
      guestsCanSeeOtherGuests: true,
      conferenceData: { createRequest: { requestId: input.sessionId, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    });
    expect(google.requestsTo(eventsPath)[0]!.contentType).toMatch(/^application\/json/);

    // One refresh-token grant; its access token authorised the insert.
    expect(google.tokenRequests).toBe(1);
    const grant = new URLSearchParams(google.requestsTo('/token')[0]!.raw);
    expect(Object.fromEntries(grant)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: google.refreshToken,
      client_id: google.clientId,
      client_secret: google.clientSecret,
    });
    expect(google.requestsTo(eventsPath)[0]!.authorization).toMatch(/^Bearer ya29\.fake-/);
  });

  it('the same session twice is the same event and the same link (409 → events.get); another session is another event', async () => {
    const first = (await provider.createMeeting(input))!;
    const again = (await provider.createMeeting(input))!;
    const other = (await provider.createMeeting({ ...input, sessionId: '6f1c2d3e-0000-4000-8000-000000000002' }))!;
    expect(again).toEqual(first);
    expect(other.joinUrl).not.toBe(first.joinUrl);
    expect([...google.calendar.created.values()]).toEqual([1, 1]);
    expect(google.requestsTo(`${eventsPath}/${eventId}`).map((r) => r.method)).toEqual(['GET']);
    expect(google.tokenRequests).toBe(1);
  });

  it('concurrent creations share one token request', async () => {
    const ids = ['01', '02', '03'].map((n) => `6f1c2d3e-0000-4000-8000-0000000000${n}`);
    const meetings = await Promise.all(ids.map((sessionId) => provider.createMeeting({ ...input, sessionId })));
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
    const auths = insertRequests().map((r) => r.authorization);
    expect(auths[2]).not.toBe(auths[0]);
    expect(inserts()).toHaveLength(3); // the fake refused nothing: the new token was used
  });

  it.each([
    ['500', 500, 'INTERNAL'],
    ['429', 429, 'RESOURCE_EXHAUSTED'],
  ] as const)('a %s answer rejects at once, retryable, the SDK does not repeat the POST, and the retry makes no second event', async (mode, status, googleStatus) => {
    await provider.createMeeting({ ...input, sessionId: '6f1c2d3e-0000-4000-8000-000000000009' }); // the token is cached
    google.failNext(mode);
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`events.insert failed: ${status} ${googleStatus}`);
    expect(ms).toBeLessThan(2000);
    expect(insertRequests()).toHaveLength(2); // one per createMeeting, none hidden
    await expect(provider.createMeeting(input)).resolves.toMatchObject({ provider: 'google-meet', externalId: eventId });
    expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
  });

  it('a hanging events.insert rejects after the timeout instead of holding the worker', async () => {
    await provider.createMeeting({ ...input, sessionId: '6f1c2d3e-0000-4000-8000-000000000009' });
    google.failNext('hang');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.message).toBe('Google Calendar events.insert failed: no answer within 500 ms');
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(ms).toBeLessThan(3000);
    expect(insertRequests()).toHaveLength(2);
  });

  it('a hanging token endpoint rejects after the timeout too', async () => {
    google.failNext('hang');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error.message).toBe(`Google OAuth token request to ${google.tokenUrl} failed: no answer within 500 ms`);
    expect(ms).toBeLessThan(3000);
    expect(google.requestsTo('/token')).toHaveLength(1);
    expect(google.requestsTo(eventsPath)).toHaveLength(0);
  });

  it('a lost reply rejects; the retry inserts the same id, gets 409 and reads the event Google made: one event, one link', async () => {
    await provider.createMeeting({ ...input, sessionId: '6f1c2d3e-0000-4000-8000-000000000009' });
    google.failNext('lose-reply');
    const { error, ms } = await rejection(provider.createMeeting(input));
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
    expect(ms).toBeLessThan(3000);
    expect(google.calendar.event(eventId)).toBeDefined(); // made, but we never learnt its link
    expect(insertRequests()).toHaveLength(2); // and the SDK did not silently POST again
    const retried = (await provider.createMeeting(input))!;
    expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
    expect(retried.joinUrl).toBe(google.calendar.event(eventId)!.hangoutLink);
  });

  it('a pending conference is polled with events.get until it succeeds', async () => {
    google.calendar.pendingPolls = 1;
    const meeting = (await provider.createMeeting(input))!;
    expect(google.requestsTo(`${eventsPath}/${eventId}`).map((r) => r.method)).toEqual(['GET', 'GET']);
    expect(meeting.joinUrl).toBe(google.calendar.event(eventId)!.hangoutLink);
  });

  it('a conference still pending after the polls of one attempt rejects, retryable; the next attempt finds it', async () => {
    google.calendar.pendingPolls = 3;
    const { error } = await rejection(provider.createMeeting(input));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('pending');
    const meeting = (await provider.createMeeting(input))!; // 409 → the third read is pending no more
    expect(meeting.joinUrl).toBe(google.calendar.event(eventId)!.hangoutLink);
    expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
  });

  it('a failed conference rejects, retryable; the retry asks for a new conference on the same event', async () => {
    google.calendar.conferenceOutcome = 'failure';
    const { error } = await rejection(provider.createMeeting(input));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('could not create the Meet conference');
    google.calendar.conferenceOutcome = 'success';
    const meeting = (await provider.createMeeting(input))!;
    const patch = google.calendar.writes.find((w) => w.method === 'patch')!;
    expect(patch.query).toEqual({ conferenceDataVersion: '1', sendUpdates: 'none' });
    expect(meeting.joinUrl).toBe(google.calendar.event(eventId)!.hangoutLink);
    expect(google.calendar.created.get(`primary/${eventId}`)).toBe(1);
  });

  it('cancelMeeting deletes the event; twice, or after Google lost it, is fine', async () => {
    const meeting = (await provider.createMeeting(input))!;
    await provider.cancelMeeting(meeting);
    expect(google.calendar.event(eventId)!.status).toBe('cancelled');
    expect(google.calendar.writes.at(-1)).toMatchObject({ method: 'delete', eventId, query: { sendUpdates: 'none' } });
    await expect(provider.cancelMeeting(meeting)).resolves.toBeUndefined(); // 410 Gone
    google.calendar.forget(eventId);
    await expect(provider.cancelMeeting(meeting)).resolves.toBeUndefined(); // 404
    google.failNext('500');
    await expect(provider.cancelMeeting(meeting)).rejects.toMatchObject({ status: 500, retryable: true });
  });

  it('updateMeeting moves the event; the link stays the same', async () => {
    const meeting = (await provider.createMeeting(input))!;
    await provider.updateMeeting(meeting, { start: new Date('2026-12-02T09:30:00Z'), durationMinutes: 45 });
    const event = google.calendar.event(eventId)!;
    expect(event.start).toEqual({ dateTime: '2026-12-02T09:30:00.000Z', timeZone: 'UTC' });
    expect(event.end).toEqual({ dateTime: '2026-12-02T10:15:00.000Z', timeZone: 'UTC' });
    expect(event.hangoutLink).toBe(meeting.joinUrl);
    expect(google.calendar.writes.at(-1)).toMatchObject({ method: 'patch', query: { sendUpdates: 'none' } });
  });

  it('a wrong refresh token gives a clear, non-retryable error without leaking secrets', async () => {
    const bad = makeProvider({ refreshToken: '1//revoked-token' });
    const { error } = await rejection(bad.createMeeting(input));
    expect(error).toBeInstanceOf(GoogleMeetError);
    expect(error.message).toBe(
      `Google OAuth token request to ${google.tokenUrl} failed: 400 invalid_grant (Token has been expired or revoked.). GOOGLE_REFRESH_TOKEN is wrong, expired or revoked: authorise the platform account again.`,
    );
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('revoked-token');
    expect(error.message).not.toContain(google.clientSecret);
    expect(google.requestsTo(eventsPath)).toHaveLength(0);
  });

  it('a wrong client secret names the client variables', async () => {
    const bad = makeProvider({ clientSecret: 'wrong-secret' });
    const { error } = await rejection(bad.createMeeting(input));
    expect(error.status).toBe(401);
    expect(error.message).toContain('401 invalid_client');
    expect(error.message).toContain('GOOGLE_CLIENT_SECRET');
    expect(error.message).not.toContain('wrong-secret');
  });

  it('joinUrlFor gives every participant the event\'s Meet link', async () => {
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
      const google: Meeting = { provider: 'google-meet', joinUrl: 'https://meet.google.com/abc-mnop-xyz', externalId: 'abc0123456789' };
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

  it('google-meet, with the calendar, the Calendar API and token URLs from the config', async () => {
    const google = await new FakeGoogle().start();
    try {
      const provider = createMeetingProvider(
        loadConfig({
          MEETING_PROVIDER: 'google-meet',
          GOOGLE_CLIENT_ID: google.clientId,
          GOOGLE_CLIENT_SECRET: google.clientSecret,
          GOOGLE_REFRESH_TOKEN: google.refreshToken,
          GOOGLE_CALENDAR_ID: 'sessions@group.calendar.google.com',
          GOOGLE_CALENDAR_API_URL: `${google.url}/calendar/v3/`,
          GOOGLE_OAUTH_TOKEN_URL: google.tokenUrl,
          APP_URL: 'https://cmh.example.test/',
        }),
      );
      expect(provider.name).toBe('google-meet');
      const meeting = await provider.createMeeting(input);
      const event = google.calendar.event(calendarEventId(input.sessionId), 'sessions@group.calendar.google.com')!;
      expect(meeting).toMatchObject({ provider: 'google-meet', joinUrl: event.hangoutLink, externalId: event.id });
      expect(event.description).toContain(`https://cmh.example.test/sessions/${input.sessionId}`);
      expect(google.tokenRequests).toBe(1);
    } finally {
      await google.stop();
    }
  });
});
