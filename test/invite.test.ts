import ICAL from 'ical.js';
import ical from 'node-ical';
import { describe, expect, it } from 'vitest';
import { sessionInvite } from '../src/mail/templates/invite';

const names = [
  'Ann "The Dev" Smith',
  'Bob; Builder',
  'Smith, Carol',
  'Dave: the mentor',
  'Eve\nMallory',
  'Frank\r\nBCC: x@evil.test',
  '"quoted"; all, of: them\n',
  'Zoë Ñandú 李',
];

/**
 * What the name becomes in the invite: the quote and line breaks are replaced, and ";" (legal inside
 * the quotes, but node-ical splits parameters on it) becomes ",".
 */
const expected = (name: string) => name.replace(/"/g, "'").replace(/;/g, ',').replace(/[\r\n]+/g, ' ');

function invite(method: 'REQUEST' | 'CANCEL', mentee: string, mentor: string) {
  return sessionInvite({
    sessionId: '6f1c2d8e-0000-4000-8000-000000000001', appUrl: 'https://mentors.example.org',
    organizer: { name: 'CodeMentorHub', email: 'no-reply@mentors.example.org' },
    method, sequence: method === 'CANCEL' ? 1 : 0, start: new Date('2026-12-01T14:00:00Z'), durationMinutes: 60,
    summary: `Mentoring session: ${mentee} with ${mentor}`, description: 'See you there.', meetingUrl: 'https://meet.jit.si/room-1',
    attendees: [{ name: mentee, email: 'mentee@example.com' }, { name: mentor, email: 'mentor@example.com' }],
  });
}

/** ATTENDEE lines (unfolded) must follow RFC 5545's param grammar: a quoted value holds no DQUOTE or control. */
function strictParams(source: string) {
  const unfolded = source.replace(/\r\n[ \t]/g, '');
  for (const line of unfolded.split('\r\n').filter((l) => /^(ATTENDEE|ORGANIZER)[;:]/.test(l))) {
    // name *(";" param) ":" value, where param = name "=" (safe-char* | DQUOTE qsafe-char* DQUOTE)
    expect(line).toMatch(/^[A-Z-]+(;[A-Z-]+=("[^"\x00-\x08\x0a-\x1f\x7f]*"|[^";:,\x00-\x08\x0a-\x1f\x7f]*))*:[^\x00-\x08\x0a-\x1f\x7f]*$/);
  }
}

function icalJsAttendees(source: string) {
  const vevent = new ICAL.Component(ICAL.parse(source)).getFirstSubcomponent('vevent')!;
  return vevent.getAllProperties('attendee').map((p) => ({ email: String(p.getFirstValue()).replace(/^mailto:/i, ''), name: p.getParameter('cn') }));
}

function nodeIcalAttendees(source: string) {
  const event = Object.values(ical.sync.parseICS(source)).find((c) => c?.type === 'VEVENT') as ical.VEvent;
  const list = ([] as ical.Attendee[]).concat(event.attendee ?? []);
  return list.map((a) => typeof a === 'string' ? { email: a, name: undefined } : { email: String(a.val).replace(/^mailto:/i, ''), name: a.params.CN });
}

describe('calendar invites with awkward names', () => {
  for (const method of ['REQUEST', 'CANCEL'] as const) {
    it.each(names)(`${method}: %j reads the same in node-ical and ical.js`, (name) => {
      const source = invite(method, name, `Mentor ${name}`);
      strictParams(source);
      const want = [
        { email: 'mentee@example.com', name: expected(name) },
        { email: 'mentor@example.com', name: expected(`Mentor ${name}`) },
      ];
      expect(icalJsAttendees(source)).toEqual(want);
      expect(nodeIcalAttendees(source)).toEqual(want);
      const vevent = new ICAL.Component(ICAL.parse(source));
      expect(vevent.getFirstPropertyValue('method')).toBe(method);
    });
  }
});
