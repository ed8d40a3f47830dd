CREATE TABLE "mentor_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"headline" text NOT NULL,
	"bio" text NOT NULL,
	"skills" text[] NOT NULL,
	"hourly_rate_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"links" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"decline_reason" text,
	CONSTRAINT "mentor_applications_rate_positive" CHECK ("mentor_applications"."hourly_rate_cents" > 0)
);
--> statement-breakpoint
ALTER TABLE "mentor_applications" ADD CONSTRAINT "mentor_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentor_applications" ADD CONSTRAINT "mentor_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "mentor_applications_one_open" ON "mentor_applications" USING btree ("user_id") WHERE "mentor_applications"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "mentor_applications_status_idx" ON "mentor_applications" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "mentor_applications_user_idx" ON "mentor_applications" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "sessions_paid_idx" ON "sessions" USING btree ("paid_at") WHERE "sessions"."paid_at" is not null;