-- Work the hand-written queues still owed becomes pg-boss jobs before their columns go (the queues
-- exist: migrate() installs them first), with each queue's policy, one job per row.
INSERT INTO "pgboss"."job" ("name", "data", "singleton_key", "retry_limit", "retry_delay", "retry_backoff", "expire_in", "policy")
SELECT q."name", jsonb_build_object('emailId', o."id"), o."id"::text, q."retry_limit", q."retry_delay", q."retry_backoff", q."expire_seconds" * interval '1 second', q."policy"
FROM "email_outbox" o JOIN "pgboss"."queue" q ON q."name" = 'mail.deliver'
WHERE o."status" IN ('pending', 'sending');--> statement-breakpoint
INSERT INTO "pgboss"."job" ("name", "data", "singleton_key", "retry_limit", "retry_delay", "retry_backoff", "expire_in", "policy")
SELECT q."name", jsonb_build_object('refundId', r."id"), r."id"::text, q."retry_limit", q."retry_delay", q."retry_backoff", q."expire_seconds" * interval '1 second', q."policy"
FROM "refunds" r JOIN "pgboss"."queue" q ON q."name" = 'payments.send-refund'
WHERE r."status" = 'requested';--> statement-breakpoint
INSERT INTO "pgboss"."job" ("name", "data", "singleton_key", "retry_limit", "retry_delay", "retry_backoff", "expire_in", "policy")
SELECT q."name", jsonb_build_object('sessionId', s."id"), s."id"::text, q."retry_limit", q."retry_delay", q."retry_backoff", q."expire_seconds" * interval '1 second', q."policy"
FROM "sessions" s JOIN "pgboss"."queue" q ON q."name" = 'sessions.create-room'
WHERE s."meeting_url" IS NULL AND s."meeting_next_attempt_at" IS NOT NULL AND s."status" IN ('confirmed', 'completed');--> statement-breakpoint
DROP INDEX "email_outbox_due_idx";--> statement-breakpoint
DROP INDEX "refunds_due_idx";--> statement-breakpoint
DROP INDEX "sessions_meeting_due_idx";--> statement-breakpoint
ALTER TABLE "email_outbox" DROP COLUMN "next_attempt_at";--> statement-breakpoint
ALTER TABLE "email_outbox" DROP COLUMN "locked_until";--> statement-breakpoint
ALTER TABLE "refunds" DROP COLUMN "attempts";--> statement-breakpoint
ALTER TABLE "refunds" DROP COLUMN "next_attempt_at";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "meeting_attempts";--> statement-breakpoint
ALTER TABLE "sessions" DROP COLUMN "meeting_next_attempt_at";