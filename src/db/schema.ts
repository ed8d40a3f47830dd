import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, date, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, unique, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const userRole = pgEnum('user_role', ['mentee', 'mentor', 'admin']);
export type Role = (typeof userRole.enumValues)[number];

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  // Stored lower-cased, so the unique index is case-insensitive.
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: userRole('role').notNull().default('mentee'),
  timezone: text('timezone').notNull().default('UTC'),
  /** '12h' or '24h' as chosen on the Account page; null: the clock of the browser's language (emails: 24-hour). */
  clock: text('clock'),
  passwordHash: text('password_hash').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  /** Null until the address is proven ours (a mentee who signed up cannot pay before). */
  emailVerifiedAt: tz('email_verified_at'),
  /** Set by an admin: no log-in, no session, until reactivated. */
  deactivatedAt: tz('deactivated_at'),
}, (t) => [
  // The mentor directory lists mentors by name, a page at a time, among many more mentees.
  index('users_role_name_idx').on(t.role, t.name, t.id),
  check('users_clock_known', sql`${t.clock} in ('12h', '24h')`),
]);

/** Server-side login sessions. The cookie holds a random token; only its SHA-256 is stored. */
export const authSessions = pgTable('auth_sessions', {
  id: text('id').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: tz('created_at').notNull().defaultNow(),
  lastSeenAt: tz('last_seen_at').notNull().defaultNow(),
  expiresAt: tz('expires_at').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
}, (t) => [index('auth_sessions_user_idx').on(t.userId), index('auth_sessions_expires_idx').on(t.expiresAt)]);

/**
 * Single-use links sent by email (password reset, email verification). Only the SHA-256 of the token
 * is stored; using one is a compare-and-swap on used_at.
 */
export const accountTokens = pgTable('account_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  purpose: text('purpose', { enum: ['password_reset', 'email_verification'] }).notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
  expiresAt: tz('expires_at').notNull(),
  usedAt: tz('used_at'),
}, (t) => [index('account_tokens_user_idx').on(t.userId, t.purpose)]);

/** Failed log-in counters per account and per client address, shared by every app process. */
export const loginFailures = pgTable('login_failures', {
  key: text('key').primaryKey(),
  count: integer('count').notNull(),
  windowStart: tz('window_start').notNull(),
});

export const mentorProfiles = pgTable('mentor_profiles', {
  userId: uuid('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  headline: text('headline').notNull().default(''),
  bio: text('bio').notNull().default(''),
  skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
  hourlyRateCents: integer('hourly_rate_cents').notNull(),
  currency: text('currency').notNull().default('USD'),
  /** Session lengths offered, in minutes. */
  sessionLengths: integer('session_lengths').array().notNull().default(sql`'{30,60}'::integer[]`),
  /** How far ahead a booking must be made, and how far ahead it may be. */
  minNoticeMinutes: integer('min_notice_minutes').notNull().default(720),
  horizonDays: integer('horizon_days').notNull().default(28),
  /** Minutes kept free before and after each of the mentor's sessions: no slot starts or ends closer. */
  bufferMinutes: integer('buffer_minutes').notNull().default(0),
}, (t) => [
  check('mentor_rate_positive', sql`${t.hourlyRateCents} > 0`),
  check('mentor_notice_range', sql`${t.minNoticeMinutes} between 0 and 43200`),
  check('mentor_horizon_range', sql`${t.horizonDays} between 1 and 365`),
  check('mentor_buffer_range', sql`${t.bufferMinutes} between 0 and 120`),
]);

/**
 * Days a mentor is away, as calendar dates in the mentor's own zone (users.timezone), both ends
 * included: no slot starts on them. Sessions already booked on them are kept.
 */
export const mentorTimeOff = pgTable('mentor_time_off', {
  id: uuid('id').primaryKey().defaultRandom(),
  mentorId: uuid('mentor_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  note: text('note').notNull().default(''),
  createdAt: tz('created_at').notNull().defaultNow(),
}, (t) => [
  index('mentor_time_off_mentor_idx').on(t.mentorId, t.endDate),
  check('mentor_time_off_order', sql`${t.startDate} <= ${t.endDate}`),
]);

export const applicationStatus = ['pending', 'approved', 'declined'] as const;

/**
 * A mentee's application to become a mentor ("Become a mentor"), decided by an admin. Approval turns the
 * account into a mentor and copies these fields into its mentor profile; a declined one keeps its reason.
 */
export const mentorApplications = pgTable('mentor_applications', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  headline: text('headline').notNull(),
  bio: text('bio').notNull(),
  skills: text('skills').array().notNull(),
  hourlyRateCents: integer('hourly_rate_cents').notNull(),
  currency: text('currency').notNull(),
  /** http(s) addresses only, checked before they are stored: admins open them. */
  links: text('links').array().notNull().default(sql`'{}'::text[]`),
  status: text('status', { enum: applicationStatus }).notNull().default('pending'),
  createdAt: tz('created_at').notNull().defaultNow(),
  decidedAt: tz('decided_at'),
  decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
  declineReason: text('decline_reason'),
}, (t) => [
  // One open application per person: the database decides, so two posts at once make one.
  uniqueIndex('mentor_applications_one_open').on(t.userId).where(sql`${t.status} = 'pending'`),
  index('mentor_applications_status_idx').on(t.status, t.createdAt),
  index('mentor_applications_user_idx').on(t.userId, t.createdAt),
  check('mentor_applications_rate_positive', sql`${t.hourlyRateCents} > 0`),
]);

/** Weekly availability, in the mentor's own time zone (users.timezone): weekday 0 = Sunday. */
export const availabilityWindows = pgTable('availability_windows', {
  id: uuid('id').primaryKey().defaultRandom(),
  mentorId: uuid('mentor_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  weekday: smallint('weekday').notNull(),
  startMinute: integer('start_minute').notNull(),
  endMinute: integer('end_minute').notNull(),
}, (t) => [
  index('availability_mentor_idx').on(t.mentorId),
  check('availability_weekday', sql`${t.weekday} between 0 and 6`),
  check('availability_range', sql`${t.startMinute} >= 0 and ${t.endMinute} <= 1440 and ${t.startMinute} < ${t.endMinute}`),
]);

export const sessionStatus = pgEnum('session_status', [
  'awaiting_payment', 'pending', 'confirmed', 'completed', 'declined', 'cancelled', 'expired',
]);
export type SessionStatus = (typeof sessionStatus.enumValues)[number];
/** Statuses that hold a slot: the exclusion constraints (migration 0001) cover exactly these. */
export const ACTIVE_STATUSES = ['awaiting_payment', 'pending', 'confirmed'] as const;

/** A booked mentoring session. Times are UTC instants; each is shown in the viewer's zone. */
export const sessions = pgTable('sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  mentorId: uuid('mentor_id').notNull().references(() => users.id),
  menteeId: uuid('mentee_id').notNull().references(() => users.id),
  startsAt: tz('starts_at').notNull(),
  endsAt: tz('ends_at').notNull(),
  durationMinutes: integer('duration_minutes').notNull(),
  priceCents: integer('price_cents').notNull(),
  currency: text('currency').notNull(),
  status: sessionStatus('status').notNull().default('awaiting_payment'),
  /** An unpaid booking holds its slot until then. */
  holdExpiresAt: tz('hold_expires_at'),
  paymentProvider: text('payment_provider').notNull(),
  /** The provider's checkout id (Stripe: cs_…), set when checkout is created. */
  checkoutRef: text('checkout_ref'),
  /** Where the mentee pays (the provider's hosted page), kept so "Pay" works again until the hold ends. */
  checkoutUrl: text('checkout_url'),
  /** The provider's payment id (Stripe: pi_…), set when paid. */
  paymentRef: text('payment_ref'),
  paidAt: tz('paid_at'),
  /** An admin released this unpaid hold: a payment that still arrives for it is refunded, never revives it. */
  holdReleasedAt: tz('hold_released_at'),
  meetingProvider: text('meeting_provider'),
  meetingUrl: text('meeting_url'),
  /** Google: the Calendar event id; Jitsi: the room name. */
  meetingExternalId: text('meeting_external_id'),
  /** Google: the event's Meet conference id. */
  meetingConferenceId: text('meeting_conference_id'),
  /** Google: the Meet meeting code (abc-mnop-xyz); the Meet REST API finds the conference records by it. */
  meetingCode: text('meeting_code'),
  /** The last failure of the room job (sessions.create-room), shown on the admin's session page. */
  meetingLastError: text('meeting_last_error'),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  confirmedAt: tz('confirmed_at'),
  confirmedBy: uuid('confirmed_by').references(() => users.id),
  completedAt: tz('completed_at'),
  cancelledAt: tz('cancelled_at'),
  cancelledBy: uuid('cancelled_by').references(() => users.id),
  declinedAt: tz('declined_at'),
  /** How often the mentee moved this session (they may twice); mentors and admins are not limited. */
  menteeReschedules: integer('mentee_reschedules').notNull().default(0),
  /** The calendar invite's SEQUENCE: each move raises it, so calendars update the one entry in place. */
  inviteSequence: integer('invite_sequence').notNull().default(0),
  /** The latest move to a new time: reminders falling due just after it are skipped, as after a confirmation. */
  movedAt: tz('moved_at'),
  /** A mentee's request for a new time: the mentor's answer timer runs from here rather than from the payment. */
  requestedAt: tz('requested_at'),
  /** The mentee's "What would you like help with?" from the booking step: plain text, for the mentor. */
  bookingNote: text('booking_note'),
}, (t) => [
  index('sessions_mentee_idx').on(t.menteeId, t.startsAt),
  index('sessions_mentor_idx').on(t.mentorId, t.startsAt),
  // The dashboards' lists (sessions/queries.ts listSessionsFor), each read in order straight off an
  // index: live sessions (upcoming, and the few past ones still open) and finished ones (history).
  index('sessions_mentee_live_idx').on(t.menteeId, t.startsAt, t.id).where(sql`${t.status} in ('awaiting_payment', 'pending', 'confirmed')`),
  index('sessions_mentee_done_idx').on(t.menteeId, t.startsAt, t.id).where(sql`${t.status} not in ('awaiting_payment', 'pending', 'confirmed')`),
  index('sessions_mentor_live_idx').on(t.mentorId, t.startsAt, t.id).where(sql`${t.status} in ('awaiting_payment', 'pending', 'confirmed')`),
  index('sessions_mentor_done_idx').on(t.mentorId, t.startsAt, t.id).where(sql`${t.status} not in ('awaiting_payment', 'pending', 'confirmed')`),
  // The Mentor Dashboard's earnings sum a mentor's sessions: read from this index alone (7 blocks for a
  // mentor with 500 sessions at 1 M, where the heap took 507; issue 15).
  index('sessions_mentor_earnings_idx').on(t.mentorId, t.status, t.currency, t.startsAt, t.priceCents).where(sql`${t.status} in ('completed', 'pending', 'confirmed')`),
  index('sessions_status_idx').on(t.status, t.startsAt),
  // The admin Sessions page: all sessions, latest start first, paged by (starts_at, id).
  index('sessions_starts_idx').on(t.startsAt, t.id),
  index('sessions_hold_idx').on(t.holdExpiresAt).where(sql`${t.status} = 'awaiting_payment'`),
  // The admin's revenue overview sums payments by month of paid_at.
  index('sessions_paid_idx').on(t.paidAt).where(sql`${t.paidAt} is not null`),
  unique('sessions_checkout_ref_unique').on(t.checkoutRef),
  check('sessions_times', sql`${t.endsAt} > ${t.startsAt}`),
  check('sessions_price', sql`${t.priceCents} > 0`),
]);

/**
 * Refunds owed or made. One per payment (the provider's payment id): the unique key makes "refund once"
 * a database fact, and a session can have two payments (a mismatched one and its real one).
 */
export const refunds = pgTable('refunds', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The session the payment was for, when known (a payment for a checkout we never made has none). */
  sessionId: uuid('session_id').references(() => sessions.id),
  paymentRef: text('payment_ref').notNull().unique(),
  amountCents: integer('amount_cents').notNull(),
  currency: text('currency').notNull(),
  reason: text('reason').notNull(),
  status: text('status', { enum: ['requested', 'succeeded', 'failed'] }).notNull().default('requested'),
  providerRef: text('provider_ref'),
  /** The last failure of its job (payments.send-refund); the job's retries are pg-boss's. */
  lastError: text('last_error'),
  createdAt: tz('created_at').notNull().defaultNow(),
  completedAt: tz('completed_at'),
}, (t) => [
  index('refunds_session_idx').on(t.sessionId),
]);

/**
 * Payments we refused because they do not match the booking they claim to pay for (amount, currency,
 * checkout id, metadata), or arrived for a booking already paid. Each is refunded; admins review them.
 */
export const paymentProblems = pgTable('payment_problems', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** The provider's event id (Stripe: evt_…), when a webhook brought it. */
  eventId: text('event_id'),
  /** The booking it was for, when known. */
  sessionId: uuid('session_id').references(() => sessions.id),
  checkoutRef: text('checkout_ref'),
  paymentRef: text('payment_ref').notNull().unique(),
  amountCents: integer('amount_cents'),
  currency: text('currency'),
  expectedAmountCents: integer('expected_amount_cents'),
  expectedCurrency: text('expected_currency'),
  reason: text('reason', { enum: ['unknown_checkout', 'booking_mismatch', 'amount_mismatch', 'currency_mismatch', 'already_paid'] }).notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
}, (t) => [
  index('payment_problems_created_idx').on(t.createdAt),
  index('payment_problems_session_idx').on(t.sessionId),
]);

/** Webhook events already handled, by the provider's event id: the replay defence. */
export const processedEvents = pgTable('processed_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: tz('received_at').notNull().defaultNow(),
}, (t) => [
  // "Webhooks received in the last 24 hours" on /admin/integrations reads a range of this.
  index('processed_events_received_idx').on(t.receivedAt),
]);

export const outboxStatus = ['pending', 'sending', 'sent', 'failed'] as const;

/** Emails to send: written in the transaction of the change that causes them, with their relay job. */
export const emailOutbox = pgTable('email_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  /** The session an email is about, if any: the admin's session page lists them. */
  sessionId: uuid('session_id'),
  template: text('template').notNull(),
  toName: text('to_name').notNull(),
  toAddress: text('to_address').notNull(),
  payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
  status: text('status', { enum: outboxStatus }).notNull().default('pending'),
  /** Delivery attempts of its relay job (mail.deliver), shown on /admin/outbox; the budget is the worker's. */
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  // Set when delivered; derived from dedupe_key, so a retried delivery carries the same Message-ID.
  messageId: text('message_id'),
  createdAt: tz('created_at').notNull().defaultNow(),
  sentAt: tz('sent_at'),
}, (t) => [
  index('email_outbox_status_idx').on(t.status, t.createdAt),
  index('email_outbox_session_idx').on(t.sessionId).where(sql`${t.sessionId} is not null`),
]);

/** The built-in mailbox: what the demo "sends" instead of SMTP, readable by admins. */
export const mailboxMessages = pgTable('mailbox_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  messageId: text('message_id').notNull().unique(),
  fromHeader: text('from_header').notNull(),
  toName: text('to_name').notNull(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  text: text('text').notNull(),
  html: text('html'),
  attachments: jsonb('attachments').notNull().$type<StoredAttachment[]>().default(sql`'[]'::jsonb`),
  createdAt: tz('created_at').notNull().defaultNow(),
}, (t) => [index('mailbox_created_idx').on(t.createdAt)]);

export interface StoredAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

/** Secrets generated on first start (demo mode), shared by every process on this database. */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
  action: text('action').notNull(),
  subjectType: text('subject_type').notNull(),
  subjectId: text('subject_id').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>(),
  ip: text('ip'),
  createdAt: tz('created_at').notNull().defaultNow(),
}, (t) => [index('audit_subject_idx').on(t.subjectType, t.subjectId, t.createdAt)]);


/** Who opened a session's meeting link, and when: the seed's "track link access". */
export const meetingAccesses = pgTable('meeting_accesses', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => sessions.id),
  userId: uuid('user_id').notNull().references(() => users.id),
  ip: text('ip'),
  at: tz('at').notNull().defaultNow(),
}, (t) => [index('meeting_accesses_session_idx').on(t.sessionId, t.at)]);

/** A mentee's rating of a completed session: one per session, editable for 7 days, hideable by admins. */
export const reviews = pgTable('reviews', {
  id: uuid('id').primaryKey().defaultRandom(),
  sessionId: uuid('session_id').notNull().unique().references(() => sessions.id),
  mentorId: uuid('mentor_id').notNull().references(() => users.id),
  menteeId: uuid('mentee_id').notNull().references(() => users.id),
  rating: smallint('rating').notNull(),
  comment: text('comment').notNull().default(''),
  createdAt: tz('created_at').notNull().defaultNow(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
  hiddenAt: tz('hidden_at'),
  hiddenBy: uuid('hidden_by').references(() => users.id),
}, (t) => [
  index('reviews_mentor_idx').on(t.mentorId, t.createdAt),
  check('reviews_rating_range', sql`${t.rating} between 1 and 5`),
]);

/** A mentor's private notes on a session: never shown to the mentee. */
export const mentorNotes = pgTable('mentor_notes', {
  sessionId: uuid('session_id').primaryKey().references(() => sessions.id),
  mentorId: uuid('mentor_id').notNull().references(() => users.id),
  note: text('note').notNull(),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

/**
 * The last read of a Google session's Meet records (conferenceRecords and what hangs off them): the
 * sweep claims a session by moving last_read_at, so two workers never read the same one at once and
 * Google is asked at most once per interval.
 */
export const meetingRecordReads = pgTable('meeting_record_reads', {
  sessionId: uuid('session_id').primaryKey().references(() => sessions.id),
  lastReadAt: tz('last_read_at').notNull(),
  /** Set once a read has completed (the page shows attendance only after one). */
  readAt: tz('read_at'),
  reads: integer('reads').notNull().default(0),
  lastError: text('last_error'),
});

/** One stretch of one person in a session's meeting, as Google's participantSessions report it. */
export const meetingParticipantSessions = pgTable('meeting_participant_sessions', {
  /** Google's participantSession resource name: reading again never duplicates a stretch. */
  name: text('name').primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => sessions.id),
  /** Google's participant resource name (conferenceRecords/…/participants/…). */
  participant: text('participant').notNull(),
  displayName: text('display_name').notNull(),
  /** Our mentor or mentee, when the participant's Google display name is theirs. */
  userId: uuid('user_id').references(() => users.id),
  joinedAt: tz('joined_at').notNull(),
  /** Null while they are still in the meeting. */
  leftAt: tz('left_at'),
}, (t) => [index('meeting_participant_sessions_session_idx').on(t.sessionId, t.joinedAt)]);

/** Recordings and transcripts of a session's meeting, once Google has written their file. */
export const meetingArtifacts = pgTable('meeting_artifacts', {
  /** Google's recording or transcript resource name. */
  name: text('name').primaryKey(),
  sessionId: uuid('session_id').notNull().references(() => sessions.id),
  kind: text('kind', { enum: ['recording', 'transcript'] }).notNull(),
  /** The Drive (recording) or Docs (transcript) link. */
  url: text('url').notNull(),
  startedAt: tz('started_at'),
  firstSeenAt: tz('first_seen_at').notNull(),
}, (t) => [index('meeting_artifacts_session_idx').on(t.sessionId, t.firstSeenAt)]);

/**
 * The integration checks run from the CLI and /admin/integrations (issue 16): their steps as shown,
 * kept so the page and /healthz?deep=1 can say what was last found. A few rows a day at most.
 */
export const integrationChecks = pgTable('integration_checks', {
  id: uuid('id').primaryKey().defaultRandom(),
  integration: text('integration', { enum: ['mail', 'meetings', 'payments'] }).notNull(),
  ok: boolean('ok').notNull(),
  summary: text('summary').notNull(),
  /** CheckStep[] (src/integrations/check.ts): already masked, never a secret. */
  steps: jsonb('steps').notNull(),
  source: text('source', { enum: ['cli', 'admin'] }).notNull(),
  actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
  startedAt: tz('started_at').notNull(),
  finishedAt: tz('finished_at').notNull(),
}, (t) => [index('integration_checks_latest_idx').on(t.integration, t.finishedAt)]);

/** Webhook posts refused (bad or missing signature, unreadable body): what an operator sees as "webhook 400s". */
export const webhookRefusals = pgTable('webhook_refusals', {
  id: uuid('id').primaryKey().defaultRandom(),
  provider: text('provider').notNull(),
  reason: text('reason').notNull(),
  ip: text('ip'),
  receivedAt: tz('received_at').notNull().defaultNow(),
}, (t) => [index('webhook_refusals_received_idx').on(t.receivedAt)]);

/**
 * How many writes have committed to what the cached lists show (sessions, the names on them,
 * reviews): src/db/data-version.ts. One row per database backend, so two transactions never wait
 * on each other's row; the sum is the version. Triggers keep it (migration 0021), a sweep folds the
 * rows of backends that have gone into row 0.
 */
export const dataVersions = pgTable('data_versions', {
  backend: integer('backend').primaryKey(),
  n: bigint('n', { mode: 'number' }).notNull(),
});
