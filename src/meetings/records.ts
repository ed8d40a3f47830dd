import type { Config } from '../config';
import { createGoogleMeetingRecords } from './google-records';

/** One person in a meeting: who Google says they were, and each stretch they were in it. */
export interface RecordedParticipant {
  /** Google's participant resource name. */
  name: string;
  displayName: string;
  stretches: { name: string; joinedAt: Date; leftAt: Date | null }[];
}

/** A recording or transcript whose file Google has written (state FILE_GENERATED). */
export interface RecordedArtifact {
  kind: 'recording' | 'transcript';
  name: string;
  url: string;
  startedAt: Date | null;
}

export interface MeetingRecordsRead {
  /** How many conferences took place in the room within the time asked. */
  conferences: number;
  participants: RecordedParticipant[];
  artifacts: RecordedArtifact[];
}

/** What came back from a meeting, in our own terms: only Google Meet records it. */
export interface MeetingRecords {
  /** The conferences held in the room with this meeting code that started between `from` and `to`. */
  read(input: { meetingCode: string; from: Date; to: Date }): Promise<MeetingRecordsRead>;
}

/** The one place the records reader is chosen, from MEETING_PROVIDER: null when the provider records nothing. */
export function createMeetingRecords(config: Config): MeetingRecords | null {
  const meetings = config.meetings;
  if (meetings.provider !== 'google-meet') return null;
  const { clientId, clientSecret, refreshToken, tokenUrl, apiUrl } = meetings.google;
  return createGoogleMeetingRecords({ credentials: { clientId, clientSecret, refreshToken, tokenUrl }, apiUrl });
}
