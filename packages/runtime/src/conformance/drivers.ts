import type { DatabaseHandle } from "@trellis/db";
import type { PlanCache } from "../embedded/plan-cache";
import type { InngestHarness } from "../inngest/testing/harness";
import { cancelRun, pauseRun, resumeRun } from "../lifecycle/run-control";
import { decideApproval, listPendingApprovals, sendEvent } from "../lifecycle/run-events-delivery";
import { startRun } from "../lifecycle/start-run";
import { readJournal } from "../records/journal";
import { isFinished, runColumns, toRunRecord, type RunRecord, type RunRow } from "../records/run-record";
import { readRunEvents } from "../records/run-events";
import { gate, type Probe } from "../testing/nodes";
import { createWorkflow, eventually, waitForRun, waitForStatus } from "../testing/workflows";
import { statement, toSql } from "../sql/sql-client";
import type { Drive, Fixture, Observation } from "./fixtures";
import { resetProbe } from "./registry";

export type ConformanceDriverName = "embedded" | "inngest";

/** Everything a fixture runs against: one database, one workspace, the embedded runtime already started on it. */
export interface ConformanceEnv {
  handle: DatabaseHandle;
  workspaceId: string;
  probe: Probe;
  /** Compiles with the conformance node types (validating a start needs them). */
  planCache: PlanCache;
  harness: InngestHarness;
}

const childrenStatement = statement(
  "conformance_child_runs",
  `SELECT ${runColumns("runs")} FROM runs WHERE parent_run_id = $1 ORDER BY created_at`,
);

/** Reads back what a run left in the records, normalised for comparison across drivers. */
export async function observe(handle: DatabaseHandle, run: RunRecord): Promise<Observation> {
  const journal = await readJournal(handle, run.id);
  const events = await readRunEvents(handle, { workspaceId: run.workspaceId, runId: run.id });
  const children = await toSql(handle).query<RunRow>(childrenStatement, [run.id]);
  return {
    run,
    steps: Object.fromEntries([...journal].map(([stepId, entry]) => [stepId, entry.status])),
    runEvents: events.filter((event) => event.type.startsWith("run.")).map((event) => event.type),
    nodeEvents: events
      // Logs and start entries are left out: whether a start entry is written depends on how long the step took.
      .filter((event) => event.type.startsWith("node.") && event.type !== "node.log" && event.type !== "node.started")
      .map((event) => `${event.type} ${event.stepId ?? ""}`)
      .sort(),
    children: children.map(toRunRecord),
  };
}

/**
 * Runs one fixture on one driver to its end: creates its workflows, starts
 * the run the way that driver's runs are started, lets the fixture steer it
 * with the same lifecycle services, and observes the records.
 */
export async function runFixture(env: ConformanceEnv, driver: ConformanceDriverName, fixture: Fixture): Promise<Observation> {
  const { handle, workspaceId, probe, harness } = env;
  resetProbe(probe);
  const ids: Record<string, string> = {};
  for (const [name, workflow] of Object.entries(fixture.dependencies ?? {})) {
    ids[name] = (await createWorkflow(handle.db, workspaceId, workflow, { name })).workflowId;
  }
  const { workflowId } = await createWorkflow(handle.db, workspaceId, fixture.workflow(ids), { name: fixture.name });
  const start = { workspaceId, workflowId, input: fixture.input ?? null, planCache: env.planCache };
  const { run } = driver === "embedded" ? await startRun(handle, start) : await harness.driver.startRun(handle, start);
  const ref = { workspaceId, runId: run.id };

  const drive: Drive = {
    runId: run.id,
    workspaceId,
    probe,
    waitForStatus: (status) => waitForStatus(handle, ref, status, 15_000),
    async atGate(name) {
      await eventually(() => (gate(probe, name).waiting > 0 ? true : undefined), 15_000, `a step waiting at gate "${name}"`);
      return () => gate(probe, name).open();
    },
    async inTimeline(type, stepId) {
      await eventually(
        async () => ((await readRunEvents(handle, ref)).some((event) => event.type === type && event.stepId === stepId) ? true : undefined),
        15_000,
        `a ${type} entry for ${stepId}`,
      );
    },
    sendEvent: (name, payload) => (driver === "embedded" ? sendEvent(handle, { workspaceId, name, payload }) : harness.sendEvent({ workspaceId, name, payload })),
    pendingApprovals: () => listPendingApprovals(handle, ref),
    async decide(stepId, decision, by) {
      const input = { ...ref, stepId, decision, ...(by === undefined ? {} : { by }) };
      if (driver === "embedded") await decideApproval(handle, input);
      else await harness.decideApproval(input);
    },
    cancel: () => (driver === "embedded" ? cancelRun(handle, ref) : harness.cancel(ref)),
    pause: () => pauseRun(handle, ref),
    resume: () => (driver === "embedded" ? resumeRun(handle, ref) : harness.resume(ref)),
  };

  // The Inngest run executes in this process (InngestTestEngine) while the fixture steers it, as the embedded worker does.
  const executing = driver === "inngest" ? harness.execute(run.id, fixture.inngest) : Promise.resolve(undefined);
  await Promise.all([fixture.drive?.(drive), executing]);
  const finished = await waitForRun(handle, ref, (current) => isFinished(current.status), 20_000);
  return observe(handle, finished);
}
