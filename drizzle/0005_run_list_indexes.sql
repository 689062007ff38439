DROP INDEX "runs_workspace_id_workflow_id_created_at_idx";--> statement-breakpoint
DROP INDEX "runs_workspace_id_status_created_at_idx";--> statement-breakpoint
CREATE INDEX "runs_workspace_id_trigger_kind_created_at_idx" ON "runs" USING btree ("workspace_id","trigger_kind","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "runs_workspace_id_workflow_id_created_at_idx" ON "runs" USING btree ("workspace_id","workflow_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "runs_workspace_id_status_created_at_idx" ON "runs" USING btree ("workspace_id","status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);