import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { waitForStatus } from "@trellis/runtime/testing";
import type { RunStatus } from "@trellis/db/schema";
import { callerFor, publishedWorkflow, rejection, runDefinitions, workspaceWithRoles } from "./testing";

type Cast = Awaited<ReturnType<typeof workspaceWithRoles>>;

describeEachDriver("runs through tRPC, executed by the embedded runtime", (ctx) => {
  let runtime: EmbeddedRuntime;
  let cast: Cast;
  let editor: ReturnType<typeof callerFor>;
  let viewer: ReturnType<typeof callerFor>;
  let workspaceId: string;

  beforeAll(async () => {
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 4, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    cast = await workspaceWithRoles(ctx.db());
    workspaceId = cast.workspace.id;
    editor = callerFor(ctx.db(), cast.editor);
    viewer = callerFor(ctx.db(), cast.viewer);
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  const settled = (runId: string, statuses: RunStatus[] = ["succeeded", "failed", "cancelled"]) =>
    waitForStatus(ctx.handle(), { workspaceId, runId }, statuses);

  it("starts a run with input validated against the trigger's schema, and reads it back with its steps", async () => {
    const { workflowId, versionId } = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting);

    const invalid = await rejection(editor.run.start({ workspaceId, workflowId, input: { nom: "Ada" } }));
    expect(invalid.code).toBe("UNPROCESSABLE_CONTENT");
    expect(Object.keys(invalid.fieldErrors ?? {})).toEqual(["input.name"]);
    const outOfRange = await rejection(editor.run.start({ workspaceId, workflowId, input: { name: "Ada" }, priority: 5_000 }));
    expect(outOfRange.code).toBe("BAD_REQUEST");
    expect(Object.keys(outOfRange.fieldErrors ?? {})).toEqual(["priority"]);

    const { run, created } = await editor.run.start({ workspaceId, workflowId, input: { name: "Ada" }, priority: 7 });
    expect(created).toBe(true);
    expect(run).toMatchObject({ workflowId, versionId, triggerKind: "api", priority: 7, input: { name: "Ada" } });
    await settled(run.id);

    const detail = await viewer.run.get({ workspaceId, runId: run.id });
    expect(detail).toMatchObject({ status: "succeeded", workflowName: "Runs under test", output: { shout: "HELLO ADA" }, pendingApprovals: [], callbackUrl: null });
    expect(detail.steps.map((s) => [s.nodeId, s.status])).toEqual([
      ["trigger", "succeeded"],
      ["greet", "succeeded"],
      ["shout", "succeeded"],
    ]);
    expect(detail.steps[1]?.output).toMatchObject({ ok: true, output: "hello Ada" });
  });

  it("returns the same run for the same idempotency key, and refuses the key for another workflow", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting);
    const first = await editor.run.start({ workspaceId, workflowId, input: { name: "once" }, idempotencyKey: "order-17" });
    const second = await editor.run.start({ workspaceId, workflowId, input: { name: "twice" }, idempotencyKey: "order-17" });
    expect(second.created).toBe(false);
    expect(second.run.id).toBe(first.run.id);
    expect(second.run.input).toEqual({ name: "once" });

    const other = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting, "Other");
    expect((await rejection(editor.run.start({ workspaceId, workflowId: other.workflowId, input: { name: "x" }, idempotencyKey: "order-17" }))).code).toBe("CONFLICT");
  });

  it("starts a batch all or none, and lists runs with filters and cursor pages", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting, "Batch");
    const refused = await rejection(editor.run.startBatch({ workspaceId, workflowId, items: [{ input: { name: "a" } }, { input: {} }] }));
    expect(refused.code).toBe("UNPROCESSABLE_CONTENT");
    expect(Object.keys(refused.fieldErrors ?? {})).toEqual(["items.1.input.name"]);
    expect((await editor.run.list({ workspaceId, workflowId })).items).toEqual([]);

    const { items } = await editor.run.startBatch({ workspaceId, workflowId, items: ["a", "b", "c", "d", "e"].map((name) => ({ input: { name } })) });
    expect(items.map((i) => i.run.input)).toEqual(["a", "b", "c", "d", "e"].map((name) => ({ name })));
    await Promise.all(items.map((i) => settled(i.run.id)));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await viewer.run.list({ workspaceId, workflowId, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(items.map((i) => i.run.id).sort());

    expect((await viewer.run.list({ workspaceId, workflowId, status: "succeeded" })).items).toHaveLength(5);
    expect((await viewer.run.list({ workspaceId, workflowId, status: "failed" })).items).toEqual([]);
    expect((await viewer.run.list({ workspaceId, workflowId, trigger: "schedule" })).items).toEqual([]);
    expect((await viewer.run.list({ workspaceId, workflowId, createdAfter: new Date(Date.now() + 60_000).toISOString() })).items).toEqual([]);
    expect((await viewer.run.list({ workspaceId, workflowId, createdBefore: new Date(Date.now() + 60_000).toISOString(), limit: 100 })).items).toHaveLength(5);
    expect((await rejection(viewer.run.list({ workspaceId, cursor: "garbage" }))).code).toBe("BAD_REQUEST");
  });

  it("cancels, pauses and resumes a sleeping run; deletes it only once finished", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.sleeper, "Sleeper");
    const paused = (await editor.run.start({ workspaceId, workflowId })).run;
    await settled(paused.id, ["sleeping"]);
    expect((await editor.run.pause({ workspaceId, runId: paused.id })).status).toBe("paused");
    expect((await editor.run.pause({ workspaceId, runId: paused.id })).status).toBe("paused");
    expect((await rejection(editor.run.delete({ workspaceId, runId: paused.id }))).code).toBe("CONFLICT");
    expect(["queued", "running", "sleeping"]).toContain((await editor.run.resume({ workspaceId, runId: paused.id })).status);
    expect((await rejection(editor.run.resume({ workspaceId, runId: paused.id }))).code).toBe("CONFLICT");
    await settled(paused.id, ["sleeping"]);

    const cancelled = await editor.run.cancel({ workspaceId, runId: paused.id });
    expect(cancelled).toMatchObject({ status: "cancelled", finishedAt: expect.any(Date) });
    expect((await rejection(editor.run.cancel({ workspaceId, runId: paused.id }))).code).toBe("CONFLICT");
    expect((await rejection(editor.run.pause({ workspaceId, runId: paused.id }))).code).toBe("CONFLICT");

    await editor.run.delete({ workspaceId, runId: paused.id });
    expect((await rejection(viewer.run.get({ workspaceId, runId: paused.id }))).code).toBe("NOT_FOUND");
  });

  it("dead-letters a failed run; retries it whole or from a node with a preview, replays and dismisses it", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.failing, "Failing");
    const start = async () => {
      const { run } = await editor.run.start({ workspaceId, workflowId });
      expect((await settled(run.id)).status).toBe("failed");
      return run.id;
    };
    const failed = await start();
    const detail = await viewer.run.get({ workspaceId, runId: failed });
    expect(detail.error).toMatchObject({ message: expect.stringContaining("boom"), nodeId: "explode" });
    expect(detail.deadLetteredAt).toBeInstanceOf(Date);
    expect((await viewer.run.deadLetters({ workspaceId, workflowId })).items.map((r) => r.id)).toEqual([failed]);

    const preview = await viewer.run.retryPreview({ workspaceId, runId: failed, nodeId: "explode" });
    expect(preview).toMatchObject({ runId: failed, nodeId: "explode", rerun: ["explode"], differingNodes: [] });
    expect(preview.reused.map((r) => r.nodeId).sort()).toEqual(["prepare", "trigger"]);
    expect((await rejection(viewer.run.retryPreview({ workspaceId, runId: failed, nodeId: "nowhere" }))).code).toBe("NOT_FOUND");

    const fromNode = await editor.run.retry({ workspaceId, runId: failed, nodeId: "explode" });
    expect(fromNode).toMatchObject({ triggerKind: "retry", attempt: 2, originRunId: failed, restartFromNodeId: "explode" });
    await settled(fromNode.id);
    const retriedSteps = (await viewer.run.get({ workspaceId, runId: fromNode.id })).steps;
    // The reused outputs were copied in, not run again.
    expect(retriedSteps.find((s) => s.nodeId === "prepare")?.output).toMatchObject({ ok: true, output: { n: 41 } });
    // A retry takes the run off the dead-letter list; the retried run failed again and is on it.
    expect((await viewer.run.deadLetters({ workspaceId, workflowId })).items.map((r) => r.id)).toEqual([fromNode.id]);

    const whole = await editor.run.retry({ workspaceId, runId: fromNode.id });
    expect(whole).toMatchObject({ triggerKind: "retry", restartFromNodeId: null });
    await settled(whole.id);

    const replayed = await editor.run.replayDeadLetter({ workspaceId, runId: whole.id });
    expect(replayed.triggerKind).toBe("replay");
    await settled(replayed.id);
    expect((await rejection(editor.run.replayDeadLetter({ workspaceId, runId: whole.id }))).code).toBe("CONFLICT");
    const dismissed = await editor.run.dismissDeadLetter({ workspaceId, runId: replayed.id });
    expect(dismissed.dismissedAt).toBeInstanceOf(Date);
    expect((await rejection(editor.run.dismissDeadLetter({ workspaceId, runId: replayed.id }))).code).toBe("CONFLICT");
    expect((await viewer.run.deadLetters({ workspaceId, workflowId })).items).toEqual([]);

    const running = (await editor.run.start({ workspaceId, workflowId: (await publishedWorkflow(editor, workspaceId, runDefinitions.sleeper)).workflowId })).run;
    expect((await rejection(editor.run.retry({ workspaceId, runId: running.id }))).code).toBe("CONFLICT");
    await editor.run.cancel({ workspaceId, runId: running.id });
  });

  it("delivers events to the runs waiting for them, matching the payload", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.payment, "Payment");
    const [a, b] = await Promise.all(["A-1", "B-2"].map(async (orderId) => (await editor.run.start({ workspaceId, workflowId, input: { orderId } })).run));
    await Promise.all([settled(a!.id, ["waiting"]), settled(b!.id, ["waiting"])]);

    expect(await editor.run.sendEvent({ workspaceId, name: "payment.received", payload: { orderId: "nobody" } })).toEqual({ runIds: [] });
    expect(await editor.run.sendEvent({ workspaceId, name: "payment.received", payload: { orderId: "A-1", amount: 12 } })).toEqual({ runIds: [a!.id] });
    expect(await settled(a!.id)).toMatchObject({ status: "succeeded", output: { confirm: "confirmed 12" } });
    expect((await viewer.run.get({ workspaceId, runId: b!.id })).status).toBe("waiting");
    await editor.run.cancel({ workspaceId, runId: b!.id });
  });

  it("approves and rejects approval steps, only by the approvers a step names", async () => {
    const open = await publishedWorkflow(editor, workspaceId, runDefinitions.approval(), "Open approval");
    const run = (await editor.run.start({ workspaceId, workflowId: open.workflowId })).run;
    await settled(run.id, ["waiting"]);
    const detail = await viewer.run.get({ workspaceId, runId: run.id });
    expect(detail.pendingApprovals).toEqual([{ stepId: "review", title: "Pay out?", instructions: null, approvers: [], expiresAt: expect.any(Date) }]);
    expect((await rejection(editor.run.decideApproval({ workspaceId, runId: run.id, stepId: "elsewhere", decision: "approved" }))).code).toBe("CONFLICT");
    await editor.run.decideApproval({ workspaceId, runId: run.id, stepId: "review", decision: "rejected", comment: "not this month" });
    expect(await settled(run.id)).toMatchObject({ status: "succeeded", output: { no: "refused" } });

    const restricted = await publishedWorkflow(editor, workspaceId, runDefinitions.approval([cast.owner.email]), "Owner approves");
    const gated = (await editor.run.start({ workspaceId, workflowId: restricted.workflowId })).run;
    await settled(gated.id, ["waiting"]);
    expect((await rejection(editor.run.decideApproval({ workspaceId, runId: gated.id, stepId: "review", decision: "approved" }))).code).toBe("FORBIDDEN");
    await callerFor(ctx.db(), cast.owner).run.decideApproval({ workspaceId, runId: gated.id, stepId: "review", decision: "approved" });
    expect(await settled(gated.id)).toMatchObject({ status: "succeeded", output: { yes: "paid" } });
  });

  it("stores a callback URL at start, refusing private addresses", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.greeting);
    const blocked = await rejection(editor.run.start({ workspaceId, workflowId, input: { name: "x" }, callbackUrl: "http://10.0.0.8/hook" }));
    expect(blocked.code).toBe("UNPROCESSABLE_CONTENT");
    expect(Object.keys(blocked.fieldErrors ?? {})).toEqual(["callbackUrl"]);
    expect((await rejection(editor.run.start({ workspaceId, workflowId, input: { name: "x" }, callbackUrl: "ftp://example.com" }))).code).toBe("BAD_REQUEST");

    const { run } = await editor.run.start({ workspaceId, workflowId, input: { name: "x" }, callbackUrl: "https://example.com/done" });
    expect((await viewer.run.get({ workspaceId, runId: run.id })).callbackUrl).toBe("https://example.com/done");
    await settled(run.id);
  });

  it("hides another workspace's runs: NOT_FOUND from every run procedure", async () => {
    const { workflowId } = await publishedWorkflow(editor, workspaceId, runDefinitions.failing, "Private");
    const { run } = await editor.run.start({ workspaceId, workflowId });
    await settled(run.id);
    const outsider = callerFor(ctx.db(), cast.outsider);
    const theirs = cast.otherWorkspace.id;
    const foreign = { workspaceId: theirs, runId: run.id };
    for (const call of [
      () => outsider.run.get(foreign),
      () => outsider.run.cancel(foreign),
      () => outsider.run.pause(foreign),
      () => outsider.run.resume(foreign),
      () => outsider.run.retry(foreign),
      () => outsider.run.retryPreview({ ...foreign, nodeId: "explode" }),
      () => outsider.run.delete(foreign),
      () => outsider.run.replayDeadLetter(foreign),
      () => outsider.run.dismissDeadLetter(foreign),
      () => outsider.run.decideApproval({ ...foreign, stepId: "review", decision: "approved" }),
      () => outsider.run.start({ workspaceId: theirs, workflowId }),
      () => outsider.run.startBatch({ workspaceId: theirs, workflowId, items: [{}] }),
    ]) {
      expect((await rejection(call())).code).toBe("NOT_FOUND");
    }
    expect((await outsider.run.list({ workspaceId: theirs })).items).toEqual([]);
    expect((await outsider.run.deadLetters({ workspaceId: theirs })).items).toEqual([]);
    expect(await outsider.run.sendEvent({ workspaceId: theirs, name: "payment.received", payload: {}, runId: run.id })).toEqual({ runIds: [] });
    expect((await viewer.run.get({ workspaceId, runId: run.id })).status).toBe("failed");
  });
});
