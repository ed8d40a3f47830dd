CREATE TYPE "public"."session_status" AS ENUM('awaiting_payment', 'pending', 'confirmed', 'completed', 'declined', 'cancelled', 'expired');--> statement-breakpoint
CREATE TABLE "availability_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mentor_id" uuid NOT NULL,
	"weekday" smallint NOT NULL,
	"start_minute" integer NOT NULL,
	"end_minute" integer NOT NULL,
	CONSTRAINT "availability_weekday" CHECK ("availability_windows"."weekday" between 0 and 6),
	CONSTRAINT "availability_range" CHECK ("availability_windows"."start_minute" >= 0 and "availability_windows"."end_minute" <= 1440 and "availability_windows"."start_minute" < "availability_windows"."end_minute")
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'requested' NOT NULL,
	"provider_ref" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "refunds_session_id_unique" UNIQUE("session_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mentor_id" uuid NOT NULL,
	"mentee_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"price_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" "session_status" DEFAULT 'awaiting_payment' NOT NULL,
	"hold_expires_at" timestamp with time zone,
	"payment_provider" text NOT NULL,
	"checkout_ref" text,
	"checkout_url" text,
	"payment_ref" text,
	"paid_at" timestamp with time zone,
	"meeting_provider" text,
	"meeting_url" text,
	"meeting_external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" uuid,
	CONSTRAINT "sessions_checkout_ref_unique" UNIQUE("checkout_ref"),
	CONSTRAINT "sessions_times" CHECK ("sessions"."ends_at" > "sessions"."starts_at"),
	CONSTRAINT "sessions_price" CHECK ("sessions"."price_cents" > 0)
);
--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD COLUMN "session_lengths" integer[] DEFAULT '{30,60}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD COLUMN "min_notice_minutes" integer DEFAULT 720 NOT NULL;--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD COLUMN "horizon_days" integer DEFAULT 28 NOT NULL;--> statement-breakpoint
ALTER TABLE "availability_windows" ADD CONSTRAINT "availability_windows_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_mentee_id_users_id_fk" FOREIGN KEY ("mentee_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "availability_mentor_idx" ON "availability_windows" USING btree ("mentor_id");--> statement-breakpoint
CREATE INDEX "refunds_due_idx" ON "refunds" USING btree ("next_attempt_at") WHERE "refunds"."status" = 'requested';--> statement-breakpoint
CREATE INDEX "sessions_mentee_idx" ON "sessions" USING btree ("mentee_id","starts_at");--> statement-breakpoint
CREATE INDEX "sessions_mentor_idx" ON "sessions" USING btree ("mentor_id","starts_at");--> statement-breakpoint
CREATE INDEX "sessions_status_idx" ON "sessions" USING btree ("status","starts_at");--> statement-breakpoint
CREATE INDEX "sessions_hold_idx" ON "sessions" USING btree ("hold_expires_at") WHERE "sessions"."status" = 'awaiting_payment';--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD CONSTRAINT "mentor_notice_range" CHECK ("mentor_profiles"."min_notice_minutes" between 0 and 43200);--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD CONSTRAINT "mentor_horizon_range" CHECK ("mentor_profiles"."horizon_days" between 1 and 365);