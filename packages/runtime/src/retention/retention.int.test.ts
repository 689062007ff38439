import { beforeAll, expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { writeJournal } from "../records/journal";
import { createRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { chain, createWorkflow } from "../testing/workflows";
import { deleteExpiredRuns } from "./retention";

const age = statement(
  "test_age_run",
  `UPDATE runs SET status = $2::run_status, created_at = now() - make_interval(days => $3), finished_at = CASE WHEN $2::run_status IN ('succeeded', 'failed', 'cancelled') THEN now() - make_interval(days => $3) END WHERE id = $1`,
);
const counts = statement(
  "test_run_rows",
  `SELECT (SELECT count(*) FROM runs WHERE id = $1) AS runs, (SELECT count(*) FROM run_steps WHERE run_id = $1) AS steps, (SELECT count(*) FROM run_events WHERE run_id = $1) AS events`,
);

function suite(ctx: DriverSuiteContext) {
  let monthly: { id: string; workflow: { workflowId: string; versionId: string } };
  let daily: { id: string; workflow: { workflowId: string; versionId: string } };
  beforeAll(async () => {
    const user = await createUser(ctx.db());
    const a = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 30 });
    const b = await createWorkspace(ctx.db(), user.id, { runRetentionDays: 1 });
    monthly = { id: a.id, workflow: await createWorkflow(ctx.db(), a.id, chain({ id: "s", type: "noop" })) };
    daily = { id: b.id, workflow: await createWorkflow(ctx.db(), b.id, chain({ id: "s", type: "noop" })) };
  });

  const aged = async (workspace: typeof monthly, status: string, days: number) => {
    const { run } = await createRun(ctx.handle(), { workspaceId: workspace.id, ...workspace.workflow, triggerKind: "manual", driver: "test" });
    await writeJournal(ctx.handle(), { steps: [{ runId: run.id, stepId: "s", status: "succeeded", output: 1 }], events: [{ runId: run.id, type: "node.completed" }] });
    await sqlForHandle(ctx.handle()).query(age, [run.id, status, days]);
    return run.id;
  };
  const rows = async (runId: string) => {
    const [row] = await sqlForHandle(ctx.handle()).query<{ runs: unknown; steps: unknown; events: unknown }>(counts, [runId]);
    return [Number(row?.runs), Number(row?.steps), Number(row?.events)];
  };

  it("deletes finished runs past their workspace's retention, with their steps and events", async () => {
    const expired = [await aged(monthly, "succeeded", 40), await aged(monthly, "failed", 31), await aged(daily, "cancelled", 2)];
    const kept = [await aged(monthly, "succeeded", 10), await aged(daily, "succeeded", 0), await aged(monthly, "running", 90), await aged(daily, "sleeping", 5)];
    // A small batch size makes the job go round more than once.
    const deleted = await deleteExpiredRuns(ctx.handle(), { batchSize: 2 });
    expect(deleted).toBe(3);
    for (const runId of expired) expect(await rows(runId)).toEqual([0, 0, 0]);
    for (const runId of kept) expect((await rows(runId))[0]).toBe(1);
    expect(await rows(kept[0] as string)).toEqual([1, 1, 2]);
    expect(await deleteExpiredRuns(ctx.handle())).toBe(0);
  });
}

describeEachDriver("run retention", suite, { drivers: ["pglite", "pg"] });
