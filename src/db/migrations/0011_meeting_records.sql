CREATE TABLE "meeting_artifacts" (
	"name" text PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"started_at" timestamp with time zone,
	"first_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_participant_sessions" (
	"name" text PRIMARY KEY NOT NULL,
	"session_id" uuid NOT NULL,
	"participant" text NOT NULL,
	"display_name" text NOT NULL,
	"user_id" uuid,
	"joined_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "meeting_record_reads" (
	"session_id" uuid PRIMARY KEY NOT NULL,
	"last_read_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	"reads" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "meeting_artifacts" ADD CONSTRAINT "meeting_artifacts_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_participant_sessions" ADD CONSTRAINT "meeting_participant_sessions_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_participant_sessions" ADD CONSTRAINT "meeting_participant_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_record_reads" ADD CONSTRAINT "meeting_record_reads_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_artifacts_session_idx" ON "meeting_artifacts" USING btree ("session_id","first_seen_at");--> statement-breakpoint
CREATE INDEX "meeting_participant_sessions_session_idx" ON "meeting_participant_sessions" USING btree ("session_id","joined_at");