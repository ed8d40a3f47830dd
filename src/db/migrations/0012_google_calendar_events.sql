ALTER TABLE "sessions" ADD COLUMN "meeting_conference_id" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "meeting_code" text;