import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { AppError } from "@trellis/config/errors";
import { createUser, createWorkspace, describeEachDriver, type DriverSuiteContext } from "@trellis/db/testing";
import { cancelRun, pauseRun, resumeRun } from "../lifecycle/run-control";
import { decideApproval, listPendingApprovals, sendEvent } from "../lifecycle/run-events-delivery";
import { startRun, startRuns } from "../lifecycle/start-run";
import { readJournal } from "../records/journal";
import { readRunEvents } from "../records/run-events";
import { createRun } from "../records/runs";
import { sqlForHandle, statement } from "../sql/sql-client";
import { callsOf, createProbe, gate, testRegistry } from "../testing/nodes";
import { chain, createWorkflow, definition, eventually, waitForStatus } from "../testing/workflows";
import { findLocalWorker } from "./local-workers";
import { PlanCache } from "./plan-cache";
import { runtimePerTest } from "../testing/runtime-per-test";

const probe = createProbe();
const registry = testRegistry(probe);
const planCache = new PlanCache(registry);

function suite(ctx: DriverSuiteContext) {
  let workspaceId: string;

  beforeAll(async () => {
    const user = await createUser(ctx.db());
    workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
  });

  const { start, stop } = runtimePerTest(ctx.handle, registry, { concurrency: 8 });
  const db = () => ctx.handle();
  const ref = (runId: string) => ({ workspaceId, runId });
  const run = async (workflowId: string, input: unknown = {}, extra: { idempotencyKey?: string; priority?: number } = {}) =>
    (await startRun(db(), { workspaceId, workflowId, input: input as never, planCache, ...extra })).run;
  const eventTypes = async (runId: string) => (await readRunEvents(db(), { workspaceId, runId })).map((e) => e.type);
  /** The transaction that wrote a run's row (its finish) and each of its steps' rows (xmin), steps in start order. */
  const commitsOf = async (runId: string) => {
    const [runRow] = await sqlForHandle(db()).query<{ xmin: string }>(statement("test_run_xmin", "SELECT xmin::text FROM runs WHERE id = $1"), [runId]);
    const steps = await sqlForHandle(db()).query<{ step_id: string; xmin: string; status: string }>(
      statement("test_step_xmins", "SELECT step_id, xmin::text, status FROM run_steps WHERE run_id = $1 ORDER BY started_at"),
      [runId],
    );
    return { finish: runRow?.xmin, steps, xmin: (stepId: string) => steps.find((step) => step.step_id === stepId)?.xmin };
  };

  it("hands the workspace's secrets only to runs whose version mentions them", async () => {
    const asked: boolean[] = [];
    await start({
      resolveContext: ({ usesSecrets }) => {
        asked.push(usesSecrets);
        return usesSecrets ? { secrets: { TOKEN: "s3cret-value" } } : {};
      },
    });
    const plain = await createWorkflow(ctx.db(), workspaceId, chain({ id: "one", type: "test.step", config: { output: 1 } }));
    const withSecret = await createWorkflow(ctx.db(), workspaceId, chain({ id: "one", type: "test.step", config: { output: "{{ secrets.TOKEN }}" } }));
    const a = await run(plain.workflowId);
    expect((await waitForStatus(db(), ref(a.id), ["succeeded", "failed"])).status).toBe("succeeded");
    const b = await run(withSecret.workflowId);
    const finished = await waitForStatus(db(), ref(b.id), ["succeeded", "failed"]);
    expect(finished.status).toBe("succeeded");
    expect(asked).toEqual([false, true]);
    // The secret reached the node, and its value was masked on the way out.
    expect(JSON.stringify(finished.output)).not.toContain("s3cret-value");
  });

  it("commits the last step with the run's finish, every earlier step before the next one started, and the trigger with the step after it", async () => {
    await start();
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "one", type: "test.step", config: { output: 1 } }, { id: "two", type: "test.step", config: { output: 2 } }),
    );
    const started = await run(workflowId);
    expect((await waitForStatus(db(), ref(started.id), ["succeeded", "failed"])).status).toBe("succeeded");
    // xmin names the transaction that wrote a row: the last step's row and the finished run share one.
    const { finish, steps, xmin } = await commitsOf(started.id);
    expect(steps.map((step) => [step.step_id, step.status])).toEqual([
      ["trigger", "succeeded"],
      ["one", "succeeded"],
      ["two", "succeeded"],
    ]);
    expect(xmin("two")).toBe(finish);
    // "one" committed before "two" ran; the trigger (recomputed from the committed input on a replay) rode with it.
    expect(xmin("trigger")).toBe(xmin("one"));
    expect(xmin("one")).not.toBe(finish);
    const timeline = await readRunEvents(db(), { workspaceId, runId: started.id });
    expect(timeline.filter((e) => e.type === "node.completed").map((e) => e.stepId)).toEqual(["trigger", "one", "two"]);
  });

  it("commits pure nodes' results with a later step's: before the next step that is not pure runs, or with the finish", async () => {
    await start();
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain(
        { id: "add", type: "transform", config: { expression: "trigger.x + 1" } },
        { id: "double", type: "transform", config: { expression: "input * 2" } },
        { id: "call", type: "test.step" },
        { id: "out", type: "transform", config: { expression: "nodes.call.output.input" } },
      ),
    );
    const started = await run(workflowId, { x: 41 });
    const done = await waitForStatus(db(), ref(started.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ out: 84 });
    const { finish, steps, xmin } = await commitsOf(started.id);
    expect(steps.map((step) => step.step_id)).toEqual(["trigger", "add", "double", "call", "out"]);
    // The pure results before "call" were committed together before it ran (a replay of "call" sees the same input)...
    expect(new Set([xmin("trigger"), xmin("add"), xmin("double")]).size).toBe(1);
    expect(xmin("add")).not.toBe(xmin("call"));
    // ...and "call", the pure "out" after it and the finished run share one commit.
    expect(xmin("call")).toBe(finish);
    expect(xmin("out")).toBe(finish);
    expect(callsOf(probe, "call", started.id)).toBe(1);
  });

  it("executes a workflow of pure nodes in one commit: its finish", async () => {
    await start();
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain(
        { id: "add", type: "transform", config: { expression: "trigger.x + 1" } },
        { id: "double", type: "transform", config: { expression: "input * 2" } },
        { id: "pass", type: "noop" },
      ),
    );
    const started = await run(workflowId, { x: 41 });
    expect((await waitForStatus(db(), ref(started.id), ["succeeded", "failed"])).status).toBe("succeeded");
    const { finish, steps } = await commitsOf(started.id);
    expect(steps.map((step) => [step.step_id, step.xmin])).toEqual(["trigger", "add", "double", "pass"].map((id) => [id, finish]));
    const timeline = await readRunEvents(db(), { workspaceId, runId: started.id });
    expect(timeline.filter((e) => e.type === "node.completed").map((e) => e.stepId)).toEqual(["trigger", "add", "double", "pass"]);
  });

  it("runs a workflow, journaling every step once and recording its timeline", async () => {
    await start();
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "add", type: "transform", config: { expression: "trigger.x + 1" } }, { id: "check", type: "test.step" }),
    );
    const started = await run(workflowId, { x: 41 });
    const done = await waitForStatus(db(), ref(started.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ check: { input: 42, key: `${started.id}:check` } });
    expect(callsOf(probe, "check", started.id)).toBe(1);

    const journal = await readJournal(db(), started.id);
    expect([...journal.keys()].sort()).toEqual(["add", "check", "trigger"]);
    expect([...journal.values()].every((entry) => entry.status === "succeeded")).toBe(true);

    const types = await eventTypes(started.id);
    expect(types[0]).toBe("run.queued");
    expect(types[1]).toBe("run.started");
    expect(types.at(-1)).toBe("run.succeeded");
    const completed = (await readRunEvents(db(), { workspaceId, runId: started.id })).filter((e) => e.type === "node.completed");
    expect(completed.map((e) => e.nodeId)).toEqual(["trigger", "add", "check"]);
  });

  /**
   * The state a worker SIGKILLed mid-run leaves: a run of the workflow whose
   * journal holds `journaled` (taken from a first, complete run) and whose
   * lease ran out. The runtime is stopped; `start()` resumes the run.
   */
  const crashedRun = async (workflow: { workflowId: string; versionId: string }, journaled: string[]) => {
    await start();
    const first = await run(workflow.workflowId, { n: 1 });
    await waitForStatus(db(), ref(first.id), "succeeded");
    await stop(1_000);
    const journal = await readJournal(db(), first.id);
    const { run: crashed } = await createRun(db(), {
      workspaceId,
      ...workflow,
      triggerKind: "manual",
      input: { n: 1 },
      seedSteps: journaled.map((stepId) => {
        const entry = journal.get(stepId);
        if (!entry) throw new Error(`the first run journaled no ${stepId}`);
        return { stepId, status: entry.status, output: entry.output, error: entry.error };
      }),
    });
    await sqlForHandle(ctx.handle()).query(
      statement(
        "test_crash",
        `UPDATE runs SET status = 'running', lease_owner = 'dead-worker', lease_expires_at = now() - interval '1 second', started_at = now() WHERE id = $1`,
      ),
      [crashed.id],
    );
    return { first, crashed };
  };

  it("recomputes a pure step whose result a crash lost before it was committed, from the journaled steps before it", async () => {
    const { workflowId, versionId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "s1", type: "test.step" }, { id: "wrap", type: "transform", config: { expression: '{"from": input.key}' } }, { id: "s2", type: "test.step" }),
    );
    // A worker SIGKILLed after "wrap" ran leaves s1 journaled and nothing of "wrap": its row waited for s2's start.
    const { first, crashed } = await crashedRun({ workflowId, versionId }, ["trigger", "s1"]);

    await start();
    const done = await waitForStatus(db(), ref(crashed.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(callsOf(probe, "s1", crashed.id)).toBe(0);
    expect(callsOf(probe, "s2", crashed.id)).toBe(1);
    // "wrap" was computed again from s1's journaled output (the first run's key), and s2 got that.
    expect(done.output).toEqual({ s2: { input: { from: `${first.id}:s1` }, key: `${crashed.id}:s2` } });
    expect((await readJournal(db(), crashed.id)).get("wrap")?.output).toMatchObject({ ok: true, output: { from: `${first.id}:s1` } });
  });

  it("resumes a crashed execution from its journal without calling journaled steps again", async () => {
    const { workflowId, versionId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "s1", type: "test.step" }, { id: "s2", type: "test.step" }, { id: "s3", type: "test.step" }),
    );
    // The state a worker SIGKILLed while s2 was in flight leaves: s1 journaled, the lease running out.
    const { first, crashed } = await crashedRun({ workflowId, versionId }, ["trigger", "s1"]);

    await start();
    const done = await waitForStatus(db(), ref(crashed.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(callsOf(probe, "s1", crashed.id)).toBe(0);
    expect(callsOf(probe, "s2", crashed.id)).toBe(1);
    expect(callsOf(probe, "s3", crashed.id)).toBe(1);
    // s2 and s3 read s1's journaled output (which names the first run's key), not a fresh one.
    expect(done.output).toEqual({ s3: { input: { input: { input: { n: 1 }, key: `${first.id}:s1` }, key: `${crashed.id}:s2` }, key: `${crashed.id}:s3` } });
    const types = await eventTypes(crashed.id);
    expect(types).toContain("run.lease_expired");
    expect(types).toContain("run.resumed");
  });

  /** Waits until this process's worker would take a new run itself (a free slot, no backlog it knows of). */
  const idleLocalWorker = () =>
    eventually(
      () => {
        const worker = findLocalWorker(sqlForHandle(ctx.handle()).scope);
        const held = worker?.reserve(1) ?? 0;
        worker?.release(held);
        return held > 0 ? true : undefined;
      },
      5_000,
      "an idle worker",
    );

  it("hands a new run straight to an idle worker of the process, without a claim", async () => {
    const rt = await start();
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "test.step" }));
    await idleLocalWorker();
    const started = await run(workflowId, { n: 1 });
    expect(started.status).toBe("running");
    expect((await waitForStatus(db(), ref(started.id), ["succeeded", "failed"])).status).toBe("succeeded");
    const events = await readRunEvents(db(), { workspaceId, runId: started.id });
    expect(events.slice(0, 2).map((e) => [e.type, e.data])).toEqual([
      ["run.queued", { triggerKind: "manual", priority: 0 }],
      ["run.started", { worker: rt.workerId }],
    ]);
  });

  it("hands an idle worker as many runs of a batch as it has free slots, highest priority first, and queues the rest", async () => {
    await start({ concurrency: 3 });
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "test.step" }));
    await idleLocalWorker();
    const priorities = [0, 5, 0, 9, 5, 1];
    const started = await startRuns(db(), { workspaceId, workflowId, items: priorities.map((priority, n) => ({ input: { n }, priority })), planCache });
    expect(started.map(({ run }) => [run.priority, run.status])).toEqual([
      [0, "queued"],
      [5, "running"],
      [0, "queued"],
      [9, "running"],
      [5, "running"],
      [1, "queued"],
    ]);
    for (const { run } of started) expect((await waitForStatus(db(), ref(run.id), ["succeeded", "failed"])).status).toBe("succeeded");
  });

  it("hands it over too when the run is started inside a caller's transaction (a webhook delivery's), once that commits", async () => {
    const rt = await start();
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "test.step" }));
    await idleLocalWorker();
    const started = await sqlForHandle(db()).transaction(async (tx) => (await startRun(tx, { workspaceId, workflowId, input: { n: 2 }, planCache })).run);
    expect(started.status).toBe("running");
    expect((await waitForStatus(db(), ref(started.id), ["succeeded", "failed"])).status).toBe("succeeded");
    expect((await readRunEvents(db(), { workspaceId, runId: started.id }))[1]).toMatchObject({ type: "run.started", data: { worker: rt.workerId } });
  });

  it("returns the same run for a repeated idempotency key", async () => {
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    const key = `key-${randomUUID()}`;
    const first = await startRun(db(), { workspaceId, workflowId, input: { a: 1 }, idempotencyKey: key, planCache });
    const second = await startRun(db(), { workspaceId, workflowId, input: { a: 2 }, idempotencyKey: key, planCache });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.run.id).toBe(first.run.id);
    expect(second.run.input).toEqual({ a: 1 });

    const other = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    await expect(startRun(db(), { workspaceId, workflowId: other.workflowId, idempotencyKey: key, planCache })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("keeps runs beyond a workflow's concurrency limit queued", async () => {
    await start({ concurrency: 8 });
    const door = `limit-${randomUUID()}`;
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "g", type: "test.step", config: { gate: door } }), {
      concurrencyLimit: 2,
    });
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await run(workflowId, { i }));
    await eventually(() => (gate(probe, door).waiting === 2 ? true : undefined), 10_000, "two runs at the gate");
    // Given time to claim more, the worker still holds only two.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const statuses = await Promise.all(runs.map(async (r) => (await waitForStatus(db(), ref(r.id), ["running", "queued"])).status));
    expect(statuses.filter((s) => s === "running")).toHaveLength(2);
    expect(statuses.filter((s) => s === "queued")).toHaveLength(3);
    expect(gate(probe, door).waiting).toBe(2);

    gate(probe, door).open();
    for (const r of runs) expect((await waitForStatus(db(), ref(r.id), ["succeeded", "failed"])).status).toBe("succeeded");
  });

  it("claims higher priority first, then older runs", async () => {
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    const low1 = await run(workflowId, {}, { priority: 0 });
    const high = await run(workflowId, {}, { priority: 5 });
    const low2 = await run(workflowId, {}, { priority: 0 });
    const mid = await run(workflowId, {}, { priority: 2 });
    await start({ concurrency: 1 });
    const finished = [];
    for (const r of [low1, high, low2, mid]) finished.push(await waitForStatus(db(), ref(r.id), "succeeded"));
    const order = [...finished].sort((a, b) => (a.startedAt as Date).getTime() - (b.startedAt as Date).getTime()).map((r) => r.id);
    expect(order).toEqual([high.id, mid.id, low1.id, low2.id]);
  });

  it("parks a sleeping run, frees the worker and wakes it on time", async () => {
    await start({ concurrency: 1 });
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "nap", type: "delay", config: { durationMs: 600 } }, { id: "after", type: "test.step" }));
    const began = Date.now();
    const sleeper = await run(workflowId);
    const parked = await waitForStatus(db(), ref(sleeper.id), "sleeping");
    expect(parked.wakeAt?.getTime()).toBeGreaterThan(Date.now());

    // With one slot, another run completes while the first sleeps: the sleeper holds no worker.
    const { workflowId: quick } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "s", type: "noop" }));
    const other = await run(quick);
    expect((await waitForStatus(db(), ref(other.id), "succeeded")).status).toBe("succeeded");
    expect((await waitForStatus(db(), ref(sleeper.id), ["sleeping", "queued", "running", "succeeded"])).status).not.toBe("failed");

    const done = await waitForStatus(db(), ref(sleeper.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(Date.now() - began).toBeGreaterThanOrEqual(600);
    expect((await readJournal(db(), sleeper.id)).get("nap:sleep")?.status).toBe("succeeded");
    const events = await readRunEvents(db(), { workspaceId, runId: sleeper.id });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["run.sleeping", "run.resumed", "run.succeeded"]));
    // Parking is not a failure: the delay node completes once and is never retried.
    expect(events.filter((e) => e.nodeId === "nap").map((e) => e.type)).toEqual(["node.waiting", "node.completed"]);
  });

  it("parks a retry back-off and runs the next attempt", async () => {
    await start();
    const def = chain({ id: "flaky", type: "test.step", config: { failAttempts: 1 }, retry: { maxAttempts: 3, initialDelayMs: 400, maxDelayMs: 400, backoffFactor: 1 } });
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, def);
    const flaky = await run(workflowId);
    const done = await waitForStatus(db(), ref(flaky.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    const journal = await readJournal(db(), flaky.id);
    expect(journal.get("flaky")?.status).toBe("failed");
    expect(journal.get("flaky#2:backoff")?.status).toBe("succeeded");
    expect(journal.get("flaky#2")?.status).toBe("succeeded");
    expect(await eventTypes(flaky.id)).toEqual(expect.arrayContaining(["node.failed", "node.retrying", "node.completed"]));
  });

  it("waits for a matching event, and takes the timeout branch when none comes", async () => {
    await start();
    const waitDef = (timeoutMs: number) =>
      definition(
        [
          { id: "trigger", type: "trigger.manual" },
          { id: "paid", type: "wait.event", config: { event: "order.paid", match: { orderId: "{{ trigger.orderId }}" }, timeoutMs } },
          { id: "ship", type: "test.step" },
          { id: "chase", type: "test.step" },
        ],
        [
          ["trigger", "paid"],
          ["paid", "ship", "out"],
          ["paid", "chase", "timeout"],
        ],
      );
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, waitDef(60_000));
    const order = await run(workflowId, { orderId: "A-1" });
    await waitForStatus(db(), ref(order.id), "waiting");
    expect((await sendEvent(db(), { workspaceId, name: "order.paid", payload: { orderId: "B-2" } })).runIds).toEqual([]);
    expect((await sendEvent(db(), { workspaceId, name: "order.paid", payload: { orderId: "A-1", amount: 5 } })).runIds).toEqual([order.id]);
    const paid = await waitForStatus(db(), ref(order.id), ["succeeded", "failed"]);
    expect(paid.output).toEqual({ ship: { input: { received: true, payload: { orderId: "A-1", amount: 5 } }, key: `${order.id}:ship` } });

    const { workflowId: short } = await createWorkflow(ctx.db(), workspaceId, waitDef(300));
    const unpaid = await run(short, { orderId: "C-3" });
    const timedOut = await waitForStatus(db(), ref(unpaid.id), ["succeeded", "failed"]);
    expect(Object.keys(timedOut.output as object)).toEqual(["chase"]);
    expect(callsOf(probe, "ship", unpaid.id)).toBe(0);
    // A late event finds nobody waiting.
    expect((await sendEvent(db(), { workspaceId, name: "order.paid", payload: { orderId: "C-3" } })).runIds).toEqual([]);
  });

  it("waits for an approval and follows the decision", async () => {
    await start();
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      definition(
        [
          { id: "trigger", type: "trigger.manual" },
          { id: "review", type: "approval", config: { title: "Ship it?", approvers: ["alice"] } },
          { id: "ship", type: "test.step" },
          { id: "drop", type: "test.step" },
        ],
        [
          ["trigger", "review"],
          ["review", "ship", "approved"],
          ["review", "drop", "rejected"],
        ],
      ),
    );
    const approved = await run(workflowId);
    await waitForStatus(db(), ref(approved.id), "waiting");
    expect(await listPendingApprovals(db(), ref(approved.id))).toEqual([
      expect.objectContaining({ stepId: "review", title: "Ship it?", approvers: ["alice"] }),
    ]);
    await expect(decideApproval(db(), { ...ref(approved.id), stepId: "review", decision: "approved", by: "bob" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await decideApproval(db(), { ...ref(approved.id), stepId: "review", decision: "approved", by: "alice", comment: "go" });
    const shipped = await waitForStatus(db(), ref(approved.id), ["succeeded", "failed"]);
    expect(Object.keys(shipped.output as object)).toEqual(["ship"]);
    expect((await readJournal(db(), approved.id)).get("review:wait")?.output).toMatchObject({ decision: "approved", by: "alice" });
    await expect(decideApproval(db(), { ...ref(approved.id), stepId: "review", decision: "approved", by: "alice" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    const rejected = await run(workflowId);
    await waitForStatus(db(), ref(rejected.id), "waiting");
    await decideApproval(db(), { ...ref(rejected.id), stepId: "review", decision: "rejected", by: "alice" });
    const dropped = await waitForStatus(db(), ref(rejected.id), ["succeeded", "failed"]);
    expect(Object.keys(dropped.output as object)).toEqual(["drop"]);
  });

  it("invokes a child workflow and uses its output, and fails when the child fails", async () => {
    await start();
    const child = await createWorkflow(ctx.db(), workspaceId, chain({ id: "double", type: "transform", config: { expression: "trigger.n * 2" } }));
    const parent = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "call", type: "workflow.invoke", config: { workflowId: child.workflowId, input: { n: "{{ trigger.n }}" } } }, { id: "after", type: "noop" }),
    );
    const invoking = await run(parent.workflowId, { n: 21 });
    const done = await waitForStatus(db(), ref(invoking.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(done.output).toEqual({ after: { double: 42 } });
    const childStep = (await readJournal(db(), invoking.id)).get("call:invoke");
    expect(childStep?.output).toEqual({ double: 42 });

    const failingChild = await createWorkflow(ctx.db(), workspaceId, chain({ id: "boom", type: "test.step" }));
    const parent2 = await createWorkflow(ctx.db(), workspaceId, chain({ id: "call", type: "workflow.invoke", config: { workflowId: failingChild.workflowId } }));
    probe.failing.add("boom");
    try {
      const failing = await run(parent2.workflowId);
      const failed = await waitForStatus(db(), ref(failing.id), ["succeeded", "failed"]);
      expect(failed.status).toBe("failed");
      expect(failed.error).toMatchObject({ code: "invoke_failed", nodeId: "call" });
    } finally {
      probe.failing.delete("boom");
    }
  });

  it("cancels a run mid-step: the step is aborted and nothing after it runs", async () => {
    await start();
    const door = `cancel-${randomUUID()}`;
    const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "slow", type: "test.step", config: { gate: door } }, { id: "after", type: "test.step" }));
    const victim = await run(workflowId);
    await eventually(() => (gate(probe, door).waiting === 1 ? true : undefined), 10_000, "the run at the gate");
    const requested = await cancelRun(db(), ref(victim.id));
    expect(requested.cancelRequestedAt).not.toBeNull();
    const cancelled = await waitForStatus(db(), ref(victim.id), ["cancelled", "succeeded", "failed"]);
    expect(cancelled.status).toBe("cancelled");
    expect(callsOf(probe, "after", victim.id)).toBe(0);
    expect((await readJournal(db(), victim.id)).has("slow")).toBe(false);
    await expect(cancelRun(db(), ref(victim.id))).rejects.toMatchObject({ code: "CONFLICT" });

    // A parked run is cancelled at once.
    const { workflowId: sleepy } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "nap", type: "delay", config: { durationMs: 60_000 } }));
    const sleeper = await run(sleepy);
    await waitForStatus(db(), ref(sleeper.id), "sleeping");
    const gone = await cancelRun(db(), ref(sleeper.id));
    expect(gone.status).toBe("cancelled");
    expect(gone.wakeAt).toBeNull();
  });

  it("pauses between steps (the step in flight finishes) and resumes where it stopped", async () => {
    await start();
    const door = `pause-${randomUUID()}`;
    const { workflowId } = await createWorkflow(
      ctx.db(),
      workspaceId,
      chain({ id: "first", type: "test.step", config: { gate: door } }, { id: "second", type: "test.step" }),
    );
    const paused = await run(workflowId);
    await eventually(() => (gate(probe, door).waiting === 1 ? true : undefined), 10_000, "the run at the gate");
    const requested = await pauseRun(db(), ref(paused.id));
    expect(requested.pauseRequestedAt).not.toBeNull();
    gate(probe, door).open();
    await waitForStatus(db(), ref(paused.id), "paused");
    expect((await readJournal(db(), paused.id)).get("first")?.status).toBe("succeeded");
    expect(callsOf(probe, "second", paused.id)).toBe(0);
    await expect(resumeRun(db(), { workspaceId, runId: randomUUID() })).rejects.toBeInstanceOf(AppError);

    await resumeRun(db(), ref(paused.id));
    const done = await waitForStatus(db(), ref(paused.id), ["succeeded", "failed"]);
    expect(done.status).toBe("succeeded");
    expect(callsOf(probe, "first", paused.id)).toBe(1);
    expect(callsOf(probe, "second", paused.id)).toBe(1);
    expect(await eventTypes(paused.id)).toEqual(expect.arrayContaining(["run.pause_requested", "run.paused", "run.resume_requested", "run.resumed"]));
  });
}

describeEachDriver("embedded driver", suite, { drivers: ["pglite", "pg"] });

// The Neon serverless driver (through the local WebSocket proxy): the same statements, prepared over a WebSocket.
describeEachDriver(
  "embedded driver",
  (ctx) => {
    const { start } = runtimePerTest(ctx.handle, registry);

    it("runs, parks and wakes a workflow", async () => {
      const user = await createUser(ctx.db());
      const workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
      await start();
      const { workflowId } = await createWorkflow(
        ctx.db(),
        workspaceId,
        chain({ id: "nap", type: "delay", config: { durationMs: 300 } }, { id: "s", type: "test.step", config: { output: "done" } }),
      );
      const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
      const done = await waitForStatus(ctx.handle(), { workspaceId, runId: run.id }, ["succeeded", "failed"]);
      expect(done.output).toEqual({ s: "done" });
      expect((await readRunEvents(ctx.handle(), { workspaceId, runId: run.id })).map((e) => e.type)).toContain("run.sleeping");
    });
  },
  { drivers: ["neon"] },
);
