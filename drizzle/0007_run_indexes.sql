-- Every entry of a run's timeline and journal is read by its run: one index,
-- keyed (run, …), serves where two were written per row.
ALTER TABLE "run_events" DROP CONSTRAINT "run_events_pkey";--> statement-breakpoint
DROP INDEX "run_events_run_id_id_idx";--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_id_pk" PRIMARY KEY("run_id","id");--> statement-breakpoint
ALTER TABLE "run_steps" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "run_steps" DROP CONSTRAINT "run_steps_run_id_step_id_unique";--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_step_id_pk" PRIMARY KEY("run_id","step_id");--> statement-breakpoint
-- Most runs have no idempotency key and are unfinished for most of their
-- writes: partial indexes skip the NULLs each status change would index again.
ALTER TABLE "runs" DROP CONSTRAINT "runs_workspace_id_idempotency_key_unique";--> statement-breakpoint
CREATE UNIQUE INDEX "runs_workspace_id_idempotency_key_unique" ON "runs" USING btree ("workspace_id","idempotency_key") WHERE "runs"."idempotency_key" is not null;--> statement-breakpoint
DROP INDEX "runs_finished_at_idx";--> statement-breakpoint
CREATE INDEX "runs_finished_at_idx" ON "runs" USING btree ("finished_at") WHERE "runs"."finished_at" is not null;--> statement-breakpoint
-- Deleting runs (retention) sets their deliveries' run to NULL: without this
-- index every deleted run read the whole delivery log.
CREATE INDEX "webhook_deliveries_run_id_idx" ON "webhook_deliveries" USING btree ("run_id") WHERE "webhook_deliveries"."run_id" is not null;
