import type { CheckStep } from '../integrations/check';

/** What MEETING_PROVIDER names, and what a session stores as its meeting_provider. */
export const MEETING_PROVIDERS = ['google-meet', 'jitsi', 'none'] as const;
export type MeetingProviderName = (typeof MEETING_PROVIDERS)[number];

/** A meeting room provider, in our own terms. Google Meet, Jitsi and "none" implement it. */
export interface MeetingProvider {
  readonly name: MeetingProviderName;
  /** Creates a room for one session. null from the `none` provider: the integration is off. */
  createMeeting(input: CreateMeetingInput): Promise<Meeting | null>;
  /**
   * The link a given participant opens. Jitsi with JWT gives each participant a signed link; the
   * others return the room's joinUrl unchanged. Async because the token is signed with jose (its
   * signing is async); `expiresAt` bounds a signed link's life (e.g. the session's end + 2 h) and is
   * ignored by providers that sign nothing.
   */
  joinUrlFor(meeting: Meeting, participant: MeetingParticipant, options: { expiresAt: Date }): Promise<string>;
  /** Removes the room of a cancelled session. Idempotent: a room already gone counts as done. Jitsi and none: nothing to do. */
  cancelMeeting(meeting: Meeting): Promise<void>;
  /** Moves the room to new times; the link stays the same. Jitsi and none: nothing to do (their rooms have no time). */
  updateMeeting(meeting: Meeting, change: { start: Date; durationMinutes: number }): Promise<void>;
  /**
   * Tries the provider for the operator (meetings:test, /admin/integrations): one step per thing
   * tried, a throw-away room made and removed the way real sessions' rooms are. What it finds is in
   * the steps, never thrown; each wait is bounded; no step carries a secret.
   */
  check(options: { now: Date }): Promise<CheckStep[]>;
}

export interface MeetingParticipant {
  id: string;
  name: string;
  email: string;
  moderator: boolean;
}

export interface CreateMeetingInput {
  sessionId: string;
  start: Date;
  durationMinutes: number;
  title: string;
  participants: { name: string; email: string }[];
  /** A readable prefix for the room name (Jitsi), e.g. the mentor's name. */
  roomName?: string;
}

export interface Meeting {
  provider: Exclude<MeetingProviderName, 'none'>;
  joinUrl: string;
  /** Google: the Calendar event id; Jitsi: the room name. */
  externalId: string;
  /** Google: the Meet conference id of the event. */
  conferenceId?: string;
  /** Google: the Meet meeting code (abc-mnop-xyz), which the Meet REST API's conference records are filtered by. */
  meetingCode?: string;
}
