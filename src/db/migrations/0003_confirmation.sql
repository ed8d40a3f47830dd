CREATE TABLE "meeting_accesses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"ip" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "meeting_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "meeting_next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "meeting_last_error" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "declined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meeting_accesses" ADD CONSTRAINT "meeting_accesses_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_accesses" ADD CONSTRAINT "meeting_accesses_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_accesses_session_idx" ON "meeting_accesses" USING btree ("session_id","at");--> statement-breakpoint
CREATE INDEX "sessions_meeting_due_idx" ON "sessions" USING btree ("meeting_next_attempt_at") WHERE "sessions"."meeting_url" is null and "sessions"."meeting_next_attempt_at" is not null;