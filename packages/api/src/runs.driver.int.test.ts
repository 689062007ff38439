import { afterAll, beforeAll, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startRun, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { waitForStatus } from "@trellis/runtime/testing";
import { callerFor, publishedWorkflow, runDefinitions, workspaceWithRoles } from "./testing";

// Which driver ran a run, as the run views tell it (the test environment configures no Inngest, so links go to Inngest Cloud).
describeEachDriver("run views name the driver that ran the run", (ctx) => {
  let runtime: EmbeddedRuntime;
  let viewer: ReturnType<typeof callerFor>;
  let workspaceId: string;
  let workflowId: string;

  beforeAll(async () => {
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 2, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    const cast = await workspaceWithRoles(ctx.db());
    workspaceId = cast.workspace.id;
    viewer = callerFor(ctx.db(), cast.viewer);
    ({ workflowId } = await publishedWorkflow(callerFor(ctx.db(), cast.editor), workspaceId, runDefinitions.greeting, "Driver views"));
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  it("says embedded, with no Inngest link, for a run the embedded driver executed", async () => {
    const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, input: { name: "Ada" }, driver: "embedded" });
    await waitForStatus(ctx.handle(), { workspaceId, runId: run.id }, ["succeeded"]);

    const detail = await viewer.run.get({ workspaceId, runId: run.id });
    expect(detail).toMatchObject({ driver: "embedded", inngestUrl: null, status: "succeeded" });
    const listed = (await viewer.run.list({ workspaceId, workflowId })).items.find((item) => item.id === run.id);
    expect(listed?.driver).toBe("embedded");
  });

  it("says inngest and links to the function's runs until Inngest starts the run, then to the run itself", async () => {
    const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, input: { name: "Grace" }, driver: "inngest" });
    // Not picked up by the embedded worker: it belongs to Inngest.
    const queued = await viewer.run.get({ workspaceId, runId: run.id });
    expect(queued).toMatchObject({ driver: "inngest", status: "queued", inngestUrl: "https://app.inngest.com/env/production/functions/trellis-workflow-run" });
    expect((await viewer.run.list({ workspaceId, workflowId })).items.find((item) => item.id === run.id)?.driver).toBe("inngest");

    // Dispatched: external_run_id holds the start event's id, which no dashboard page opens by URL.
    await ctx.db().update(schema.runs).set({ externalRunId: "01JEVENT0000000000000000AB" }).where(eq(schema.runs.id, run.id));
    expect((await viewer.run.get({ workspaceId, runId: run.id })).inngestUrl).toBe("https://app.inngest.com/env/production/functions/trellis-workflow-run");

    // Started by the workflow-run function: external_run_id is now the Inngest run id.
    const inngestRunId = "01JRUN00000000000000000XYZ";
    await ctx.db().update(schema.runs).set({ externalRunId: inngestRunId, status: "running", startedAt: new Date() }).where(eq(schema.runs.id, run.id));
    const started = await viewer.run.get({ workspaceId, runId: run.id });
    expect(started).toMatchObject({ driver: "inngest", status: "running", inngestUrl: `https://app.inngest.com/env/production/runs/${inngestRunId}` });
  });
});
