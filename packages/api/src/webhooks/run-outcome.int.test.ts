import { afterAll, expect, it } from "vitest";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startRun } from "@trellis/runtime";
import { announceRunEvents, chain, createWorkflow } from "@trellis/runtime/testing";
import { waitForRunOutcome } from "./run-outcome";

describeEachDriver(
  "waiting for a result-mode run's outcome",
  (ctx) => {
    afterAll(async () => {
      await getRunEventBus(ctx.handle()).close();
    });

    const queuedRun = async () => {
      const user = await createUser(ctx.db());
      const workspace = await createWorkspace(ctx.db(), user.id);
      const { workflowId } = await createWorkflow(ctx.db(), workspace.id, chain({ id: "pass", type: "noop" }));
      const { run } = await startRun(ctx.db(), { workspaceId: workspace.id, workflowId, input: {} });
      return { workspaceId: workspace.id, runId: run.id };
    };

    it("takes the outcome from the notice of the process that finished the run, without reading it", async () => {
      // No worker runs: in the database the run stays queued, so only the notice can say it finished.
      const ref = await queuedRun();
      const waiting = waitForRunOutcome(ctx.handle(), ref, 5_000);
      await getRunEventBus(ctx.handle()).ready();
      const outcome = { status: "succeeded" as const, output: { route: "small" }, error: null };
      announceRunEvents([{ ...ref, eventId: Number.MAX_SAFE_INTEGER, finished: true, outcome }]);
      expect(await waiting).toEqual(outcome);
    });

    it("reads the run when a finished notice comes without its outcome (another process finished it), and gives up at the timeout", async () => {
      const ref = await queuedRun();
      const waiting = waitForRunOutcome(ctx.handle(), ref, 400);
      await getRunEventBus(ctx.handle()).ready();
      announceRunEvents([{ ...ref, eventId: Number.MAX_SAFE_INTEGER, finished: true }]);
      // The read finds the run still queued: no outcome to answer with.
      expect(await waiting).toBeNull();
    });
  },
  { drivers: ["pglite", "pg"] },
);
