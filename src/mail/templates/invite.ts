import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

/**
 * The calendar invite of a session: one stable UID per session, so a later update or cancellation
 * (a higher SEQUENCE, METHOD:CANCEL) replaces the same entry in the attendee's calendar.
 */
export function sessionInvite(options: {
  sessionId: string; appUrl: string; organizer: { name: string; email: string };
  /** PUBLISH: a plain download ("add to my calendar"), not an invitation to answer. */
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH'; sequence: number; start: Date; durationMinutes: number;
  summary: string; description: string; meetingUrl: string | null; attendees: { name: string; email: string }[];
}): string {
  const host = new URL(options.appUrl).hostname;
  const calendar = ical({ prodId: { company: 'CodeMentorHub', product: 'sessions' }, method: { REQUEST: ICalCalendarMethod.REQUEST, CANCEL: ICalCalendarMethod.CANCEL, PUBLISH: ICalCalendarMethod.PUBLISH }[options.method] });
  const event = calendar.createEvent({
    id: `session-${options.sessionId}@${host}`,
    sequence: options.sequence,
    start: options.start,
    end: new Date(options.start.getTime() + options.durationMinutes * 60_000),
    timezone: 'UTC',
    summary: options.summary,
    description: options.description,
    location: options.meetingUrl ?? undefined,
    url: options.meetingUrl ?? `${options.appUrl}/dashboard`,
    organizer: options.organizer,
    status: options.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  for (const a of options.attendees) event.createAttendee({ email: a.email, name: a.name, rsvp: false });
  return calendar.toString();
}
