import { expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { createRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow } from "../testing/workflows";
import { claimStatement } from "./claim";

const copyQueuedRuns = statement(
  "test_copy_queued_runs",
  `INSERT INTO runs (id, workspace_id, workflow_id, version_id, status, trigger_kind, driver, created_at)
   SELECT gen_random_uuid(), workspace_id, workflow_id, version_id, 'queued', trigger_kind, 'embedded', now() + n * interval '1 microsecond'
   FROM runs, generate_series(1, $1::int) AS n WHERE runs.id = $2`,
);

class RollBack extends Error {}

function suite(ctx: DriverSuiteContext) {
  it("claims from a long queue by reading the claim index in order, not by sorting every queued run", async () => {
    const sql = sqlForHandle(ctx.handle());
    const user = await createUser(ctx.db());
    const workspace = await createWorkspace(ctx.db(), user.id);
    const workflow = await createWorkflow(ctx.db(), workspace.id, chain({ id: "s", type: "noop" }));
    const { run } = await createRun(ctx.handle(), { workspaceId: workspace.id, ...workflow, triggerKind: "manual", driver: "test" });

    let plan = "";
    // Rolled back: the queued runs must not reach other tests' workers.
    await sql
      .transaction(async (tx) => {
        await tx.query(copyQueuedRuns, [5_000, run.id]);
        // Statistics that know almost every run is queued, and none of the (never analyzed) workflows table: the
        // estimates under which the planner used to sort the whole queue.
        await tx.query(statement("test_analyze_runs", "ANALYZE runs"), []);
        await tx.query(statement("test_prepare_claim", `PREPARE test_claim(text, int, int) AS ${claimStatement.text}`), []);
        const rows = await tx.query<{ "QUERY PLAN": string }>(statement("test_explain_claim", "EXPLAIN EXECUTE test_claim('test-worker', 32, 30000)"), []);
        plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
        await tx.query(statement("test_deallocate_claim", "DEALLOCATE test_claim"), []);
        throw new RollBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RollBack)) throw error;
      });
    const picked = plan.slice(0, plan.indexOf("CTE claimed"));
    expect(picked).toContain("runs_claim_idx");
    expect(picked).not.toContain("Sort");
    expect(picked).not.toContain("Seq Scan on runs");
  });
}

describeEachDriver("claiming queued runs", suite);
