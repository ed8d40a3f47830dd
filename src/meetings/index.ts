import type { Config } from '../config';
import { createGoogleMeetProvider } from './google-meet';
import { createJitsiMeetingProvider } from './jitsi';
import { createNoMeetingProvider } from './none';
import type { MeetingProvider } from './provider';

export type { Meeting, MeetingParticipant, MeetingProvider, MeetingProviderName, CreateMeetingInput } from './provider';

/** The one place the meeting provider is chosen, from MEETING_PROVIDER. */
export function createMeetingProvider(config: Config): MeetingProvider {
  const meetings = config.meetings;
  switch (meetings.provider) {
    case 'none':
      return createNoMeetingProvider();
    case 'jitsi':
      return createJitsiMeetingProvider(meetings.jitsi);
    case 'google-meet': {
      const { clientId, clientSecret, refreshToken, calendarId, calendarApiUrl, tokenUrl } = meetings.google;
      return createGoogleMeetProvider({ clientId, clientSecret, refreshToken, calendarId, calendarApiUrl, tokenUrl, appUrl: config.appUrl });
    }
  }
}
