CREATE TABLE "data_versions" (
	"backend" integer PRIMARY KEY NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
-- Row 0 holds what the sweep folds in from backends that have gone (src/db/data-version.ts).
INSERT INTO "data_versions" ("backend", "n") VALUES (0, 0);
--> statement-breakpoint
-- One row per backend: a backend runs one transaction at a time, so no two transactions ever
-- update the same row, and no write waits on another because of this.
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_versions AS d (backend, n) VALUES (pg_backend_pid(), 1)
  ON CONFLICT (backend) DO UPDATE SET n = d.n + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The same, when the statement changed a row: sweeps run UPDATEs that usually match nothing, and
-- those must not make every cached list be read again.
CREATE FUNCTION bump_data_version_if_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM changed) THEN
    INSERT INTO data_versions AS d (backend, n) VALUES (pg_backend_pid(), 1)
    ON CONFLICT (backend) DO UPDATE SET n = d.n + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER sessions_inserted_version AFTER INSERT ON sessions REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_updated_version AFTER UPDATE ON sessions REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_deleted_version AFTER DELETE ON sessions REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_truncated_version AFTER TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
CREATE TRIGGER reviews_inserted_version AFTER INSERT ON reviews REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_updated_version AFTER UPDATE ON reviews REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_deleted_version AFTER DELETE ON reviews REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_if_changed();
--> statement-breakpoint
CREATE TRIGGER reviews_truncated_version AFTER TRUNCATE ON reviews FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
--> statement-breakpoint
-- The lists show people's names; a rename is rare, so any UPDATE naming the column counts.
CREATE TRIGGER users_renamed_version AFTER UPDATE OF name ON users FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
