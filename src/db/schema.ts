import { sql } from 'drizzle-orm';
import {
  bigserial, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid,
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
  passwordHash: text('password_hash').notNull(),
  createdAt: tz('created_at').notNull().defaultNow(),
});

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
}, (t) => [check('mentor_rate_positive', sql`${t.hourlyRateCents} > 0`)]);

export const outboxStatus = ['pending', 'sending', 'sent', 'failed'] as const;

/** Emails to send: written in the transaction of the change that causes them, delivered by the worker. */
export const emailOutbox = pgTable('email_outbox', {
  id: uuid('id').primaryKey().defaultRandom(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  template: text('template').notNull(),
  toName: text('to_name').notNull(),
  toAddress: text('to_address').notNull(),
  payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
  status: text('status', { enum: outboxStatus }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: tz('next_attempt_at').notNull().defaultNow(),
  lockedUntil: tz('locked_until'),
  lastError: text('last_error'),
  // Set when delivered; derived from dedupe_key, so a retried delivery carries the same Message-ID.
  messageId: text('message_id'),
  createdAt: tz('created_at').notNull().defaultNow(),
  sentAt: tz('sent_at'),
}, (t) => [
  index('email_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
  index('email_outbox_status_idx').on(t.status, t.createdAt),
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

