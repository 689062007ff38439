CREATE TABLE "webhook_dedupe_keys" (
	"webhook_id" uuid NOT NULL,
	"dedupe_key" text NOT NULL,
	"delivery_id" uuid NOT NULL,
	"first_received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_dedupe_keys_webhook_id_dedupe_key_pk" PRIMARY KEY("webhook_id","dedupe_key")
);
--> statement-breakpoint
DROP INDEX "webhook_deliveries_dedupe_idx";--> statement-breakpoint
ALTER TABLE "webhook_dedupe_keys" ADD CONSTRAINT "webhook_dedupe_keys_webhook_id_webhooks_id_fk" FOREIGN KEY ("webhook_id") REFERENCES "public"."webhooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_dedupe_keys" ADD CONSTRAINT "webhook_dedupe_keys_delivery_id_webhook_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."webhook_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_dedupe_keys_delivery_id_idx" ON "webhook_dedupe_keys" USING btree ("delivery_id");--> statement-breakpoint
-- Keys already inside their window keep answering duplicates after the upgrade.
INSERT INTO "webhook_dedupe_keys" ("webhook_id", "dedupe_key", "delivery_id", "first_received_at")
SELECT DISTINCT ON (d."webhook_id", d."dedupe_key") d."webhook_id", d."dedupe_key", d."id", d."received_at"
FROM "webhook_deliveries" d JOIN "webhooks" h ON h."id" = d."webhook_id"
WHERE d."verdict" = 'accepted' AND d."dedupe_key" IS NOT NULL
  AND d."received_at" > now() - make_interval(secs => h."dedupe_window_seconds")
ORDER BY d."webhook_id", d."dedupe_key", d."received_at";--> statement-breakpoint
-- Processes cache webhook configurations and workflows' latest versions; a
-- change to either is announced on `trellis_config` as "<table>:<id>" when it
-- commits, whichever code (or person at a psql prompt) made it.
CREATE FUNCTION "trellis_notify_config_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('trellis_config', TG_TABLE_NAME || ':' || OLD."id"::text);
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "webhooks_config_change" AFTER UPDATE OR DELETE ON "webhooks"
FOR EACH ROW EXECUTE FUNCTION "trellis_notify_config_change"();--> statement-breakpoint
CREATE TRIGGER "workflows_config_update" AFTER UPDATE ON "workflows"
FOR EACH ROW WHEN (OLD."latest_version_id" IS DISTINCT FROM NEW."latest_version_id"
  OR OLD."concurrency_limit" IS DISTINCT FROM NEW."concurrency_limit"
  OR OLD."deleted_at" IS DISTINCT FROM NEW."deleted_at"
  OR OLD."workspace_id" IS DISTINCT FROM NEW."workspace_id")
EXECUTE FUNCTION "trellis_notify_config_change"();--> statement-breakpoint
CREATE TRIGGER "workflows_config_delete" AFTER DELETE ON "workflows"
FOR EACH ROW EXECUTE FUNCTION "trellis_notify_config_change"();
