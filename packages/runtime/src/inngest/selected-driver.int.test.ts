import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { PlanCache } from "../embedded/plan-cache";
import { conformanceRegistry } from "../conformance/registry";
import { replayDeadLetteredRun } from "../lifecycle/dead-letters";
import { retryFromNode, retryRun } from "../lifecycle/retry";
import { cancelRun, pauseRun, resumeRun } from "../lifecycle/run-control";
import { sendEvent } from "../lifecycle/run-events-delivery";
import { startRun } from "../lifecycle/start-run";
import { createRun, findRun, finishRun } from "../records/runs";
import { fireDueSchedules } from "../scheduler/scheduler";
import { createProbe } from "../testing/nodes";
import { chain, createWorkflow, definition, eventually, waitForStatus } from "../testing/workflows";
import { INNGEST_EVENTS } from "./events";
import { selectedDriver } from "./selection";
import { InngestHarness } from "./testing/harness";

// With Inngest configured (INNGEST_DEV, before anything reads the environment),
// the run lifecycle services themselves — not a test harness — create their
// runs on Inngest and send it the events it needs. The process's Inngest
// driver is the harness's, so the events they send are captured and the real
// workflow-run function executes the runs.
vi.hoisted(() => {
  process.env.INNGEST_DEV = "1";
});

describeEachDriver(
  "the lifecycle services with the Inngest driver selected",
  (ctx) => {
    const probe = createProbe();
    const registry = conformanceRegistry(probe);
    const planCache = new PlanCache(registry);
    let workspaceId: string;
    let harness: InngestHarness;

    beforeAll(async () => {
      const user = await createUser(ctx.db());
      workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
      harness = new InngestHarness(ctx.handle(), { registry });
      globalThis.__trellisInngestDriver = harness.driver;
    });
    afterAll(() => {
      harness?.close();
      globalThis.__trellisInngestDriver = undefined;
      delete process.env.INNGEST_DEV;
    });

    const requested = (runId: string) => harness.eventsNamed(INNGEST_EVENTS.runRequested, runId);
    const dispatched = (runId: string) => eventually(() => (requested(runId).length > 0 ? true : undefined), 5_000, `the start event of ${runId}`);

    it("is selected by the environment", () => {
      expect(selectedDriver()).toBe("inngest");
    });

    it("startRun without a driver records the run on Inngest and sends its start event once", async () => {
      const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "test.step", config: { output: "a" } }));
      const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      expect(run).toMatchObject({ driver: "inngest", status: "queued" });
      await dispatched(run.id);
      expect(requested(run.id)).toEqual([
        { id: `trellis-run-${run.id}`, name: INNGEST_EVENTS.runRequested, data: { runId: run.id, workspaceId, workflowId, priority: 0 } },
      ]);
      expect((await harness.execute(run.id)).result).toMatchObject({ status: "succeeded", output: { a: "a" } });
    });

    it("cancelRun cancels the run and its unfinished children on Inngest, and answers the cancelled record", async () => {
      const { workflowId, versionId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
      const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      const { run: child } = await createRun(ctx.handle(), { workspaceId, workflowId, versionId, triggerKind: "invoke", parentRunId: run.id, driver: "inngest" });
      const cancelled = await cancelRun(ctx.handle(), { workspaceId, runId: run.id });
      expect(cancelled.status).toBe("cancelled");
      expect((await findRun(ctx.handle(), workspaceId, child.id))?.status).toBe("cancelled");
      expect(harness.eventsNamed(INNGEST_EVENTS.runCancelled).filter((event) => [run.id, child.id].includes(String(event.data.runId)))).toEqual([
        { name: INNGEST_EVENTS.runCancelled, data: { runId: run.id, workspaceId } },
        { name: INNGEST_EVENTS.runCancelled, data: { runId: child.id, workspaceId } },
      ]);
      await dispatched(run.id);
      expect((await harness.execute(run.id)).result).toEqual({ runId: run.id, status: "cancelled" });
    });

    it("resumeRun sends the resume event a paused run's function waits for", async () => {
      const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "test.step", config: { output: "resumed" } }));
      const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      const ref = { workspaceId, runId: run.id };
      await pauseRun(ctx.handle(), ref);
      await dispatched(run.id);
      const executing = harness.execute(run.id);
      await eventually(() => (harness.calls.some((call) => call.tool === "waitForEvent" && call.id.startsWith("$resume:")) ? true : undefined));
      expect(harness.eventsNamed(INNGEST_EVENTS.runResumed, run.id)).toEqual([]);
      await resumeRun(ctx.handle(), ref);
      expect(harness.eventsNamed(INNGEST_EVENTS.runResumed, run.id)).toEqual([{ name: INNGEST_EVENTS.runResumed, data: { runId: run.id, workspaceId } }]);
      expect((await executing).result).toMatchObject({ status: "succeeded", output: { a: "resumed" } });
    });

    it("sendEvent forwards an event that resumed an Inngest run's wait, and only such events", async () => {
      const { workflowId } = await createWorkflow(
        ctx.db(),
        workspaceId,
        definition(
          [
            { id: "trigger", type: "trigger.manual" },
            { id: "paid", type: "wait.event", config: { event: "invoice.paid", timeoutMs: 600_000 } },
            { id: "after", type: "transform", config: { expression: "input.payload.amount" } },
          ],
          [
            ["trigger", "paid"],
            ["paid", "after", "out"],
          ],
        ),
      );
      const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      await dispatched(run.id);
      const executing = harness.execute(run.id);
      await waitForStatus(ctx.handle(), { workspaceId, runId: run.id }, "waiting");
      const before = harness.eventsNamed(INNGEST_EVENTS.runEvent).length;
      expect((await sendEvent(ctx.handle(), { workspaceId, name: "nobody.waits", payload: {} })).runIds).toEqual([]);
      expect(harness.eventsNamed(INNGEST_EVENTS.runEvent)).toHaveLength(before);
      expect((await sendEvent(ctx.handle(), { workspaceId, name: "invoice.paid", payload: { amount: 12 } })).runIds).toEqual([run.id]);
      expect(harness.eventsNamed(INNGEST_EVENTS.runEvent).slice(before)).toEqual([
        { name: INNGEST_EVENTS.runEvent, data: { workspaceId, name: "invoice.paid", payload: { amount: 12 }, runId: "" } },
      ]);
      expect((await executing).result).toMatchObject({ status: "succeeded", output: { after: 12 } });
    });

    it("retries, retries from a node and dead-letter replays run on Inngest", async () => {
      const { workflowId, versionId } = await createWorkflow(
        ctx.db(),
        workspaceId,
        chain({ id: "first", type: "test.step", config: { output: 1 } }, { id: "second", type: "test.step", config: { output: 2 } }),
      );
      const { run: origin } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      await dispatched(origin.id);
      expect((await harness.execute(origin.id)).result).toMatchObject({ status: "succeeded" });

      const retried = (await retryRun(ctx.handle(), { workspaceId, runId: origin.id })).run;
      expect(retried).toMatchObject({ driver: "inngest", triggerKind: "retry" });
      expect(requested(retried.id)).toHaveLength(1);
      expect((await harness.execute(retried.id)).result).toMatchObject({ status: "succeeded", output: { second: 2 } });

      const calls = probe.calls.get("first") ?? 0;
      const fromNode = (await retryFromNode(ctx.handle(), { workspaceId, runId: origin.id, nodeId: "second", planCache })).run;
      expect(fromNode).toMatchObject({ driver: "inngest", restartFromNodeId: "second" });
      expect(requested(fromNode.id)).toHaveLength(1);
      expect((await harness.execute(fromNode.id)).result).toMatchObject({ status: "succeeded", output: { second: 2 } });
      // Upstream of the retried node, the origin's journaled result was reused.
      expect(probe.calls.get("first") ?? 0).toBe(calls);

      const { run: failed } = await createRun(ctx.handle(), { workspaceId, workflowId, versionId, triggerKind: "manual", driver: "inngest" });
      await finishRun(ctx.handle(), { runId: failed.id, status: "failed", error: { name: "Error", code: "node_error", message: "boom", retryable: false, details: null } });
      const replay = (await replayDeadLetteredRun(ctx.handle(), { workspaceId, runId: failed.id })).run;
      expect(replay).toMatchObject({ driver: "inngest", triggerKind: "replay" });
      expect(requested(replay.id)).toHaveLength(1);
    });

    it("fireDueSchedules creates runs on the configured driver unless told another", async () => {
      const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
      const schedule = async () => {
        await ctx.db().delete(schema.schedules).where(eq(schema.schedules.workflowId, workflowId));
        await ctx.db().insert(schema.schedules).values({ workspaceId, workflowId, cron: "* * * * *", nextRunAt: new Date(Date.now() - 1_000) });
      };
      await schedule();
      const configured = await fireDueSchedules(ctx.handle());
      expect(configured.created.map((run) => [run.workflowId, run.driver])).toEqual([[workflowId, "inngest"]]);
      await schedule();
      const embedded = await fireDueSchedules(ctx.handle(), { driver: "embedded" });
      expect(embedded.created.map((run) => [run.workflowId, run.driver])).toEqual([[workflowId, "embedded"]]);
    });
  },
  { drivers: ["pglite", "pg"] },
);
