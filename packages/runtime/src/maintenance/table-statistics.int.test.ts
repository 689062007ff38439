import { expect, it } from "vitest";
import { describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { sqlForHandle, statement } from "../sql/sql-client";
import { copyRun, workspaceWithRun } from "../testing/run-copies";
import { analyzeGrownTables, STATISTICS_TARGET, statisticsAreOurs } from "./table-statistics";
const runStatistics = statement("test_run_statistics", `SELECT reltuples::int AS tuples FROM pg_class WHERE relname = 'runs' AND relnamespace = 'public'::regnamespace`);
// A histogram of N buckets has N + 1 bounds: the buckets show the statistics target the sample was taken with.
const idHistogram = statement(
  "test_id_histogram",
  `SELECT array_length(histogram_bounds::text::text[], 1) - 1 AS buckets FROM pg_stats WHERE schemaname = 'public' AND tablename = 'runs' AND attname = 'id'`,
);
const statisticsTarget = statement("test_statistics_target", `SELECT current_setting('default_statistics_target')::int AS target`);

function suite(ctx: DriverSuiteContext) {
  it("analyzes a hot table once it grew by a fifth since its statistics were taken, and plans cached while it was small are made again", async () => {
    const sql = sqlForHandle(ctx.handle());
    const { run } = await workspaceWithRun(ctx);

    const plans = await sql.transaction(async (tx) => {
      // A prepared statement used a few times while the table is small keeps a generic plan: a scan of the whole table.
      await tx.query(statement("test_prepare", `PREPARE test_find_runs(jsonb) AS SELECT r.id FROM runs r WHERE r.id = ANY(ARRAY(SELECT x.id FROM jsonb_to_recordset($1) AS x(id uuid)))`), []);
      for (let i = 0; i < 6; i++) await tx.query(statement(`test_execute_${i}`, `EXECUTE test_find_runs('[{"id": "${run.id}"}]')`), []);
      const plan = async () => (await tx.query<{ "QUERY PLAN": string }>(statement("test_explain", `EXPLAIN EXECUTE test_find_runs('[{"id": "${run.id}"}]')`), [])).map((row) => row["QUERY PLAN"]).join("\n");
      const small = await plan();
      await copyRun(tx, run.id, 3_000, "succeeded", "test");
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
    // The small sample, not the default one: 3,000 distinct ids would make a histogram of 100 buckets at the default target.
    const [histogram] = await sql.query<{ buckets: number }>(idHistogram, []);
    expect(histogram?.buckets).toBe(STATISTICS_TARGET);
    // The smaller target held only for the ANALYZE's transaction.
    const [setting] = await sql.query<{ target: number }>(statisticsTarget, []);
    expect(setting?.target).toBe(100);

    // Nothing grew much since: nothing to analyze.
    expect(await analyzeGrownTables(sql)).toEqual([]);
    await copyRun(sql, run.id, 100, "succeeded", "test");
    expect(await analyzeGrownTables(sql)).toEqual([]);
  });

  it("takes statistics on itself only where no autovacuum does", async () => {
    const sql = sqlForHandle(ctx.handle());
    const [setting] = await sql.query<{ autovacuum: string }>(statement("test_autovacuum", "SELECT current_setting('autovacuum') AS autovacuum"), []);
    expect(await statisticsAreOurs(ctx.handle(), sql)).toBe(ctx.handle().driver === "pglite" || setting?.autovacuum === "off");
  });
}

describeEachDriver("table statistics where no autovacuum keeps them", suite);
