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
    organizer: { name: paramText(options.organizer.name), email: options.organizer.email },
    status: options.method === 'CANCEL' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  for (const a of options.attendees) event.createAttendee({ email: a.email, name: paramText(a.name), rsvp: false });
  return calendar.toString();
}

/**
 * A name as an iCalendar parameter value (CN="…"). RFC 5545 quoted values cannot contain DQUOTE or
 * control characters and know no escapes, yet ical-generator writes \" and \n (and doubles a
 * backslash), which strict parsers refuse or keep literally. So the quote becomes an apostrophe,
 * line breaks and other controls a space, and a backslash a slash. "," and ":" are fine inside the
 * quotes; ";" is too, by the RFC, but node-ical (0.27 still) splits parameters on every ";", quoted
 * or not, and reads a truncated name: it becomes ",".
 */
function paramText(name: string): string {
  return name.replace(/"/g, "'").replace(/;/g, ',').replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
