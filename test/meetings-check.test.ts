import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { desc } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CheckFailed, runCli, UsageError } from '../src/cli/commands';
import { loadConfig } from '../src/config';
import { integrationChecks } from '../src/db/schema';
import { openConfiguredDatabase } from '../src/db/open';
import { formatReport, type CheckReport } from '../src/integrations/check';
import { checkMeetings } from '../src/integrations/meetings';
import { CHECK_EVENT_TITLE } from '../src/meetings/google-check';
import { createGoogleMeetProvider } from '../src/meetings/google-meet';
import { createJitsiMeetingProvider } from '../src/meetings/jitsi';
import { createNoMeetingProvider } from '../src/meetings/none';
import type { MeetingProvider } from '../src/meetings/provider';
import { FakeGoogle } from './fakes/google';
import { childDatabaseEnv, freePort } from './helpers/process';

const EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const RECORDS_SCOPE = 'https://www.googleapis.com/auth/meetings.space.readonly';
const config = loadConfig({});

async function check(provider: MeetingProvider): Promise<{ report: CheckReport; lines: string[] }> {
  const report = await checkMeetings({ config, provider });
  return { report, lines: formatReport(report).split('\n') };
}

function expectNoSecret(text: string, secrets: string[]) {
  for (const secret of secrets) expect(text).not.toContain(secret);
}

describe('meetings check with Google Meet, against the fake Google (real SDK, real HTTP)', () => {
  let google: FakeGoogle;
  function provider(overrides: Partial<Parameters<typeof createGoogleMeetProvider>[0]> = {}): MeetingProvider {
    return createGoogleMeetProvider({
      clientId: google.clientId, clientSecret: google.clientSecret, refreshToken: google.refreshToken, calendarId: 'primary',
      calendarApiUrl: `${google.url}/calendar/v3/`, tokenUrl: google.tokenUrl, appUrl: 'https://cmh.example.test',
      timeoutMs: 500, pendingPollDelaysMs: [1, 1], ...overrides,
    });
  }
  const secrets = () => [google.clientSecret, google.refreshToken, ...google.issuedAccessTokens];
  const calendarRequests = () => google.requests.filter((r) => r.path.startsWith('/calendar/v3/'));

  beforeEach(async () => {
    google = await new FakeGoogle().start();
  });
  afterEach(async () => {
    await google.stop();
  });

  it('good: every step passes, the printed link is the Meet link of the event it made, and that event is deleted', async () => {
    const started = new Date();
    const { report, lines } = await check(provider());
    const [insert, remove] = google.calendar.writes;
    const event = google.calendar.event(insert!.eventId)!;
    expect(lines).toEqual([
      `✓ Token refresh: got an access token from ${google.tokenUrl}`,
      `✓ Scopes: ${EVENTS_SCOPE}, ${RECORDS_SCOPE}`,
      '✓ Calendar access: calendar "primary" answered',
      `✓ Test room: ${event.hangoutLink} (event "${CHECK_EVENT_TITLE}" at ${event.start!.dateTime})`,
      '✓ Test room removal: deleted the test event from calendar "primary"',
      'Google Meet works: a test room was made and deleted.',
    ]);
    expect(report).toMatchObject({ integration: 'meetings', ok: true });
    expect(event.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
    // Made like a session's room, but nobody is invited and it lies ahead, short, plainly a test.
    expect(google.calendar.writes.map((w) => w.method)).toEqual(['insert', 'delete']);
    expect(insert!.query).toMatchObject({ conferenceDataVersion: '1', sendUpdates: 'none' });
    expect(remove).toMatchObject({ eventId: insert!.eventId, query: { sendUpdates: 'none' } });
    expect(event).toMatchObject({ status: 'cancelled', summary: CHECK_EVENT_TITLE, attendees: [] });
    const start = new Date(event.start!.dateTime!).getTime();
    expect(start - started.getTime()).toBeGreaterThanOrEqual(3_600_000);
    expect(new Date(event.end!.dateTime!).getTime() - start).toBe(15 * 60_000);
    expectNoSecret(JSON.stringify(report), secrets());

    // A second check makes a second event: a deleted event's id cannot be used again.
    expect((await check(provider())).report.ok).toBe(true);
    expect(google.calendar.writes.filter((w) => w.method === 'insert')).toHaveLength(2);
  });

  it('a refresh token Google refuses (invalid_grant): says to make a new GOOGLE_REFRESH_TOKEN, and tries nothing else', async () => {
    const { report, lines } = await check(provider({ refreshToken: '1//revoked-refresh-token' }));
    expect(lines).toEqual([
      `✗ Token refresh: ${google.tokenUrl} answered 400 invalid_grant (Token has been expired or revoked.) GOOGLE_REFRESH_TOKEN was refused (revoked or for another client): make a new one.`,
      '– Scopes: not tried',
      '– Calendar access: not tried',
      '– Test room: not tried',
      '– Test room removal: not tried',
      'Google Meet check failed: token refresh failed.',
    ]);
    expect(report.ok).toBe(false);
    expect(calendarRequests()).toEqual([]);
    expectNoSecret(JSON.stringify(report), [...secrets(), '1//revoked-refresh-token']);
  });

  it('a client Google does not know (invalid_client): names GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET', async () => {
    const { report, lines } = await check(provider({ clientSecret: 'wrong-client-secret' }));
    expect(lines[0]).toBe(
      `✗ Token refresh: ${google.tokenUrl} answered 401 invalid_client (The OAuth client was not found.) Google does not know this OAuth client: check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET.`,
    );
    expect(report.ok).toBe(false);
    expectNoSecret(JSON.stringify(report), [...secrets(), 'wrong-client-secret']);
  });

  it('401 on the Calendar API (a token Google no longer accepts): reported as a refused token, no event made', async () => {
    google.rejectAccessTokens = true;
    const { report, lines } = await check(provider());
    expect(lines.slice(0, 2)).toEqual([`✓ Token refresh: got an access token from ${google.tokenUrl}`, `✓ Scopes: ${EVENTS_SCOPE}, ${RECORDS_SCOPE}`]);
    expect(lines[2]).toMatch(/^✗ Calendar access: Google answered 401 UNAUTHENTICATED: Request had invalid authentication credentials\..* Google refused the access token \(expired or revoked\): make a new GOOGLE_REFRESH_TOKEN /);
    expect(lines.slice(3)).toEqual(['– Test room: not tried', '– Test room removal: not tried', 'Google Meet check failed: calendar access failed.']);
    expect(report.ok).toBe(false);
    expect(google.calendar.writes).toEqual([]);
    expectNoSecret(JSON.stringify(report), secrets());
  });

  it('403, a token without a Calendar scope: the scopes step names the missing scope', async () => {
    google.grantedScopes = ['https://www.googleapis.com/auth/calendar.readonly', RECORDS_SCOPE];
    const { report, lines } = await check(provider());
    expect(lines[1]).toBe(
      `✗ Scopes: ${EVENTS_SCOPE} (or https://www.googleapis.com/auth/calendar) is missing; granted: https://www.googleapis.com/auth/calendar.readonly ${RECORDS_SCOPE}` +
        ` Events cannot be created without it: make a new GOOGLE_REFRESH_TOKEN for the account that owns GOOGLE_CALENDAR_ID, granting ${EVENTS_SCOPE}.`,
    );
    expect(lines.at(-1)).toBe('Google Meet check failed: scopes failed.');
    expect(report.ok).toBe(false);
    expect(calendarRequests()).toEqual([]);
  });

  it('403 insufficientPermissions from the calendar, when the token endpoint does not list scopes: the calendar step names the scope', async () => {
    google.grantedScopes = [RECORDS_SCOPE];
    google.listScopes = false;
    const { report, lines } = await check(provider());
    expect(lines[1]).toBe('– Scopes: the token endpoint did not say which scopes were granted');
    expect(lines[2]).toBe(
      '✗ Calendar access: Google answered 403 PERMISSION_DENIED (insufficientPermissions): Request had insufficient authentication scopes.' +
        ` The token lacks a Calendar scope: make a new GOOGLE_REFRESH_TOKEN for the account that owns GOOGLE_CALENDAR_ID, granting ${EVENTS_SCOPE}.`,
    );
    expect(report.ok).toBe(false);
    expect(google.calendar.writes).toEqual([]);
  });

  it('a calendar the account does not have (404): names GOOGLE_CALENDAR_ID', async () => {
    google.calendar.missingCalendars.add('sessions@group.calendar.google.com');
    const { lines } = await check(provider({ calendarId: 'sessions@group.calendar.google.com' }));
    expect(lines[2]).toMatch(/^✗ Calendar access: Google answered 404 \(notFound\): .* No calendar "sessions@group\.calendar\.google\.com" for this account: set GOOGLE_CALENDAR_ID /);
  });

  it('a hanging Calendar API: the check ends with a timeout line naming GOOGLE_CALENDAR_API_URL', async () => {
    google.failNext('hang', 1, /^\/calendar\/v3\//);
    const { report, lines } = await check(provider());
    expect(lines[2]).toBe(
      `✗ Calendar access: ${google.url}/calendar/v3/: no answer within 500 ms Check GOOGLE_CALENDAR_API_URL and that this server can reach Google; then try again.`,
    );
    expect(report.ok).toBe(false);
  });

  it('a hanging token endpoint: a timeout line naming GOOGLE_OAUTH_TOKEN_URL', async () => {
    google.failNext('hang', 1, '/token');
    const { lines } = await check(provider());
    expect(lines[0]).toBe(`✗ Token refresh: ${google.tokenUrl}: no answer within 500 ms Check GOOGLE_OAUTH_TOKEN_URL and that this server can reach Google.`);
  });

  it('a conference Google has not finished while we wait: the test room fails and its event is still deleted', async () => {
    google.calendar.pendingPolls = 10;
    const { report, lines } = await check(provider());
    expect(lines[3]).toMatch(/^✗ Test room: Google Calendar event [0-9a-v]+: the Meet conference is still being created \(pending\).* Google did not finish the Meet conference: try again/);
    expect(lines[4]).toBe('✓ Test room removal: deleted the test event from calendar "primary"');
    expect(report.ok).toBe(false);
    const [insert] = google.calendar.writes;
    expect(google.calendar.event(insert!.eventId)!.status).toBe('cancelled');
  });
});

describe('meetings check with Jitsi', () => {
  const servers: Server[] = [];
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a server that answers: its status, and the link a room would get, with nothing to delete', async () => {
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Jitsi Meet</title>'));
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: `${base}/` }));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`✓ Jitsi server: ${base}/ answered 200`);
    expect(lines[1]).toMatch(new RegExp(`^✓ Room link: ${base}/codementorhub-check-[a-z2-7]{32} \\(a Jitsi room exists only while people are in it: nothing to delete\\)$`));
    expect(lines[2]).toBe('Jitsi works: JITSI_BASE_URL answers, and sessions get links like the one above.');
    expect(report.ok).toBe(true);
  });

  it('a redirect counts as answering', async () => {
    const base = await serve((_req, res) => res.writeHead(302, { location: 'https://jitsi.example.test/' }).end());
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: base }));
    expect(lines[0]).toBe(`✓ Jitsi server: ${base}/ answered 302`);
    expect(report.ok).toBe(true);
  });

  it('an error status: says so and names JITSI_BASE_URL', async () => {
    const base = await serve((_req, res) => res.writeHead(503).end());
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: base }));
    expect(lines[0]).toBe(`✗ Jitsi server: ${base}/ answered 503 Service Unavailable Check JITSI_BASE_URL: it must be the address of a Jitsi Meet server, whose home page opens in a browser.`);
    expect(lines.at(-1)).toBe('Jitsi check failed: jitsi server failed.');
    expect(report.ok).toBe(false);
  });

  it('nothing listening: the connection error, naming JITSI_BASE_URL', async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: base }));
    expect(lines[0]).toBe(`✗ Jitsi server: ${base}/: could not connect (ECONNREFUSED) Check JITSI_BASE_URL and that this server can reach it.`);
    expect(report.ok).toBe(false);
  });

  it('a server that never answers: a timeout line', async () => {
    const base = await serve(() => {});
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: base, checkTimeoutMs: 300 }));
    expect(lines[0]).toBe(`✗ Jitsi server: ${base}/: no answer within 300 ms Check JITSI_BASE_URL and that this server can reach it.`);
    expect(report.ok).toBe(false);
  });

  it('with token authentication: says so, with the secret masked', async () => {
    const base = await serve((_req, res) => res.writeHead(200).end());
    const appSecret = 'jitsi-app-secret-0123456789-wxyz';
    const { report, lines } = await check(createJitsiMeetingProvider({ baseUrl: base, appId: 'codementorhub', appSecret }));
    expect(lines[2]).toBe('✓ Token authentication: each person\'s link carries a token for app codementorhub, signed with JITSI_APP_SECRET (…wxyz)');
    expectNoSecret(JSON.stringify(report), [appSecret]);
  });
});

describe('meetings check with MEETING_PROVIDER=none', () => {
  it('one line saying meetings are off; not a failure', async () => {
    const { report, lines } = await check(createNoMeetingProvider());
    expect(lines).toEqual([
      '– Meetings: switched off (MEETING_PROVIDER=none): sessions are confirmed without a video link',
      'Meetings are off (MEETING_PROVIDER=none): sessions are confirmed without a video link.',
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('npm run cli -- meetings:test', () => {
  // One database for the file's commands: each run boots on it as the real command does.
  let google: FakeGoogle;
  let dbEnv: Record<string, string>;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ env: dbEnv, cleanup } = await childDatabaseEnv());
    // A new embedded database takes seconds to create: once here, so each test times only its check.
    useEnv({});
    await runCli(['db:migrate']);
    vi.unstubAllEnvs();
  }, 120_000);
  afterAll(async () => {
    await cleanup();
  });
  beforeEach(async () => {
    google = await new FakeGoogle().start();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await google.stop();
  });

  const secrets = () => [google.clientSecret, google.refreshToken, ...google.issuedAccessTokens];
  function useEnv(env: Record<string, string>) {
    const all: Record<string, string> = { DATABASE_URL: '', DATA_DIR: '', LOG_LEVEL: 'warn', ...dbEnv, ...env };
    for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
  }
  async function stored() {
    const database = await openConfiguredDatabase(loadConfig({ ...dbEnv }), { warn() {}, error() {} });
    try {
      return await database.db.select().from(integrationChecks).orderBy(desc(integrationChecks.finishedAt));
    } finally {
      await database.close();
    }
  }

  it('with the fake Google working: prints each step and the link, records the report, and resolves (status 0)', async () => {
    useEnv(google.appEnv);
    const output = await runCli(['meetings:test']);
    const [insert] = google.calendar.writes;
    const link = google.calendar.event(insert!.eventId)!.hangoutLink!;
    expect(output.split('\n')).toHaveLength(6);
    expect(output).toContain(`✓ Test room: ${link} (event "${CHECK_EVENT_TITLE}"`);
    expect(output).toContain('✓ Test room removal: deleted the test event from calendar "primary"');
    expect(output.split('\n').at(-1)).toBe('Google Meet works: a test room was made and deleted.');
    expect(google.calendar.event(insert!.eventId)!.status).toBe('cancelled');
    expectNoSecret(output, secrets());

    const [row] = await stored();
    expect(row).toMatchObject({ integration: 'meetings', ok: true, source: 'cli', summary: 'Google Meet works: a test room was made and deleted.', actorId: null });
    expect(row!.steps).toHaveLength(5);
    expectNoSecret(JSON.stringify(row), secrets());
  }, 60_000);

  it('with the scope missing: CheckFailed (status 1) with every line, and the failure recorded', async () => {
    useEnv(google.appEnv);
    google.grantedScopes = [RECORDS_SCOPE];
    const failure = await runCli(['meetings:test']).then(() => null, (err: unknown) => err);
    expect(failure).toBeInstanceOf(CheckFailed);
    const output = (failure as CheckFailed).output;
    expect(output).toContain(`✗ Scopes: ${EVENTS_SCOPE} (or https://www.googleapis.com/auth/calendar) is missing`);
    expect(output.split('\n').at(-1)).toBe('Google Meet check failed: scopes failed.');
    expectNoSecret(output, secrets());
    const [row] = await stored();
    expect(row).toMatchObject({ integration: 'meetings', ok: false, source: 'cli', summary: 'Google Meet check failed: scopes failed.' });
    expectNoSecret(JSON.stringify(row), secrets());
  }, 60_000);

  it('with MEETING_PROVIDER=none: says meetings are off, status 0', async () => {
    useEnv({ MEETING_PROVIDER: 'none' });
    const output = await runCli(['meetings:test']);
    expect(output).toBe([
      '– Meetings: switched off (MEETING_PROVIDER=none): sessions are confirmed without a video link',
      'Meetings are off (MEETING_PROVIDER=none): sessions are confirmed without a video link.',
    ].join('\n'));
    expect((await stored())[0]).toMatchObject({ ok: true, source: 'cli' });
  }, 60_000);

  it('refuses arguments, before opening the database', async () => {
    const refusal = await runCli(['meetings:test', '--now']).then(() => null, (err: unknown) => err);
    expect(refusal).toBeInstanceOf(UsageError);
    expect((refusal as Error).message).toBe('meetings:test takes no arguments (got --now)');
  });

  it('as a command, with a token Google refuses on the Calendar API: the lines on stdout, status 1, and it exits', async () => {
    google.rejectAccessTokens = true;
    // Not spawnSync: the fake Google answers from this process's event loop.
    const run = await runCommand(['meetings:test'], { ...dbEnv, ...google.appEnv });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines[2]).toMatch(/^✗ Calendar access: Google answered 401 UNAUTHENTICATED: .* Google refused the access token \(expired or revoked\)/);
    expect(lines.at(-1)).toBe('Google Meet check failed: calendar access failed.');
    expectNoSecret(run.stdout, secrets());
    expect((await stored())[0]).toMatchObject({ ok: false, source: 'cli', summary: 'Google Meet check failed: calendar access failed.' });
  }, 120_000);
});

/** `npm run cli -- …` without npm, as its own process; killed if it has not exited within `timeoutMs`. */
function runCommand(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: process.cwd(), env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.on('close', (status) => {
    clearTimeout(timer);
    resolve({ status, stdout, stderr });
  }));
}
