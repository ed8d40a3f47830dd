-- Double booking is impossible by construction: no two slot-holding sessions of one mentor (or of
-- one mentee) overlap. Concurrent bookings of one slot get one winner and exclusion violations (23P01).
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_mentor_no_overlap"
  EXCLUDE USING gist ("mentor_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('awaiting_payment', 'pending', 'confirmed'));
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_mentee_no_overlap"
  EXCLUDE USING gist ("mentee_id" WITH =, tstzrange("starts_at", "ends_at", '[)') WITH &&)
  WHERE ("status" IN ('awaiting_payment', 'pending', 'confirmed'));
