import { expect, it } from "vitest";
import { describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { EMBEDDED_DRIVER } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { copyRun, workspaceWithRun } from "../testing/run-copies";
import { claimStatement } from "./claim";

class RollBack extends Error {}

function suite(ctx: DriverSuiteContext) {
  it("claims from a long queue by reading the claim index in order, not by sorting every queued run", async () => {
    const sql = sqlForHandle(ctx.handle());
    const { run } = await workspaceWithRun(ctx);

    let plan = "";
    // Rolled back: the queued runs must not reach other tests' workers.
    await sql
      .transaction(async (tx) => {
        await copyRun(tx, run.id, 5_000, "queued", EMBEDDED_DRIVER);
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
