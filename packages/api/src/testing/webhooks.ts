import { sql } from "drizzle-orm";
import { queryRows, type Database } from "@trellis/db";
import type { WorkflowDefinitionInput } from "@trellis/engine";
import type { RouterInputs } from "../root";
import { callerFor, workspaceWithRoles } from "./callers";

type CreateWebhook = Omit<RouterInputs["webhook"]["create"], "workspaceId" | "workflowId">;

/**
 * The PEERS.md workload (webhook → transform → condition → respond): adds
 * `sum` (of `values`) and `processedBy`, branches on sum > 100, and the
 * respond node (reached by either branch) adds `route`.
 */
export const peersWorkload: WorkflowDefinitionInput = {
  schemaVersion: 1,
  nodes: [
    { id: "webhook", type: "trigger.webhook", config: { method: "POST" } },
    { id: "transform", type: "transform", config: { expression: '$merge([trigger.body, {"sum": $sum(trigger.body.values), "processedBy": "trellis"}])' } },
    { id: "condition", type: "condition", config: { expression: "input.sum > 100" } },
    { id: "respond", type: "transform", config: { expression: '$merge([nodes.transform.output, {"route": nodes.condition.output.result ? "big" : "small"}])' } },
  ],
  edges: [
    { id: "e1", source: "webhook", target: "transform" },
    { id: "e2", source: "transform", target: "condition" },
    { id: "e3", source: "condition", sourceHandle: "true", target: "respond" },
    { id: "e4", source: "condition", sourceHandle: "false", target: "respond" },
  ],
};

/** A body of the workload: ten numbers. */
export function peersBody(seed = 0): { id: number; values: number[] } {
  return { id: seed, values: Array.from({ length: 10 }, (_, i) => ((seed + i) * 7) % 25) };
}

/**
 * A workspace (with the usual cast), a workflow published with `definition`
 * (the PEERS workload by default) and a webhook on it, created through the
 * same procedures the app uses. The webhook's secret is in `webhook.secret`.
 */
export async function webhookFixture(db: Database, settings: Partial<CreateWebhook> = {}, definition: WorkflowDefinitionInput = peersWorkload) {
  const cast = await workspaceWithRoles(db);
  const owner = callerFor(db, cast.owner);
  const workspaceId = cast.workspace.id;
  const workflow = await owner.workflow.create({ workspaceId, name: "Webhook target", definition });
  await owner.workflowVersion.publish({ workspaceId, workflowId: workflow.id, message: "v1" });
  const webhook = await owner.webhook.create({ workspaceId, workflowId: workflow.id, signatureScheme: "none", ...settings });
  return { cast, owner, workspaceId, workflowId: workflow.id, webhook };
}

/** What a webhook left in the database: its runs and its log by verdict, and any half-stored rows. */
export async function storedDeliveries(db: Database, webhook: { id: string; workflowId: string }) {
  const rows = await queryRows(
    db,
    sql`SELECT
      (SELECT count(*) FROM runs WHERE workflow_id = ${webhook.workflowId})::int AS runs,
      (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ${webhook.id} AND verdict = 'accepted')::int AS accepted,
      (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ${webhook.id} AND verdict = 'duplicate')::int AS duplicates,
      (SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ${webhook.id} AND verdict = 'rejected')::int AS rejected,
      (SELECT count(*) FROM webhook_deliveries d WHERE d.webhook_id = ${webhook.id} AND (
         (d.verdict <> 'rejected' AND (d.run_id IS NULL OR d.body IS NULL))
         OR (d.verdict = 'rejected' AND (d.run_id IS NOT NULL OR d.body IS NOT NULL))))::int AS "halfStored",
      (SELECT count(*) FROM runs r WHERE r.workflow_id = ${webhook.workflowId}
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.run_id = r.id AND d.verdict = 'accepted'))::int AS "runsWithoutDelivery"`,
  );
  return rows[0] as { runs: number; accepted: number; duplicates: number; rejected: number; halfStored: number; runsWithoutDelivery: number };
}
