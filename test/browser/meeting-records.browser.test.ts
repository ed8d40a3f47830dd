import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGoogle } from '../fakes/google';
import { at, finishedSession, sweepMeetingRecords } from '../helpers/meeting-records';
import { expectNoAxeViolations, logInThroughForm, PHONE, serveApp, useBrowser, type ServedTestApp } from './browser';

/** The mentee's session page after a Google Meet session: attendance, minutes together, the recording. */
let google: FakeGoogle;
let served: ServedTestApp;
beforeAll(async () => {
  google = await new FakeGoogle().start();
  served = await serveApp({ env: google.appEnv });
});
afterAll(async () => {
  await served?.close();
  await google?.stop();
});
const browser = useBrowser(() => served.baseUrl);

describe("the mentee's session page after the meeting", () => {
  it('shows attendance and the recording, accessibly, on a desktop and a phone', async () => {
    const s = await finishedSession(served, { mentor: { name: 'Browser Mentor' }, mentee: { name: 'Browser Mentee' } });
    const conference = google.records.addConference({
      meetingCode: s.meetingCode!, startTime: s.startsAt, endTime: at(s.startsAt, 58),
      participants: [
        { displayName: 'Browser Mentor', sessions: [{ start: s.startsAt, end: at(s.startsAt, 58) }] },
        { displayName: 'Browser Mentee', sessions: [{ start: at(s.startsAt, 3), end: at(s.startsAt, 58) }] },
      ],
    });
    const recording = google.records.addRecording(conference, { startTime: s.startsAt, endTime: at(s.startsAt, 58) });
    await sweepMeetingRecords(served);

    for (const viewport of [undefined, PHONE]) {
      const page = await browser.newPage(viewport ? { viewport } : {});
      expect(await logInThroughForm(page, s.mentee.user.email)).toBe('/dashboard');
      await page.goto(`/sessions/${s.sessionId}`);
      const card = page.getByRole('region', { name: 'In the meeting' });
      await expect(card.getByRole('listitem').filter({ hasText: 'Browser Mentee (mentee):' }).first().innerText()).resolves.toMatch(/^Browser Mentee \(mentee\): 55 minutes in the meeting\./);
      await expect(card.getByText('Together for 55 minutes.').count()).resolves.toBe(1);
      await expect(card.getByRole('link', { name: 'Recording 1' }).getAttribute('href')).resolves.toBe(recording.exportUri);
      await expectNoAxeViolations(page, `/sessions/:id after the meeting${viewport ? ' (phone)' : ''}`);
    }
  });
});
