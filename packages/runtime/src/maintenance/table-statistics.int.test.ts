import { expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { createRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow } from "../testing/workflows";
import { analyzeGrownTables, statisticsAreOurs } from "./table-statistics";

const copyRuns = statement(
  "test_copy_runs",
  `INSERT INTO runs (id, workspace_id, workflow_id, version_id, status, trigger_kind, driver)
   SELECT gen_random_uuid(), workspace_id, workflow_id, version_id, 'succeeded', trigger_kind, driver FROM runs, generate_series(1, $1::int) WHERE runs.id = $2`,
);
const runStatistics = statement("test_run_statistics", `SELECT reltuples::int AS tuples FROM pg_class WHERE relname = 'runs' AND relnamespace = 'public'::regnamespace`);

function suite(ctx: DriverSuiteContext) {
  it("analyzes a hot table once it grew by a fifth since its statistics were taken, and plans cached while it was small are made again", async () => {
    const sql = sqlForHandle(ctx.handle());
    const user = await createUser(ctx.db());
    const workspace = await createWorkspace(ctx.db(), user.id);
    const workflow = await createWorkflow(ctx.db(), workspace.id, chain({ id: "s", type: "noop" }));
    const { run } = await createRun(ctx.handle(), { workspaceId: workspace.id, ...workflow, triggerKind: "manual", driver: "test" });

    const plans = await sql.transaction(async (tx) => {
      // A prepared statement used a few times while the table is small keeps a generic plan: a scan of the whole table.
      await tx.query(statement("test_prepare", `PREPARE test_find_runs(jsonb) AS SELECT r.id FROM runs r WHERE r.id = ANY(ARRAY(SELECT x.id FROM jsonb_to_recordset($1) AS x(id uuid)))`), []);
      for (let i = 0; i < 6; i++) await tx.query(statement(`test_execute_${i}`, `EXECUTE test_find_runs('[{"id": "${run.id}"}]')`), []);
      const plan = async () => (await tx.query<{ "QUERY PLAN": string }>(statement("test_explain", `EXPLAIN EXECUTE test_find_runs('[{"id": "${run.id}"}]')`), [])).map((row) => row["QUERY PLAN"]).join("\n");
      const small = await plan();
      await tx.query(copyRuns, [3_000, run.id]);
      const grownUnanalyzed = await plan();
      const analyzed = await analyzeGrownTables(tx);
      const grownAnalyzed = await plan();
      await tx.query(statement("test_deallocate", "DEALLOCATE test_find_runs"), []);
      return { small, grownUnanalyzed, analyzed, grownAnalyzed };
    });
    expect(plans.small).toContain("Seq Scan on runs");
    expect(plans.grownUnanalyzed).toContain("Seq Scan on runs");
    expect(plans.analyzed).toContain("runs");
    expect(plans.grownAnalyzed).toContain("runs_pkey");
    expect(plans.grownAnalyzed).not.toContain("Seq Scan");
    const [statistics] = await sql.query<{ tuples: number }>(runStatistics, []);
    expect(statistics?.tuples).toBeGreaterThanOrEqual(3_000);

    // Nothing grew much since: nothing to analyze.
    expect(await analyzeGrownTables(sql)).toEqual([]);
    await sql.query(copyRuns, [100, run.id]);
    expect(await analyzeGrownTables(sql)).toEqual([]);
  });

  it("takes statistics on itself only where no autovacuum does", async () => {
    const sql = sqlForHandle(ctx.handle());
    const [setting] = await sql.query<{ autovacuum: string }>(statement("test_autovacuum", "SELECT current_setting('autovacuum') AS autovacuum"), []);
    expect(await statisticsAreOurs(ctx.handle(), sql)).toBe(ctx.handle().driver === "pglite" || setting?.autovacuum === "off");
  });
}

describeEachDriver("table statistics where no autovacuum keeps them", suite);
