CREATE TABLE "payment_problems" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"event_id" text,
	"session_id" uuid,
	"checkout_ref" text,
	"payment_ref" text NOT NULL,
	"amount_cents" integer,
	"currency" text,
	"expected_amount_cents" integer,
	"expected_currency" text,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_problems_payment_ref_unique" UNIQUE("payment_ref")
);
--> statement-breakpoint
ALTER TABLE "refunds" DROP CONSTRAINT "refunds_session_id_unique";--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "session_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "payment_ref" text;--> statement-breakpoint
-- Refunds made before this migration were one per session: they refund that session's payment.
UPDATE "refunds" r SET "payment_ref" = coalesce(s."payment_ref", 'session:' || r."session_id") FROM "sessions" s WHERE s."id" = r."session_id";--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "payment_ref" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "hold_released_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "payment_problems" ADD CONSTRAINT "payment_problems_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "payment_problems_created_idx" ON "payment_problems" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "payment_problems_session_idx" ON "payment_problems" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "refunds_session_idx" ON "refunds" USING btree ("session_id");--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_ref_unique" UNIQUE("payment_ref");