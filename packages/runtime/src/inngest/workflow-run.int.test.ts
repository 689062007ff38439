import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { schema } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { approvalEventName, backoffDelay } from "@trellis/engine";
import { PlanCache } from "../embedded/plan-cache";
import { pauseRun, resumeRun } from "../lifecycle/run-control";
import { sendEvent } from "../lifecycle/run-events-delivery";
import { startRun } from "../lifecycle/start-run";
import { readJournal } from "../records/journal";
import { readRunEvents } from "../records/run-events";
import { findRun } from "../records/runs";
import { createProbe, gate } from "../testing/nodes";
import { chain, createWorkflow, definition, eventually, waitForStatus } from "../testing/workflows";
import { conformanceRegistry, resetProbe } from "../conformance/registry";
import { runRequestedEvent } from "./dispatch";
import { createInngestClient, createInngestDriver } from "./driver";
import { SCHEDULES_FUNCTION_ID, WORKFLOW_RUN_FUNCTION_ID, INNGEST_EVENTS } from "./events";
import { waitExpression } from "./expressions";
import { INLINE_SLEEP_MS } from "./step-tools";
import { notifyInngestOfCancel, notifyInngestOfEvent, notifyInngestOfResume } from "./services";
import { celMatches } from "./testing/cel";
import { InngestHarness } from "./testing/harness";

// The Inngest driver's own mapping, beyond what the conformance suite compares
// with the embedded driver: the function's configuration as Inngest receives
// it, dispatch and the outbox sweep, replays, the lifecycle hooks and the
// schedules function — each through the real function under InngestTestEngine.

const timeline = async (handle: Parameters<typeof readRunEvents>[0], workspaceId: string, runId: string) =>
  (await readRunEvents(handle, { workspaceId, runId })).map((event) => (event.stepId ? `${event.type} ${event.stepId}` : event.type));

describe("the workflow-run function's configuration", () => {
  // What Inngest registers: the serve handler sends exactly this. Building the functions touches no database.
  const driver = createInngestDriver({
    client: createInngestClient({ INNGEST_DEV: true, INNGEST_EVENT_KEY: undefined, INNGEST_SIGNING_KEY: undefined }),
    database: () => {
      throw new Error("registration needs no database");
    },
  });
  const config = (fn: unknown) =>
    (fn as { getConfig(options: { baseUrl: URL; appPrefix: string }): Record<string, unknown>[] }).getConfig({
      baseUrl: new URL("http://localhost:3000/api/inngest"),
      appPrefix: "trellis",
    })[0];

  it("keys concurrency by workflow, takes the run's priority, cancels on the run's cancel event, is idempotent per run and never retries", () => {
    expect(config(driver.workflowRun)).toMatchObject({
      id: `trellis-${WORKFLOW_RUN_FUNCTION_ID}`,
      triggers: [{ event: "trellis/run.requested" }],
      concurrency: [{ key: "event.data.workflowId", limit: 10 }],
      priority: { run: "event.data.priority" },
      cancel: [{ event: "trellis/run.cancelled", if: "async.data.runId == event.data.runId" }],
      idempotency: "event.data.runId",
      steps: { step: expect.objectContaining({ retries: { attempts: 0 } }) },
    });
  });

  it("cancels exactly the function run of the cancelled run", () => {
    const [cancel] = (config(driver.workflowRun) as { cancel: { if: string }[] }).cancel;
    const trigger = { data: { runId: "r-1" } };
    expect(celMatches(cancel?.if ?? "", { event: trigger, async: { data: { runId: "r-1" } } })).toBe(true);
    expect(celMatches(cancel?.if ?? "", { event: trigger, async: { data: { runId: "r-2" } } })).toBe(false);
  });

  it("fires the schedules every minute, one tick at a time", () => {
    expect(config(driver.schedules)).toMatchObject({
      id: `trellis-${SCHEDULES_FUNCTION_ID}`,
      triggers: [{ cron: "* * * * *" }],
      concurrency: 1,
    });
  });
});

describeEachDriver(
  "the Inngest driver",
  (ctx) => {
    const probe = createProbe();
    const registry = conformanceRegistry(probe);
    const planCache = new PlanCache(registry);
    let workspaceId: string;
    let harness: InngestHarness;
    const refused = { send: false };

    beforeAll(async () => {
      const user = await createUser(ctx.db());
      workspaceId = (await createWorkspace(ctx.db(), user.id)).id;
      harness = new InngestHarness(ctx.handle(), {
        registry,
        pauseRecheckMs: [200],
        send: () => {
          if (refused.send) throw new Error("Inngest is unreachable");
        },
      });
    });
    afterAll(() => harness?.close());
    beforeEach(() => {
      resetProbe(probe);
      refused.send = false;
    });

    const start = async (workflow: Parameters<typeof createWorkflow>[2], input: unknown = null, priority?: number) => {
      const { workflowId } = await createWorkflow(ctx.db(), workspaceId, workflow);
      const { run } = await harness.driver.startRun(ctx.handle(), { workspaceId, workflowId, input: input as never, priority, planCache });
      return { run, workflowId, ref: { workspaceId, runId: run.id } };
    };

    describe("dispatch", () => {
      it("creates the run on the Inngest driver and sends its start event, deduplicated by run id, with Inngest's priority", async () => {
        const { run, workflowId } = await start(chain({ id: "a", type: "noop" }), null, 1000);
        expect(run).toMatchObject({ driver: "inngest", status: "queued", priority: 1000 });
        expect(harness.eventsNamed(INNGEST_EVENTS.runRequested, run.id)).toEqual([
          { id: `trellis-run-${run.id}`, name: "trellis/run.requested", data: { runId: run.id, workspaceId, workflowId, priority: 600 } },
        ]);
        const [row] = await ctx.db().select({ externalRunId: schema.runs.externalRunId }).from(schema.runs).where(eq(schema.runs.id, run.id));
        expect(row?.externalRunId).toMatch(/^evt-/);
      });

      it("finds a run whose record was committed only after its start event arrived", async () => {
        const { workflowId, versionId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
        const runId = randomUUID();
        const { result } = await harness.executeEvent(runRequestedEvent({ id: runId, workspaceId, workflowId, priority: 0 }), {
          sleeps: ["$start:recheck#1"],
          // The creator's transaction commits while the function waits before looking again.
          whileSleeping: {
            "$start:recheck#1": async () => {
              await ctx.db().insert(schema.runs).values({ id: runId, workspaceId, workflowId, versionId, triggerKind: "manual", driver: "inngest" });
            },
          },
        });
        expect(result).toMatchObject({ runId, status: "succeeded" });
      });

      it("gives up on a run that never appears, without writing anything", async () => {
        const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
        const runId = randomUUID();
        const { result } = await harness.executeEvent(runRequestedEvent({ id: runId, workspaceId, workflowId, priority: 0 }), {
          sleeps: ["$start:recheck#1", "$start:recheck#2", "$start:recheck#3"],
        });
        expect(result).toEqual({ runId, status: "missing" });
        expect(harness.calls.filter((call) => call.tool === "sleep" && call.id.startsWith("$start:recheck#")).map((call) => [call.id, call.args[0]])).toEqual(
          expect.arrayContaining([
            ["$start:recheck#1", 2_000],
            ["$start:recheck#2", 10_000],
            ["$start:recheck#3", 60_000],
          ]),
        );
      });

      it("leaves a run it could not send for the sweep, which dispatches it later", async () => {
        refused.send = true;
        const { run } = await start(chain({ id: "a", type: "noop" }));
        expect(harness.eventsNamed(INNGEST_EVENTS.runRequested, run.id)).toEqual([]);
        refused.send = false;
        // Still inside the grace period a creator's own send gets.
        expect(await harness.driver.dispatchQueuedRuns(ctx.handle())).toBe(0);
        await expect(harness.driver.dispatchQueuedRuns(ctx.handle(), { graceMs: 0 })).resolves.toBeGreaterThanOrEqual(1);
        expect(harness.eventsNamed(INNGEST_EVENTS.runRequested, run.id)).toHaveLength(1);
        // Dispatched once: the next sweep leaves it alone.
        await harness.driver.dispatchQueuedRuns(ctx.handle(), { graceMs: 0 });
        expect(harness.eventsNamed(INNGEST_EVENTS.runRequested, run.id)).toHaveLength(1);
        await harness.execute(run.id);
        expect((await findRun(ctx.handle(), workspaceId, run.id))?.status).toBe("succeeded");
      });
    });

    describe("executing", () => {
      it("replays from the top for every step without writing anything twice, and records the Inngest run id", async () => {
        const retry = { maxAttempts: 2, initialDelayMs: 5_000, maxDelayMs: 5_000, backoffFactor: 1 };
        const { run, ref } = await start(
          chain(
            { id: "flaky", type: "conformance.flaky", config: { failAttempts: 1 }, retry },
            { id: "nap", type: "delay", config: { durationMs: 60_000 } },
            { id: "done", type: "transform", config: { expression: "'ok'" } },
          ),
        );
        const backoff = "flaky#2:backoff";
        const { result } = await harness.execute(run.id, { sleeps: [backoff, "nap:sleep"] });
        expect(result).toMatchObject({ runId: run.id, status: "succeeded", output: { done: "ok" } });

        // Delays are Inngest sleeps until the time journaled before them; so are back-offs, unless the jitter made one short enough to wait out in the step.
        const backoffParks = backoffDelay(retry, 1, `${run.id}:flaky`) > INLINE_SLEEP_MS;
        const sleeps = new Set(harness.calls.filter((call) => call.tool === "sleepUntil").map((call) => `${call.id} ${new Date(call.args[0] as Date).toISOString()}`));
        const nap = (await readJournal(ctx.handle(), run.id)).get("nap")?.output as { output: { until: string } };
        expect(sleeps).toContain(`nap:sleep ${nap.output.until}`);
        expect([...sleeps].some((entry) => entry.startsWith(`${backoff} `))).toBe(backoffParks);

        expect(await timeline(ctx.handle(), workspaceId, run.id)).toEqual([
          "run.queued",
          "run.started",
          "node.completed trigger",
          "node.failed flaky",
          "node.retrying flaky",
          ...(backoffParks ? ["run.sleeping", "run.resumed"] : []),
          "node.completed flaky#2",
          "node.waiting nap",
          "run.sleeping",
          "run.resumed",
          "node.completed nap",
          "node.completed done",
          "run.succeeded",
        ]);
        expect(Object.fromEntries([...(await readJournal(ctx.handle(), run.id))].map(([id, entry]) => [id, entry.status]))).toEqual({
          trigger: "succeeded",
          flaky: "failed",
          [backoff]: "succeeded",
          "flaky#2": "succeeded",
          nap: "succeeded",
          "nap:sleep": "succeeded",
          done: "succeeded",
        });
        expect(Object.fromEntries(probe.calls)).toEqual({ flaky: 1, "flaky#2": 1 });
        const [row] = await ctx.db().select({ externalRunId: schema.runs.externalRunId }).from(schema.runs).where(eq(schema.runs.id, ref.runId));
        // InngestTestEngine's run ids are ULIDs, like Inngest's.
        expect(row?.externalRunId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      });

      it("waits with an expression that picks the event by workspace, name, target run and payload", async () => {
        const { run, ref } = await start(
          definition(
            [
              { id: "trigger", type: "trigger.manual" },
              { id: "paid", type: "wait.event", config: { event: "order.paid", match: { order: { id: "{{ trigger.id }}" }, tags: ["vip"] }, timeoutMs: 60_000 } },
              { id: "after", type: "transform", config: { expression: "input.payload.total" } },
            ],
            [
              ["trigger", "paid"],
              ["paid", "after", "out"],
            ],
          ),
          { id: 7 },
        );
        const executing = harness.execute(run.id);
        await waitForStatus(ctx.handle(), ref, "waiting");
        const wait = harness.calls.find((call) => call.tool === "waitForEvent" && call.id === "paid:wait");
        const expression = waitExpression({ workspaceId, runId: run.id, event: "order.paid", match: { order: { id: 7 }, tags: ["vip"] } });
        const registered = wait?.args[0] as { event: string; if: string; timeout: number };
        expect(registered).toMatchObject({ event: "trellis/run.event", timeout: 60_000 });
        // The definition is stored as jsonb, which reorders keys: the conditions are the same, their order may not be.
        expect(new Set(registered.if.split(" && "))).toEqual(new Set(expression.split(" && ")));

        const matches = (data: Record<string, unknown>) => celMatches(expression, { async: { data } });
        const payload = { order: { id: 7, lines: 2 }, tags: ["new", "vip"], total: 12 };
        expect(matches({ workspaceId, name: "order.paid", runId: "", payload })).toBe(true);
        expect(matches({ workspaceId, name: "order.paid", runId: run.id, payload })).toBe(true);
        expect(matches({ workspaceId, name: "order.paid", runId: "another-run", payload })).toBe(false);
        expect(matches({ workspaceId: "another-workspace", name: "order.paid", runId: "", payload })).toBe(false);
        expect(matches({ workspaceId, name: "order.refunded", runId: "", payload })).toBe(false);
        expect(matches({ workspaceId, name: "order.paid", runId: "", payload: { ...payload, order: { id: 8 } } })).toBe(false);
        expect(matches({ workspaceId, name: "order.paid", runId: "", payload: { ...payload, tags: ["new"] } })).toBe(false);
        expect(matches({ workspaceId, name: "order.paid", runId: "", payload: { tags: ["vip"] } })).toBe(false);

        // An event nobody waits for is not forwarded; the matching one is, once.
        const before = harness.eventsNamed(INNGEST_EVENTS.runEvent).length;
        await harness.sendEvent({ workspaceId, name: "order.paid", payload: { ...payload, order: { id: 8 } } });
        expect(harness.eventsNamed(INNGEST_EVENTS.runEvent)).toHaveLength(before);
        await harness.sendEvent({ workspaceId, name: "order.paid", payload });
        expect(harness.eventsNamed(INNGEST_EVENTS.runEvent).slice(before)).toEqual([
          { name: "trellis/run.event", data: { workspaceId, name: "order.paid", payload, runId: "" } },
        ]);
        const { result } = await executing;
        expect(result).toMatchObject({ status: "succeeded", output: { after: 12 } });
      });

      it("takes an event our records delivered even when Inngest's wait timed out first", async () => {
        const { run, ref } = await start(
          definition(
            [
              { id: "trigger", type: "trigger.manual" },
              // Our records' wait stays open for the whole test; Inngest's wait times out when the test says so.
              { id: "paid", type: "wait.event", config: { event: "order.paid", timeoutMs: 600_000 } },
              { id: "after", type: "transform", config: { expression: "input.received" } },
            ],
            [
              ["trigger", "paid"],
              ["paid", "after", "out"],
              ["paid", "after", "timeout"],
            ],
          ),
        );
        const executing = harness.execute(run.id, { heldWaits: ["paid:wait"] });
        await waitForStatus(ctx.handle(), ref, "waiting");
        // Delivered to our records only (the forward to Inngest is lost): Inngest's wait then times out, and the journal decides.
        const forwarded = harness.eventsNamed(INNGEST_EVENTS.runEvent).length;
        expect((await sendEvent(ctx.handle(), { workspaceId, name: "order.paid", payload: { n: 1 } })).runIds).toEqual([run.id]);
        expect(harness.eventsNamed(INNGEST_EVENTS.runEvent)).toHaveLength(forwarded);
        harness.expireWait("paid:wait");
        const { result } = await executing;
        expect(result).toMatchObject({ status: "succeeded", output: { after: true } });
        expect((await readJournal(ctx.handle(), run.id)).get("paid:wait")).toMatchObject({ status: "succeeded", output: { n: 1 } });
      });

      it("fails the invoking step with the child's failure when the child run fails", async () => {
        const { workflowId: childId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "boom", type: "conformance.flaky", config: { failAttempts: 9 }, retry: { maxAttempts: 1 } }));
        const { run } = await start(chain({ id: "call", type: "workflow.invoke", config: { workflowId: childId, input: {} } }));
        const { error } = await harness.execute(run.id, { invokes: ["call:invoke"] });
        expect(error).toMatchObject({ message: expect.stringContaining("failed: attempt 1 of boom failed") });
        const parent = await findRun(ctx.handle(), workspaceId, run.id);
        const [child] = await ctx.db().select().from(schema.runs).where(eq(schema.runs.parentRunId, run.id));
        expect(child).toMatchObject({ status: "failed", driver: "inngest", triggerKind: "invoke" });
        expect(parent).toMatchObject({ status: "failed", error: { code: "invoke_failed", nodeId: "call", details: { childRunId: child?.id, childStatus: "failed" } } });
        expect(parent?.deadLetteredAt).not.toBeNull();
        // The child was started by the parent's step.invoke with its own run reference.
        expect(harness.calls.find((call) => call.tool === "invoke" && call.id === "call:invoke")?.args[0]).toMatchObject({
          data: { runId: child?.id, workspaceId, workflowId: childId, priority: 0 },
        });
      });
    });

    describe("lifecycle hooks", () => {
      it("a cancel ends the record at once and cancels the function run; a cancel before the start leaves nothing to execute", async () => {
        const { run, ref } = await start(chain({ id: "a", type: "noop" }));
        await harness.cancel(ref);
        expect(harness.eventsNamed(INNGEST_EVENTS.runCancelled, run.id)).toEqual([
          { name: "trellis/run.cancelled", data: { runId: run.id, workspaceId } },
        ]);
        expect((await findRun(ctx.handle(), workspaceId, run.id))?.status).toBe("cancelled");
        const { result } = await harness.execute(run.id);
        expect(result).toEqual({ runId: run.id, status: "cancelled" });
        expect(await timeline(ctx.handle(), workspaceId, run.id)).toEqual(["run.queued", "run.cancelled"]);
      });

      it("embedded runs are none of their business", async () => {
        const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "test.step", config: { gate: "never-opened" } }));
        const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, planCache });
        const sent = harness.sent.length;
        await harness.driver.afterRunsCancelled(ctx.handle(), [run.id]);
        await harness.driver.afterRunResumed(ctx.handle(), run.id);
        await harness.driver.afterEventSent(ctx.handle(), { workspaceId, name: "x", payload: null }, { runIds: [run.id] });
        expect(harness.sent.length).toBe(sent);
        expect((await findRun(ctx.handle(), workspaceId, run.id))?.status).toBe("queued");
        // The process-wide notifications the lifecycle services call do not even create an Inngest client for them.
        globalThis.__trellisInngestDriver = undefined;
        await notifyInngestOfCancel(ctx.handle(), [run.id]);
        await notifyInngestOfResume(ctx.handle(), run.id);
        await notifyInngestOfEvent(ctx.handle(), { workspaceId, name: "x", payload: null }, { runIds: [run.id] });
        expect(globalThis.__trellisInngestDriver).toBeUndefined();
      });

      it("a run paused before it started waits for its resume event before its first step", async () => {
        const { run, ref } = await start(chain({ id: "a", type: "test.step", config: { output: "a" } }));
        await pauseRun(ctx.handle(), ref);
        const executing = harness.execute(run.id);
        await eventually(() => (harness.calls.some((call) => call.tool === "waitForEvent" && call.id.startsWith("$resume:")) ? true : undefined));
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(probe.calls.get("a")).toBeUndefined();
        expect((await findRun(ctx.handle(), workspaceId, run.id))?.status).toBe("paused");
        await harness.resume(ref);
        expect(harness.eventsNamed(INNGEST_EVENTS.runResumed, run.id)).toEqual([{ name: "trellis/run.resumed", data: { runId: run.id, workspaceId } }]);
        expect((await executing).result).toMatchObject({ status: "succeeded", output: { a: "a" } });
        expect(await timeline(ctx.handle(), workspaceId, run.id)).toEqual([
          "run.queued",
          "run.paused",
          "run.resume_requested",
          "run.started",
          "node.completed trigger",
          "node.completed a",
          "run.succeeded",
        ]);
      });

      it("a paused run whose resume event was lost notices the resume in its records", async () => {
        const { run, ref } = await start(chain({ id: "a", type: "test.step", config: { gate: "lost-resume" } }, { id: "b", type: "noop" }));
        const executing = harness.execute(run.id);
        await eventually(() => (gate(probe, "lost-resume").waiting > 0 ? true : undefined));
        await pauseRun(ctx.handle(), ref);
        gate(probe, "lost-resume").open();
        await waitForStatus(ctx.handle(), ref, "paused");
        // Resumed in our records without the hook: no event reaches the function.
        await resumeRun(ctx.handle(), ref);
        expect((await executing).result).toMatchObject({ status: "succeeded" });
        expect(harness.eventsNamed(INNGEST_EVENTS.runResumed, run.id)).toEqual([]);
        // It looked again after the (shortened) recheck interval.
        expect(harness.calls.some((call) => call.tool === "waitForEvent" && /^\$resume:.*#1$/.test(call.id))).toBe(true);
      });

      it("an approval decided through the services reaches the waiting function", async () => {
        const { run, ref } = await start(
          definition(
            [
              { id: "trigger", type: "trigger.manual" },
              { id: "review", type: "approval", config: { timeoutMs: 60_000 } },
              { id: "yes", type: "transform", config: { expression: "input.comment" } },
            ],
            [
              ["trigger", "review"],
              ["review", "yes", "approved"],
            ],
          ),
        );
        const executing = harness.execute(run.id);
        await waitForStatus(ctx.handle(), ref, "waiting");
        await harness.decideApproval({ ...ref, stepId: "review", decision: "approved", comment: "lgtm" });
        expect(harness.eventsNamed(INNGEST_EVENTS.runEvent).at(-1)).toEqual({
          name: "trellis/run.event",
          data: { workspaceId, name: approvalEventName("review"), runId: run.id, payload: { runId: run.id, decision: "approved", comment: "lgtm" } },
        });
        expect((await executing).result).toMatchObject({ status: "succeeded", output: { yes: "lgtm" } });
      });
    });

    describe("a workflow's own concurrency limit", () => {
      it("starts a run only while fewer than the limit of its workflow's runs are running, and lets it in when one finishes", async () => {
        const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "test.step", config: { gate: "limit-one" } }), {
          concurrencyLimit: 1,
        });
        const first = (await harness.driver.startRun(ctx.handle(), { workspaceId, workflowId, planCache })).run;
        const second = (await harness.driver.startRun(ctx.handle(), { workspaceId, workflowId, planCache })).run;
        const runningFirst = harness.execute(first.id);
        await eventually(() => (gate(probe, "limit-one").waiting > 0 ? true : undefined));
        const runningSecond = harness.execute(second.id);
        // The second waits for a freed slot of its workflow, still queued, its node not started.
        await eventually(() => (harness.calls.some((call) => call.tool === "waitForEvent" && call.id === "$slot#1") ? true : undefined));
        const slotWait = harness.calls.find((call) => call.tool === "waitForEvent" && call.id === "$slot#1")?.args[0];
        expect(slotWait).toMatchObject({ event: INNGEST_EVENTS.slotFreed, if: `async.data.workflowId == "${workflowId}"` });
        expect((await findRun(ctx.handle(), workspaceId, second.id))?.status).toBe("queued");
        expect(probe.calls.get("a")).toBe(1);

        gate(probe, "limit-one").open();
        expect((await runningFirst).result).toMatchObject({ status: "succeeded" });
        expect(harness.eventsNamed(INNGEST_EVENTS.slotFreed)).toContainEqual({ name: INNGEST_EVENTS.slotFreed, data: { workflowId, runId: first.id } });
        expect((await runningSecond).result).toMatchObject({ status: "succeeded" });
        expect(probe.calls.get("a")).toBe(2);
        // Never both running: the second started after the first finished.
        const [firstRun, secondRun] = await Promise.all([findRun(ctx.handle(), workspaceId, first.id), findRun(ctx.handle(), workspaceId, second.id)]);
        expect(secondRun?.startedAt?.getTime()).toBeGreaterThanOrEqual(firstRun?.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY);
      });

      it("workflows without a limit start at once and announce nothing", async () => {
        const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
        const { run } = await harness.driver.startRun(ctx.handle(), { workspaceId, workflowId, planCache });
        expect((await harness.execute(run.id)).result).toMatchObject({ status: "succeeded" });
        expect(harness.eventsNamed(INNGEST_EVENTS.slotFreed).filter((event) => event.data.workflowId === workflowId)).toEqual([]);
      });
    });

    describe("the schedules function", () => {
      it("starts due schedules on the Inngest driver and dispatches them", async () => {
        const { workflowId } = await createWorkflow(ctx.db(), workspaceId, chain({ id: "a", type: "noop" }));
        const slot = new Date(Date.now() - 30_000);
        await ctx.db().insert(schema.schedules).values({ workspaceId, workflowId, cron: "* * * * *", nextRunAt: slot, input: { from: "cron" } });
        const { result } = await harness.executeSchedules();
        expect(result).toMatchObject({ started: 1 });
        const [run] = await ctx.db().select().from(schema.runs).where(eq(schema.runs.workflowId, workflowId));
        expect(run).toMatchObject({ driver: "inngest", triggerKind: "schedule", status: "queued", input: { from: "cron", scheduledAt: slot.toISOString() } });
        expect(harness.eventsNamed(INNGEST_EVENTS.runRequested, run?.id)).toHaveLength(1);
        await harness.execute(run?.id ?? "");
        expect((await findRun(ctx.handle(), workspaceId, run?.id ?? ""))?.status).toBe("succeeded");
        // The slot fired once: the next tick starts nothing.
        expect((await harness.executeSchedules()).result).toMatchObject({ started: 0 });
      });
    });
  },
  { drivers: ["pglite"] },
);
