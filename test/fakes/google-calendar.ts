import { randomInt } from 'node:crypto';
import type { LoopbackRequest, Reply } from './loopback';

/**
 * The Calendar API part of the fake Google (wired into FakeGoogle), in Google's wire format, under
 * `/calendar/v3/calendars/:calendarId/events`:
 * - `POST …/events` (events.insert): JSON Event in and out. A client-chosen `id` must be base32hex
 *   (0-9, a-v), 5 to 1024 characters, else 400; an id already used in that calendar (even by a
 *   deleted event) is 409 "duplicate". With `conferenceDataVersion=1` and
 *   `conferenceData.createRequest`, a Meet conference is requested: `pending` for the next
 *   `pendingPolls` reads of the event, then `conferenceOutcome` (success: conferenceId, entryPoints,
 *   hangoutLink). A second request with the same requestId is the same request.
 * - `GET …/events` (events.list): `{ kind: 'calendar#events', summary, items }`, the calendar's
 *   events that are not deleted, at most `maxResults`.
 * - `GET …/events/:id` (events.get): the event (a deleted one with status "cancelled"), or 404.
 * - `PATCH …/events/:id` (events.patch): merges start/end; a createRequest with a new requestId asks
 *   for a conference again (with conferenceDataVersion=1). 404 unknown, 410 deleted.
 * - `DELETE …/events/:id` (events.delete): 204; 410 when already deleted, 404 when unknown.
 * A calendar in `missingCalendars` does not exist for the account: every call on it is 404.
 * Authorisation is checked by FakeGoogle before these are reached.
 */
export interface FakeCalendarEvent {
  id: string;
  calendarId: string;
  status: 'confirmed' | 'cancelled';
  summary?: string;
  description?: string;
  start?: { dateTime?: string; timeZone?: string };
  end?: { dateTime?: string; timeZone?: string };
  attendees?: { email: string; displayName?: string }[];
  guestsCanInviteOthers?: boolean;
  guestsCanSeeOtherGuests?: boolean;
  hangoutLink?: string;
  conferenceData?: FakeConferenceData;
}

interface FakeConferenceData {
  createRequest: { requestId: string; conferenceSolutionKey: { type: string }; status: { statusCode: 'pending' | 'success' | 'failure' } };
  conferenceSolution?: { key: { type: string }; name: string };
  conferenceId?: string;
  entryPoints?: { entryPointType: string; uri: string; label: string }[];
}

export interface CalendarWrite {
  method: 'insert' | 'patch' | 'delete';
  calendarId: string;
  eventId: string;
  query: Record<string, string>;
  body: unknown;
}

const EVENTS = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;

export class FakeCalendar {
  /** Reads of a freshly requested conference that still show `pending` (0: created at once). */
  pendingPolls = 0;
  /** What a conference request ends in. */
  conferenceOutcome: 'success' | 'failure' = 'success';
  /** Every event Google holds, by `calendarId/eventId` (deleted ones stay, with status cancelled). */
  events = new Map<string, FakeCalendarEvent>();
  /** Every events.insert/patch/delete that reached the API (including refused ones), with its query. */
  writes: CalendarWrite[] = [];
  /** Per event: how many inserts Google actually made it from (the idempotency count: at most 1). */
  created = new Map<string, number>();
  /** Calendar ids the account has no calendar for (every other id exists). */
  missingCalendars = new Set<string>();
  private pendingLeft = new Map<string, number>();

  event(eventId: string, calendarId = 'primary'): FakeCalendarEvent | undefined {
    return this.events.get(`${decodeURIComponent(calendarId)}/${eventId}`);
  }

  /** Like an event removed on Google's side without us: the API no longer knows it at all. */
  forget(eventId: string, calendarId = 'primary'): void {
    this.events.delete(`${calendarId}/${eventId}`);
  }

  /** The answer for a Calendar path, or null when the path is not the Calendar API's. */
  route(r: LoopbackRequest): Reply | null {
    const match = EVENTS.exec(r.path);
    if (!match) return null;
    const calendarId = decodeURIComponent(match[1]!);
    const eventId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const query = Object.fromEntries(r.query);
    if (this.missingCalendars.has(calendarId)) return notFound(r.path);
    if (!eventId && r.method === 'GET') return this.list(calendarId, query);
    if (!eventId) {
      if (r.method !== 'POST') return notFound(r.path);
      const body = parse(r.raw);
      this.writes.push({ method: 'insert', calendarId, eventId: typeof body?.id === 'string' ? body.id : '', query, body });
      return this.insert(calendarId, body, query);
    }
    const key = `${calendarId}/${eventId}`;
    const existing = this.events.get(key);
    switch (r.method) {
      case 'GET':
        if (!existing) return notFound(r.path);
        this.poll(key, existing);
        return { status: 200, body: existing };
      case 'PATCH': {
        const body = parse(r.raw);
        this.writes.push({ method: 'patch', calendarId, eventId, query, body });
        if (!existing) return notFound(r.path);
        if (existing.status === 'cancelled') return gone();
        if (!body) return invalid('Invalid JSON payload received.');
        if (body.start) existing.start = body.start as FakeCalendarEvent['start'];
        if (body.end) existing.end = body.end as FakeCalendarEvent['end'];
        const request = (body.conferenceData as { createRequest?: { requestId?: unknown; conferenceSolutionKey?: { type?: unknown } } } | undefined)?.createRequest;
        if (query.conferenceDataVersion === '1' && request && request.requestId !== existing.conferenceData?.createRequest.requestId) {
          this.requestConference(key, existing, request);
        }
        return { status: 200, body: existing };
      }
      case 'DELETE':
        this.writes.push({ method: 'delete', calendarId, eventId, query, body: null });
        if (!existing) return notFound(r.path);
        if (existing.status === 'cancelled') return gone();
        existing.status = 'cancelled';
        return { status: 204, body: '' };
      default:
        return notFound(r.path);
    }
  }

  private list(calendarId: string, query: Record<string, string>): Reply {
    const max = Number(query.maxResults ?? 250);
    const items = [...this.events.values()].filter((e) => e.calendarId === calendarId && e.status !== 'cancelled').slice(0, max);
    return { status: 200, body: { kind: 'calendar#events', summary: calendarId, timeZone: 'UTC', items } };
  }

  private insert(calendarId: string, body: Record<string, unknown> | null, query: Record<string, string>): Reply {
    if (!body) return invalid('Invalid JSON payload received.');
    const id = body.id;
    if (typeof id !== 'string' || !/^[0-9a-v]{5,1024}$/.test(id)) return invalid('Invalid resource id value.');
    const key = `${calendarId}/${id}`;
    if (this.events.has(key)) {
      return { status: 409, body: { error: { code: 409, message: 'The requested identifier already exists.', errors: [{ domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' }] } } };
    }
    const event: FakeCalendarEvent = {
      id, calendarId, status: 'confirmed',
      summary: body.summary as string, description: body.description as string,
      start: body.start as FakeCalendarEvent['start'], end: body.end as FakeCalendarEvent['end'],
      attendees: body.attendees as FakeCalendarEvent['attendees'],
      guestsCanInviteOthers: body.guestsCanInviteOthers as boolean, guestsCanSeeOtherGuests: body.guestsCanSeeOtherGuests as boolean,
    };
    // Without conferenceDataVersion=1 Google ignores conferenceData.
    const request = (body.conferenceData as { createRequest?: { requestId?: unknown; conferenceSolutionKey?: { type?: unknown } } } | undefined)?.createRequest;
    if (query.conferenceDataVersion === '1' && request) {
      if (typeof request.requestId !== 'string' || request.conferenceSolutionKey?.type !== 'hangoutsMeet') {
        return invalid('Invalid conference request.');
      }
      this.requestConference(key, event, request);
    }
    this.events.set(key, event);
    this.created.set(key, (this.created.get(key) ?? 0) + 1);
    return { status: 200, body: event };
  }

  private requestConference(key: string, event: FakeCalendarEvent, request: { requestId?: unknown }): void {
    event.hangoutLink = undefined;
    event.conferenceData = {
      createRequest: { requestId: String(request.requestId), conferenceSolutionKey: { type: 'hangoutsMeet' }, status: { statusCode: 'pending' } },
    };
    this.pendingLeft.set(key, this.pendingPolls);
    if (this.pendingPolls === 0) this.settle(event);
  }

  /** A read of the event: a pending conference moves on once its pending reads are used up. */
  private poll(key: string, event: FakeCalendarEvent): void {
    if (event.conferenceData?.createRequest.status.statusCode !== 'pending') return;
    const left = this.pendingLeft.get(key) ?? 0;
    if (left > 0) this.pendingLeft.set(key, left - 1);
    else this.settle(event);
  }

  private settle(event: FakeCalendarEvent): void {
    const data = event.conferenceData!;
    if (this.conferenceOutcome === 'failure') {
      data.createRequest.status.statusCode = 'failure';
      return;
    }
    const code = `${letters(3)}-${letters(4)}-${letters(3)}`;
    data.createRequest.status.statusCode = 'success';
    data.conferenceSolution = { key: { type: 'hangoutsMeet' }, name: 'Google Meet' };
    data.conferenceId = code;
    data.entryPoints = [{ entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` }];
    event.hangoutLink = `https://meet.google.com/${code}`;
  }
}

function parse(raw: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function calendarError(code: number, reason: string, message: string): Reply {
  return { status: code, body: { error: { code, message, errors: [{ domain: 'global', reason, message }] } } };
}

const notFound = (path: string) => calendarError(404, 'notFound', `Not Found: ${path}`);
const gone = () => calendarError(410, 'deleted', 'Resource has been deleted');
const invalid = (message: string) => calendarError(400, 'invalid', message);

function letters(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + randomInt(26));
  return s;
}
