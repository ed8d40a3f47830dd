ALTER TABLE "users" ADD COLUMN "clock" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_clock_known" CHECK ("users"."clock" in ('12h', '24h'));