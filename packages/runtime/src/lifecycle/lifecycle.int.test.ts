import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { PlanCache } from "../embedded/plan-cache";
import { startEmbeddedRuntime, type EmbeddedRuntime } from "../embedded/runtime";
import { readJournal } from "../records/journal";
import { readRunEvents } from "../records/run-events";
import { sqlForHandle, statement } from "../sql/sql-client";
import { callsOf, createProbe, testRegistry } from "../testing/nodes";
import { chain, createWorkflow, definition, publishVersion, waitForStatus } from "../testing/workflows";
import { dismissDeadLetteredRun, listDeadLetteredRuns, replayDeadLetteredRun } from "./dead-letters";
import { previewRetryFromNode, retryFromNode, retryRun } from "./retry";
import { cancelRun, deleteRun, pauseRun, resumeRun } from "./run-control";
import { decideApproval, listPendingApprovals } from "./run-events-delivery";
import { getRunOrThrow } from "./run-loader";
import { startRun, startRuns } from "./start-run";

const probe = createProbe();
const registry = testRegistry(probe);
const planCache = new PlanCache(registry);

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;
  let otherWorkspaceId: string;
  let runtime: EmbeddedRuntime;

  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
    otherWorkspaceId = (await createWorkspace(ctx.db(), user.id)).id;
    runtime = await startEmbeddedRuntime({
      handle: ctx.handle(),
      registry,
      concurrency: 8,
      leaseMs: 2_000,
      pollIntervalMs: 200,
      scheduler: false,
      retention: false,
    });
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 2_000 });
  });

  const db = () => ctx.handle();
  const ref = (runId: string) => ({ workspaceId, runId });
  const finished = (runId: string) => waitForStatus(db(), ref(runId), ["succeeded", "failed", "cancelled"]);
  const failedRun = async (nodeId: string) => {
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: nodeId, type: "test.step" }));
    probe.failing.add(nodeId);
    try {
      const { run } = await startRun(db(), { workspaceId, workflowId, input: { n: 1 }, planCache });
      expect((await finished(run.id)).status).toBe("failed");
      return run;
    } finally {
      probe.failing.delete(nodeId);
    }
  };

  it("starts runs on the latest version, validating input against the trigger's schema", async () => {
    const inputSchema = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
    const nodes = [{ id: "trigger", type: "trigger.manual", config: { inputSchema } }, { id: "s", type: "noop" }];
    const { workflowId, versionId } = await createWorkflow(ctx.db(), workspaceId, definition(nodes, [["trigger", "s"]]));

    const invalid = await startRun(db(), { workspaceId, workflowId, input: {} }).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ code: "UNPROCESSABLE_CONTENT" });
    expect(Object.keys((invalid as { fieldErrors: object }).fieldErrors)).toEqual(["input.name"]);

    const v2 = await publishVersion(ctx.db(), workflowId, definition([{ id: "trigger", type: "trigger.manual" }, { id: "t", type: "noop" }], [["trigger", "t"]]));
    const latest = await startRun(db(), { workspaceId, workflowId, input: { anything: true } });
    expect(latest.run.versionId).toBe(v2);
    const pinned = await startRun(db(), { workspaceId, workflowId, versionId, input: { name: "Ada" }, priority: 3 });
    expect(pinned.run).toMatchObject({ versionId, priority: 3, triggerKind: "manual" });
    // Queued, or already handed to this process's idle worker.
    expect(["queued", "running"]).toContain(pinned.run.status);
    expect((await finished(pinned.run.id)).output).toEqual({ s: { name: "Ada" } });

    // A caller that has just read the latest version (webhook ingress) passes it; the input is still validated against it.
    const hinted = await startRun(db(), { workspaceId, workflowId, input: { name: "Grace" }, latest: { versionId, concurrencyLimit: null } });
    expect(hinted.run.versionId).toBe(versionId);
    await expect(startRun(db(), { workspaceId, workflowId, input: {}, latest: { versionId, concurrencyLimit: null } })).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
    });

    const batch = await startRuns(db(), { workspaceId, workflowId, items: [{ input: { a: 1 } }, { input: { a: 2 }, priority: 1 }] });
    expect(batch.map((c) => [c.created, c.run.input])).toEqual([
      [true, { a: 1 }],
      [true, { a: 2 }],
    ]);
    await expect(startRun(db(), { workspaceId, workflowId, priority: 5_000 })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const [unpublished] = await ctx.db().insert(schema.workflows).values({ workspaceId, name: "Draft only", draft: {} }).returning();
    await expect(startRun(db(), { workspaceId, workflowId: unpublished?.id as string })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(startRun(db(), { workspaceId: otherWorkspaceId, workflowId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(startRun(db(), { workspaceId, workflowId: "not-a-uuid" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("answers NOT_FOUND for another workspace's run from every service", async () => {
    const run = await failedRun("isolated");
    const foreign = { workspaceId: otherWorkspaceId, runId: run.id };
    const calls: (() => Promise<unknown>)[] = [
      () => getRunOrThrow(db(), foreign),
      () => cancelRun(db(), foreign),
      () => pauseRun(db(), foreign),
      () => resumeRun(db(), foreign),
      () => retryRun(db(), foreign),
      () => retryFromNode(db(), { ...foreign, nodeId: "isolated", planCache }),
      () => previewRetryFromNode(db(), { ...foreign, nodeId: "isolated", planCache }),
      () => deleteRun(db(), foreign),
      () => listPendingApprovals(db(), foreign),
      () => decideApproval(db(), { ...foreign, stepId: "x", decision: "approved" }),
      () => replayDeadLetteredRun(db(), foreign),
      () => dismissDeadLetteredRun(db(), foreign),
      () => getRunOrThrow(db(), { workspaceId, runId: "42" }),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await listDeadLetteredRuns(db(), { workspaceId: otherWorkspaceId })).items).toEqual([]);
  });

  it("retries a finished run as a whole", async () => {
    const failed = await failedRun("wholeRetry");
    const { run: retried, created } = await retryRun(db(), ref(failed.id));
    expect(created).toBe(true);
    expect(retried).toMatchObject({ triggerKind: "retry", attempt: 2, versionId: failed.versionId, input: { n: 1 }, originRunId: null });
    expect((await finished(retried.id)).status).toBe("succeeded");
    expect((await getRunOrThrow(db(), ref(failed.id))).dismissedAt).not.toBeNull();
    const events = await readRunEvents(db(), { workspaceId, runId: failed.id });
    expect(events.at(-1)).toMatchObject({ type: "run.retried", data: { newRunId: retried.id } });

    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "nap", type: "delay", config: { durationMs: 60_000 } }));
    const { run: sleeping } = await startRun(db(), { workspaceId, workflowId });
    await waitForStatus(db(), ref(sleeping.id), "sleeping");
    await expect(retryRun(db(), ref(sleeping.id))).rejects.toMatchObject({ code: "CONFLICT" });
    await cancelRun(db(), ref(sleeping.id));
  });

  it("retries from a failed node: previews, reuses upstream results, re-runs the rest with the origin's idempotency keys", async () => {
    const def = definition(
      [
        { id: "trigger", type: "trigger.manual" },
        { id: "fetch", type: "test.step" },
        { id: "charge", type: "test.step" },
        { id: "notify", type: "test.step" },
        { id: "audit", type: "test.step" },
      ],
      [
        ["trigger", "fetch"],
        ["fetch", "charge"],
        ["charge", "notify"],
        ["trigger", "audit"],
      ],
    );
    const { workflowId, versionId } = await createWorkflow(ctx.db(), workspaceId, def);
    probe.failing.add("charge");
    const { run: origin } = await startRun(db(), { workspaceId, workflowId, input: { order: 7 }, planCache });
    expect((await finished(origin.id)).status).toBe("failed");
    probe.failing.delete("charge");

    const preview = await previewRetryFromNode(db(), { ...ref(origin.id), nodeId: "charge", planCache });
    expect(preview).toMatchObject({ runId: origin.id, nodeId: "charge", versionId, differingNodes: [] });
    expect([...preview.rerun].sort()).toEqual(["audit", "charge", "notify"]);
    expect([...preview.reused].sort((a, b) => a.nodeId.localeCompare(b.nodeId))).toEqual([
      { nodeId: "fetch", stepIds: ["fetch"] },
      { nodeId: "trigger", stepIds: ["trigger"] },
    ]);

    const { run: retried } = await retryFromNode(db(), { ...ref(origin.id), nodeId: "charge", planCache });
    expect(retried).toMatchObject({ originRunId: origin.id, restartFromNodeId: "charge", triggerKind: "retry", versionId });
    const done = await finished(retried.id);
    expect(done.status).toBe("succeeded");
    expect(callsOf(probe, "fetch", retried.id)).toBe(0);
    expect(callsOf(probe, "charge", retried.id)).toBe(1);
    expect(callsOf(probe, "notify", retried.id)).toBe(1);
    expect(callsOf(probe, "audit", retried.id)).toBe(1);
    // Re-executed steps send the origin run's keys, so a downstream API dedupes a call that succeeded before.
    expect(probe.keys.get(`${retried.id}:charge`)).toBe(`${origin.id}:charge`);
    const journal = await readJournal(db(), retried.id);
    expect(journal.get("fetch")?.output).toEqual((await readJournal(db(), origin.id)).get("fetch")?.output);
  });

  it("retries from a node on the latest version only while the nodes upstream are unchanged", async () => {
    const base = (fetchOutput: unknown, notifyOutput: unknown) =>
      chain(
        { id: "fetch2", type: "test.step", config: { output: fetchOutput as never } },
        { id: "charge2", type: "test.step" },
        { id: "notify2", type: "test.step", config: { output: notifyOutput as never } },
      );
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, base(1, 1));
    probe.failing.add("charge2");
    const { run: origin } = await startRun(db(), { workspaceId, workflowId, planCache });
    expect((await finished(origin.id)).status).toBe("failed");
    probe.failing.delete("charge2");

    await publishVersion(ctx.db(), workflowId, base(2, 1));
    const blocked = await previewRetryFromNode(db(), { ...ref(origin.id), nodeId: "charge2", version: "latest", planCache });
    expect(blocked.differingNodes).toEqual(["fetch2"]);
    await expect(retryFromNode(db(), { ...ref(origin.id), nodeId: "charge2", version: "latest", planCache })).rejects.toThrow(/fetch2/);

    const v3 = await publishVersion(ctx.db(), workflowId, base(1, 3));
    const { run: onLatest } = await retryFromNode(db(), { ...ref(origin.id), nodeId: "charge2", version: "latest", planCache });
    expect(onLatest.versionId).toBe(v3);
    expect((await finished(onLatest.id)).output).toEqual({ notify2: 3 });
    expect(callsOf(probe, "fetch2", onLatest.id)).toBe(0);

    await expect(retryFromNode(db(), { ...ref(origin.id), nodeId: "nowhere", planCache })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("lists dead-lettered runs until they are replayed or dismissed", async () => {
    const first = await failedRun("deadA");
    const second = await failedRun("deadB");
    const page1 = await listDeadLetteredRuns(db(), { workspaceId, limit: 1 });
    expect(page1.items.map((r) => r.id)).toEqual([second.id]);
    expect(page1.nextCursor).not.toBeNull();
    const all = await listDeadLetteredRuns(db(), { workspaceId, limit: 200 });
    expect(all.items.map((r) => r.id)).toContain(first.id);
    const page2 = await listDeadLetteredRuns(db(), { workspaceId, limit: 1, cursor: page1.nextCursor as string });
    expect(page2.items.map((r) => r.id)).not.toContain(second.id);

    const dismissed = await dismissDeadLetteredRun(db(), ref(first.id));
    expect(dismissed.dismissedAt).not.toBeNull();
    await expect(dismissDeadLetteredRun(db(), ref(first.id))).rejects.toMatchObject({ code: "CONFLICT" });

    const { run: replay } = await replayDeadLetteredRun(db(), ref(second.id));
    expect(replay).toMatchObject({ triggerKind: "replay", attempt: 2 });
    expect((await finished(replay.id)).status).toBe("succeeded");
    await expect(replayDeadLetteredRun(db(), ref(replay.id))).rejects.toMatchObject({ code: "CONFLICT" });

    const remaining = (await listDeadLetteredRuns(db(), { workspaceId, limit: 200 })).items.map((r) => r.id);
    expect(remaining).not.toContain(first.id);
    expect(remaining).not.toContain(second.id);
  });

  it("deletes a finished run with its steps and timeline, and refuses one in progress", async () => {
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    const { run } = await startRun(db(), { workspaceId, workflowId });
    expect((await finished(run.id)).status).toBe("succeeded");
    await deleteRun(db(), ref(run.id));
    await expect(getRunOrThrow(db(), ref(run.id))).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [left] = await sqlForHandle(ctx.handle()).query<{ steps: string; events: string }>(
      statement("test_left_rows", "SELECT (SELECT count(*) FROM run_steps WHERE run_id = $1) AS steps, (SELECT count(*) FROM run_events WHERE run_id = $1) AS events"),
      [run.id],
    );
    expect([Number(left?.steps), Number(left?.events)]).toEqual([0, 0]);

    const { workflowId: sleepy } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "nap", type: "delay", config: { durationMs: 60_000 } }));
    const { run: sleeping } = await startRun(db(), { workspaceId, workflowId: sleepy });
    await waitForStatus(db(), ref(sleeping.id), "sleeping");
    await expect(deleteRun(db(), ref(sleeping.id))).rejects.toMatchObject({ code: "CONFLICT" });
    await cancelRun(db(), ref(sleeping.id));
    await deleteRun(db(), ref(sleeping.id));
    await expect(deleteRun(db(), { workspaceId, runId: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
}

describeEachDriver("run lifecycle", suite, { drivers: ["pglite", "pg"] });
