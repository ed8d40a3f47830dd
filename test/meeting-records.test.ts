import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingArtifacts, meetingParticipantSessions, meetingRecordReads } from '../src/db/schema';
import { readMeetingRecordsJob } from '../src/jobs/definitions/read-meeting-records';
import { queueJob, runQueuedJobs } from '../src/jobs/queue';
import { jobs } from '../src/jobs/registry';
import { createMailTransport } from '../src/mail';
import { deliverDueEmails } from '../src/mail/deliver';
import { createMeetingRecords } from '../src/meetings/records';
import { meetingCodeOf } from '../src/sessions/meeting-records';
import { FakeGoogle } from './fakes/google';
import { FakeSmtp } from './fakes/smtp';
import { buildTestApp, type TestApp } from './helpers/app';
import { at, finishedSession, sweepMeetingRecords } from './helpers/meeting-records';
import { HOUR, mailsTo, MINUTE, setStatusAsAdmin } from './helpers/scenario';
import { formatDateTime } from '../src/web/time';

let google: FakeGoogle;
let smtp: FakeSmtp;
let t: TestApp;
let transport: ReturnType<typeof createMailTransport>;

beforeAll(async () => {
  google = await new FakeGoogle().start();
  smtp = await new FakeSmtp().start();
  t = await buildTestApp({ env: { SMTP_URL: smtp.url, SMTP_TIMEOUT_MS: '5000', ...google.appEnv } });
  transport = createMailTransport(t.config, t.database.db);
});

afterAll(async () => {
  await transport?.close();
  await t?.close();
  await smtp?.stop();
  await google?.stop();
});

async function deliver() {
  for (;;) {
    const r = await deliverDueEmails({ db: t.database.db, transport, from: t.config.mailFrom, appUrl: t.config.appUrl });
    expect(r.retried + r.failed, 'every email renders and is accepted').toBe(0);
    if (r.sent === 0) break;
  }
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');

describe('meeting code', () => {
  it('is the one stored with the Calendar event, else the last part of a Meet link, and nothing for any other link', () => {
    expect(meetingCodeOf({ meetingCode: 'xyz-abcd-efg', meetingUrl: 'https://meet.google.com/xyz-abcd-efg' })).toBe('xyz-abcd-efg');
    expect(meetingCodeOf({ meetingUrl: 'https://meet.google.com/abc-defg-hij' })).toBe('abc-defg-hij');
    expect(meetingCodeOf({ meetingUrl: 'https://meet.google.com/abc-defg-hij?authuser=0' })).toBe('abc-defg-hij');
    expect(meetingCodeOf({ meetingUrl: 'https://meet.jit.si/CodeMentorHub-abc' })).toBeNull();
    expect(meetingCodeOf({ meetingUrl: null })).toBeNull();
  });

  it('is read by a sweep the worker schedules', () => {
    expect(jobs).toContain(readMeetingRecordsJob);
    expect(readMeetingRecordsJob.cron).toBeTruthy();
  });
});

describe('after a Google Meet session', () => {
  it('shows when each one joined and left and the minutes together; admins are offered to complete it', async () => {
    const s = await finishedSession(t, { mentor: { name: 'Grace Meet', timezone: 'UTC' }, mentee: { name: 'Alan Meet', timezone: 'UTC' } });
    expect(s.meetingCode).toMatch(/^[a-z]+(-[a-z]+)+$/);
    google.records.addConference({
      meetingCode: s.meetingCode!, startTime: at(s.startsAt, -2), endTime: at(s.startsAt, 56),
      participants: [
        { displayName: 'Grace Meet', sessions: [{ start: at(s.startsAt, -2), end: at(s.startsAt, 50) }] },
        // The mentee dropped out for five minutes.
        { displayName: 'alan  meet', sessions: [{ start: at(s.startsAt, 5), end: at(s.startsAt, 20) }, { start: at(s.startsAt, 25), end: at(s.startsAt, 55) }] },
        { displayName: 'Dial-in caller', anonymous: true, sessions: [{ start: at(s.startsAt, 10), end: at(s.startsAt, 12) }] },
      ],
    });
    // Another room's meeting is not this session's.
    google.records.addConference({ meetingCode: 'zzz-zzzz-zzz', startTime: s.startsAt, participants: [{ displayName: 'Alan Meet', sessions: [{ start: s.startsAt, end: at(s.startsAt, 60) }] }] });

    expect(await sweepMeetingRecords(t)).toMatch(/read [1-9]/);
    expect(google.records.filters).toContain(`space.meeting_code = "${s.meetingCode}"`);
    const page = text((await s.mentee.get(`/sessions/${s.sessionId}`)).body);
    const when = (m: number) => formatDateTime(at(s.startsAt, m), 'UTC');
    expect(page).toContain('In the meeting');
    expect(page).toContain(`Grace Meet (mentor): 52 minutes in the meeting. Joined ${when(-2)}, left ${when(50)}`);
    expect(page).toContain(`Alan Meet (mentee): 45 minutes in the meeting. Joined ${when(5)}, left ${when(20)} Joined ${when(25)}, left ${when(55)}`);
    expect(page).toContain('Together for 40 minutes.');
    expect(page).toContain('Also in the meeting, as Google names them: Dial-in caller.');
    expect(page).not.toContain('No-show');

    // Reading again changes nothing.
    await sweepMeetingRecords(t, new Date(Date.now() + 15 * MINUTE));
    const rows = await t.database.db.select().from(meetingParticipantSessions).where(eq(meetingParticipantSessions.sessionId, s.sessionId));
    expect(rows).toHaveLength(4);

    const admin = await t.loginAs('admin');
    const adminPage = text((await admin.get(`/admin/sessions/${s.sessionId}`)).body);
    expect(adminPage).toContain('Together for 40 minutes.');
    expect(adminPage).toContain('Both took part in the meeting');
  });

  it('shows the mentee as a no-show when only the mentor joined', async () => {
    const s = await finishedSession(t, { mentor: { name: 'Solo Mentor', timezone: 'UTC' }, mentee: { name: 'Absent Mentee', timezone: 'UTC' } });
    google.records.addConference({
      meetingCode: s.meetingCode!, startTime: s.startsAt, endTime: at(s.startsAt, 30),
      participants: [{ displayName: 'Solo Mentor', sessions: [{ start: s.startsAt, end: at(s.startsAt, 30) }] }],
    });
    await sweepMeetingRecords(t);
    const page = text((await s.mentor.get(`/sessions/${s.sessionId}`)).body);
    expect(page).toContain(`Solo Mentor (mentor): 30 minutes in the meeting. Joined ${formatDateTime(s.startsAt, 'UTC')}, left ${formatDateTime(at(s.startsAt, 30), 'UTC')}`);
    expect(page).toContain('Absent Mentee (mentee): No-show: never joined the meeting.');
    expect(page).toContain('Never in the meeting together.');
    expect(page).not.toContain('Together for');
    const admin = await t.loginAs('admin');
    expect(text((await admin.get(`/admin/sessions/${s.sessionId}`)).body)).not.toContain('Both took part in the meeting');
  });

  it('puts a transcript in the completion email, and a recording published an hour later on the page and in one follow-up email to both', async () => {
    const s = await finishedSession(t, { mentor: { name: 'Rec Mentor' }, mentee: { name: 'Rec Mentee' } });
    const conference = google.records.addConference({
      meetingCode: s.meetingCode!, startTime: s.startsAt, endTime: at(s.startsAt, 60),
      participants: [
        { displayName: 'Rec Mentor', sessions: [{ start: s.startsAt, end: at(s.startsAt, 60) }] },
        { displayName: 'Rec Mentee', sessions: [{ start: s.startsAt, end: at(s.startsAt, 60) }] },
      ],
    });
    const transcript = google.records.addTranscript(conference, { startTime: s.startsAt, endTime: at(s.startsAt, 60) });
    const recording = google.records.addRecording(conference, { startTime: s.startsAt, endTime: at(s.startsAt, 60), state: 'ENDED' });
    await sweepMeetingRecords(t);
    let page = text((await s.mentee.get(`/sessions/${s.sessionId}`)).body);
    expect(page).toContain('Transcript 1');
    expect(page).not.toContain('Recording 1');

    const admin = await t.loginAs('admin');
    await setStatusAsAdmin(admin, s.sessionId, 'completed');
    await deliver();
    for (const person of [s.mentor, s.mentee]) {
      const completed = mailsTo(smtp, person, 'Thanks for your session - CodeMentorHub');
      expect(completed).toHaveLength(1);
      expect(completed[0]!.parsed.text).toContain(`Transcript 1: ${transcript.exportUri}`);
      expect(completed[0]!.parsed.text).not.toContain('Recording 1');
    }

    // An hour later Google has written the recording's file.
    google.records.generate(recording);
    const later = new Date(Date.now() + HOUR);
    await sweepMeetingRecords(t, later);
    t.clock.advance(HOUR);
    page = (await s.mentee.get(`/sessions/${s.sessionId}`)).body;
    expect(page).toContain(`href="${recording.exportUri.replace(/&/g, '&amp;')}"`);
    expect(text(page)).toContain('Recording 1');
    await deliver();
    await sweepMeetingRecords(t, new Date(later.getTime() + HOUR));
    await sweepMeetingRecords(t, new Date(later.getTime() + 2 * HOUR));
    await deliver();
    for (const person of [s.mentor, s.mentee]) {
      const ready = mailsTo(smtp, person, 'Your session recording is ready - CodeMentorHub');
      expect(ready, 'one follow-up per recording').toHaveLength(1);
      expect(ready[0]!.parsed.text).toContain(`Recording: ${recording.exportUri}`);
    }
    const artifacts = await t.database.db.select().from(meetingArtifacts).where(eq(meetingArtifacts.sessionId, s.sessionId));
    expect(artifacts.map((a) => a.kind).sort()).toEqual(['recording', 'transcript']);

    // Someone else never sees the links.
    const stranger = await t.loginAs('mentee');
    expect((await stranger.get(`/sessions/${s.sessionId}`)).statusCode).toBe(404);
  });

  it('keeps a failed read for admins and reads again at a later sweep', async () => {
    const s = await finishedSession(t, { mentor: { name: 'Flaky Mentor' }, mentee: { name: 'Flaky Mentee' } });
    google.records.addConference({ meetingCode: s.meetingCode!, startTime: s.startsAt, participants: [{ displayName: 'Flaky Mentee', sessions: [{ start: s.startsAt, end: at(s.startsAt, 60) }] }] });
    // The read's first request (the token) answers 500: nothing is read, nothing is lost.
    google.failNext('500');
    expect(await sweepMeetingRecords(t)).toContain('failed 1');
    const [read] = await t.database.db.select().from(meetingRecordReads).where(eq(meetingRecordReads.sessionId, s.sessionId));
    expect(read!.lastError).toMatch(/500/);
    const admin = await t.loginAs('admin');
    expect(text((await admin.get(`/admin/sessions/${s.sessionId}`)).body)).toContain('Last read failed');
    expect(text((await s.mentee.get(`/sessions/${s.sessionId}`)).body)).toContain('They are not here yet.');
    await sweepMeetingRecords(t, new Date(Date.now() + 15 * MINUTE));
    expect(text((await s.mentee.get(`/sessions/${s.sessionId}`)).body)).toContain('Flaky Mentor (mentor): No-show');
  });
});

describe('two workers at once', () => {
  it('read each session once per interval, and email a recording once', async () => {
    const s = await finishedSession(t, { mentor: { name: 'Twin Mentor' }, mentee: { name: 'Twin Mentee' } });
    const conference = google.records.addConference({
      meetingCode: s.meetingCode!, startTime: s.startsAt,
      participants: [{ displayName: 'Twin Mentee', sessions: [{ start: s.startsAt, end: at(s.startsAt, 60) }] }],
    });
    const admin = await t.loginAs('admin');
    await setStatusAsAdmin(admin, s.sessionId, 'completed');
    const recording = google.records.addRecording(conference, { startTime: s.startsAt });
    const filter = `space.meeting_code = "${s.meetingCode}"`;
    const before = google.records.filters.filter((f) => f === filter).length;
    // The cron job as the worker runs it, and a second sweep at the same moment.
    await queueJob(t.database.db, readMeetingRecordsJob, {});
    const [outcome] = await Promise.all([
      runQueuedJobs({ db: t.database.db, job: readMeetingRecordsJob, services: { records: createMeetingRecords(t.config) } }),
      sweepMeetingRecords(t),
    ]);
    expect(outcome).toHaveLength(1);
    expect(google.records.filters.filter((f) => f === filter).length - before, 'one read of this session').toBe(1);
    await deliver();
    for (const person of [s.mentor, s.mentee]) {
      const ready = mailsTo(smtp, person, 'Your session recording is ready - CodeMentorHub');
      expect(ready).toHaveLength(1);
      expect(ready[0]!.parsed.text).toContain(recording.exportUri);
    }
  });
});

describe('after a Jitsi session', () => {
  it('says only when each one opened the link', async () => {
    const jitsi = await buildTestApp({ env: { MEETING_PROVIDER: 'jitsi' } });
    try {
      const s = await finishedSession(jitsi, { mentor: { name: 'Jit Mentor', timezone: 'UTC' }, mentee: { name: 'Jit Mentee', timezone: 'UTC' } });
      expect(s.meetingCode).toBeNull();
      const opened = await s.mentee.get(`/sessions/${s.sessionId}/join`);
      expect(opened.statusCode).toBe(302);
      const page = text((await s.mentee.get(`/sessions/${s.sessionId}`)).body);
      expect(page).toContain('Meeting link opened');
      expect(page).toMatch(/Jit Mentee \(mentee\) opened the link at /);
      expect(page).toContain('This only says when each person opened the meeting link from CodeMentorHub');
      expect(page).not.toContain('In the meeting');
      expect(await sweepMeetingRecords(jitsi)).toBe('no records for this meeting provider');
    } finally {
      await jitsi.close();
    }
  });
});
