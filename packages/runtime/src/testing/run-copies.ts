import { createUser, createWorkspace, type DriverSuiteContext } from "@trellis/db/testing";
import { createRun } from "../records/runs";
import type { RunStatus } from "../records/run-record";
import { statement, type Sql } from "../sql/sql-client";
import { chain, createWorkflow } from "./workflows";

// For tests that need a big runs table (query plans, statistics): one real run, then cheap copies of it.

/** A user's workspace with a one-node workflow and one run of it that no worker takes (driver `test`). */
export async function workspaceWithRun(ctx: DriverSuiteContext) {
  const user = await createUser(ctx.db());
  const workspace = await createWorkspace(ctx.db(), user.id);
  const workflow = await createWorkflow(ctx.db(), workspace.id, chain({ id: "s", type: "noop" }));
  const { run } = await createRun(ctx.handle(), { workspaceId: workspace.id, ...workflow, triggerKind: "manual", driver: "test" });
  return { workspaceId: workspace.id, workflow, run };
}

const copyRunStatement = statement(
  "test_copy_run",
  `INSERT INTO runs (id, workspace_id, workflow_id, version_id, status, trigger_kind, driver, created_at)
   SELECT gen_random_uuid(), workspace_id, workflow_id, version_id, $3::run_status, trigger_kind, $4, now() + n * interval '1 microsecond'
   FROM runs, generate_series(1, $1::int) AS n WHERE runs.id = $2`,
);

/** Inserts `count` copies of a run, in `status` on `driver`, created a microsecond apart (queue order). */
export async function copyRun(sql: Sql, runId: string, count: number, status: RunStatus, driver: string): Promise<void> {
  await sql.query(copyRunStatement, [count, runId, status, driver]);
}
