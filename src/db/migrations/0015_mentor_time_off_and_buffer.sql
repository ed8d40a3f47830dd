CREATE TABLE "mentor_time_off" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"mentor_id" uuid NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mentor_time_off_order" CHECK ("mentor_time_off"."start_date" <= "mentor_time_off"."end_date")
);
--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD COLUMN "buffer_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "mentor_time_off" ADD CONSTRAINT "mentor_time_off_mentor_id_users_id_fk" FOREIGN KEY ("mentor_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mentor_time_off_mentor_idx" ON "mentor_time_off" USING btree ("mentor_id","end_date");--> statement-breakpoint
ALTER TABLE "mentor_profiles" ADD CONSTRAINT "mentor_buffer_range" CHECK ("mentor_profiles"."buffer_minutes" between 0 and 120);