import type { Tx } from '../db/client';
import { enqueueEmail } from '../mail/outbox';
import type { OnRecipientClock, SessionFactsPayload, TemplateName, TemplatePayloads } from '../mail/templates';
import { loadSessionPeople, participantsOf, type Participant, type SessionPeople } from './participants';

/**
 * Queues one email about a session to each of its participants (both, unless `to` names fewer), each
 * addressed to that person, in the caller's transaction: the emails exist if and only if the change
 * that causes them commits. The dedupe key makes each one exactly-once. Returns how many were queued.
 */
export async function queueParticipantEmails<T extends TemplateName>(tx: Tx, options: {
  sessionId: string;
  template: T;
  dedupeKey: (person: Participant) => string;
  payload: (person: Participant, people: SessionPeople) => TemplatePayloads[T];
  /** Only these participants (e.g. the mentee for a refund); both by default. */
  to?: readonly Participant['role'][];
  /** Already read in this transaction. */
  people?: SessionPeople;
}): Promise<number> {
  const people = options.people ?? (await loadSessionPeople(tx, options.sessionId));
  const recipients = participantsOf(people).filter((person) => !options.to || options.to.includes(person.role));
  for (const person of recipients) {
    await enqueueEmail({
      tx, sessionId: options.sessionId, dedupeKey: options.dedupeKey(person), template: options.template,
      to: { name: person.name, address: person.email }, payload: options.payload(person, people),
    });
  }
  return recipients.length;
}

/** What every email about one session says of it, as this participant sees it (their name, zone, the other person). */
export function sessionFacts(sessionId: string, person: Participant, people: SessionPeople): SessionFactsPayload {
  return {
    sessionId, role: person.role, recipientName: person.name, otherName: person.other,
    startsAt: people.startsAt.toISOString(), durationMinutes: people.durationMinutes, timezone: person.timezone,
    ...clockOf(person),
  };
}

/** The recipient's chosen clock as a payload field (absent: the email's 24-hour default). */
export function clockOf(person: Participant): OnRecipientClock {
  return person.clock ? { clock: person.clock } : {};
}
