import type { MeetingProvider } from './provider';

/** MEETING_PROVIDER=none: the integration is off. No room is created, so there is no link to give. */
export function createNoMeetingProvider(): MeetingProvider {
  return {
    name: 'none',
    async createMeeting() {
      return null;
    },
    async joinUrlFor() {
      // createMeeting never returns a meeting, so a caller asking for a link has a bug.
      throw new Error('MEETING_PROVIDER=none creates no meetings: there is no join link to give');
    },
    async cancelMeeting() {},
    async updateMeeting() {},
    async check() {
      // Off is a choice, not a fault: the step is skipped, so the report is ok and says so.
      return [{ label: 'Meetings', outcome: 'skipped', detail: 'switched off (MEETING_PROVIDER=none): sessions are confirmed without a video link' }];
    },
  };
}
