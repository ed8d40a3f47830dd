CREATE TABLE "integration_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"integration" text NOT NULL,
	"ok" boolean NOT NULL,
	"summary" text NOT NULL,
	"steps" jsonb NOT NULL,
	"source" text NOT NULL,
	"actor_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_refusals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"reason" text NOT NULL,
	"ip" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "integration_checks" ADD CONSTRAINT "integration_checks_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "integration_checks_latest_idx" ON "integration_checks" USING btree ("integration","finished_at");--> statement-breakpoint
CREATE INDEX "webhook_refusals_received_idx" ON "webhook_refusals" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "processed_events_received_idx" ON "processed_events" USING btree ("received_at");