import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineError, ErrorCodes } from "../errors";
import type { Json } from "../json";
import {
  createMemoryStepTools,
  type MemoryStepTools,
} from "../step-tools/memory";
import type { StepTools } from "../step-tools/types";
import { eventsOf, planOf, runContext, workflow } from "../testing/workflow";
import { execute } from "./execute";
import type { RunEvent, RunResult } from "./types";

// The durable phase of delay / wait / approval / invoke nodes: how the engine
// tells a driver's own rejection from the node's failure, and when a durable
// node's completion is a replay.

const trigger = { id: "t", type: "trigger.manual" };
const retry = { maxAttempts: 3, initialDelayMs: 0 };

/** A driver's park: what the embedded driver throws into pending sleeps and waits to unwind the run. */
class Parked extends Error {}

/** Memory tools whose durable calls reject with `error` (as a driver parking the run does). */
function parkingTools(
  error: Error,
  kinds: readonly ("sleep" | "wait" | "invoke")[],
): MemoryStepTools {
  const tools = createMemoryStepTools();
  const fail = () => Promise.reject(error);
  return {
    ...tools,
    sleep: kinds.includes("sleep") ? fail : tools.sleep,
    waitForEvent: kinds.includes("wait") ? fail : tools.waitForEvent,
    invoke: kinds.includes("invoke") ? fail : tools.invoke,
  };
}

async function execution(plan: ReturnType<typeof planOf>, tools: StepTools) {
  const events: RunEvent[] = [];
  const outcome = await execute({
    plan,
    input: { id: 1 },
    tools,
    context: runContext(),
    observer: (event) => events.push(event),
  }).then(
    (result): { result: RunResult } | { error: unknown } => ({ result }),
    (error: unknown) => ({ error }),
  );
  return { outcome, events };
}

const single = (node: { type: string; config?: Record<string, Json> }) =>
  planOf(workflow([trigger, { id: "n", retry, ...node }], [["t", "n"]]));

describe("a driver's rejection inside a durable call", () => {
  const cases = [
    [
      "a delay's sleep",
      { type: "delay", config: { durationMs: 1_000 } },
      "sleep",
    ],
    [
      "a wait's waitForEvent",
      { type: "wait.event", config: { event: "go", timeoutMs: 1_000 } },
      "wait",
    ],
    [
      "an approval's waitForEvent",
      { type: "approval", config: { title: "ok?", timeoutMs: 1_000 } },
      "wait",
    ],
    [
      "an invoke that is not a child failure",
      { type: "workflow.invoke", config: { workflowId: "w" } },
      "invoke",
    ],
  ] as const;

  it.each(cases)(
    "in %s stops the run with that error: no failed attempt, no retry",
    async (_name, node, kind) => {
      const parked = new Parked("parked");
      const tools = parkingTools(parked, [kind]);
      const { outcome, events } = await execution(single(node), tools);
      expect(outcome).toEqual({ error: parked });
      expect(eventsOf(events, "node.failed")).toEqual([]);
      expect(eventsOf(events, "node.retrying")).toEqual([]);
      // Only the first attempt's step ran; a second attempt (`n#2`) or a back-off would be a retry that never should happen.
      expect(tools.executed).toEqual(["t", "n"]);
    },
  );

  it("stops the whole run even when another branch is still working", async () => {
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "sleepy", type: "delay", retry, config: { durationMs: 1_000 } },
          { id: "quick", type: "delay", config: { durationMs: 20 } },
        ],
        [
          ["t", "sleepy"],
          ["t", "quick"],
        ],
      ),
    );
    const parked = new Parked("lease lost");
    const tools = createMemoryStepTools();
    const { outcome, events } = await execution(plan, {
      ...tools,
      sleep: (stepId, options) =>
        stepId === "sleepy:sleep"
          ? Promise.reject(parked)
          : tools.sleep(stepId, options),
    });
    tools.dispose();
    expect(outcome).toEqual({ error: parked });
    expect(eventsOf(events, "node.failed")).toEqual([]);
  });

  it("a failed child run (an EngineError) stays the node's failure and is retried", async () => {
    let calls = 0;
    const tools = createMemoryStepTools({
      invoke: async () => {
        calls++;
        if (calls < 3) throw new Error(`child failed ${calls}`);
        return { done: true };
      },
    });
    const { outcome, events } = await execution(
      single({ type: "workflow.invoke", config: { workflowId: "w" } }),
      tools,
    );
    expect(outcome).toEqual({
      result: { status: "succeeded", output: { n: { done: true } } },
    });
    expect(
      eventsOf(events, "node.failed").map((e) => [
        e.stepId,
        e.error.code,
        e.willRetry,
      ]),
    ).toEqual([
      ["n", ErrorCodes.nodeError, true],
      ["n#2", ErrorCodes.nodeError, true],
    ]);
  });

  it("a child failure with its own code keeps it, live and on replay", async () => {
    const tools = createMemoryStepTools({
      invoke: async () => {
        throw new EngineError(ErrorCodes.invokeFailed, "child run x failed", {
          retryable: false,
        });
      },
    });
    const plan = single({
      type: "workflow.invoke",
      config: { workflowId: "w" },
    });
    const live = await execution(plan, tools);
    const replay = await execution(
      plan,
      createMemoryStepTools({ memo: tools.journal }),
    );
    expect(live.outcome).toMatchObject({
      result: {
        status: "failed",
        error: { code: ErrorCodes.invokeFailed, message: "child run x failed" },
      },
    });
    expect(replay.outcome).toEqual(live.outcome);
  });
});

describe("replayed flag of durable nodes", () => {
  it("is false when the node's step was journaled but its sleep ends in this execution", async () => {
    const plan = single({ type: "delay", config: { durationMs: 30 } });
    const first = createMemoryStepTools();
    const journal = new Map<string, Json>();
    // The first execution journals `t` and `n` and then parks in the sleep.
    await execution(plan, {
      ...first,
      sleep: () => Promise.reject(new Parked("parked")),
    });
    for (const [id, value] of first.journal) journal.set(id, value);
    expect([...journal.keys()]).toEqual(["t", "n"]);

    const resumed = createMemoryStepTools({ memo: journal });
    const { outcome, events } = await execution(plan, resumed);
    expect(outcome).toMatchObject({ result: { status: "succeeded" } });
    expect(resumed.executed).toEqual(["n:sleep"]);
    expect(
      eventsOf(events, "node.completed").map((e) => [e.nodeId, e.replayed]),
    ).toEqual([
      ["t", true],
      ["n", false],
    ]);

    // Replaying the finished run answers everything from the journal: now the completion is a replay.
    const again = await execution(
      plan,
      createMemoryStepTools({ memo: resumed.journal }),
    );
    expect(
      eventsOf(again.events, "node.completed").map((e) => [
        e.nodeId,
        e.replayed,
      ]),
    ).toEqual([
      ["t", true],
      ["n", true],
    ]);
  });

  it("is false for a wait whose event arrives in this execution after a replayed first step", async () => {
    const plan = single({
      type: "wait.event",
      config: { event: "go", timeoutMs: 5_000 },
    });
    const first = createMemoryStepTools();
    await execution(plan, {
      ...first,
      waitForEvent: () => Promise.reject(new Parked("parked")),
    });
    const resumed = createMemoryStepTools({ memo: first.journal });
    const running = execution(plan, resumed);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(resumed.sendEvent("go", { ok: 1 })).toBe(1);
    const { events } = await running;
    expect(
      eventsOf(events, "node.completed").find((e) => e.nodeId === "n"),
    ).toMatchObject({ replayed: false, output: { payload: { ok: 1 } } });
  });

  it("counts a durable node as live for drivers that cannot tell (no isJournaled)", async () => {
    const plan = single({ type: "delay", config: { durationMs: 0 } });
    const first = createMemoryStepTools();
    await execution(plan, first);
    const memoTools = createMemoryStepTools({ memo: first.journal });
    const { events } = await execution(plan, {
      ...memoTools,
      isJournaled: undefined,
    });
    expect(
      eventsOf(events, "node.completed").map((e) => [e.nodeId, e.replayed]),
    ).toEqual([
      ["t", true],
      ["n", false],
    ]);
  });

  it("(property) a completion is a replay exactly when every step of the node came from the journal", async () => {
    const ids = ["a", "b", "c", "d"];
    const plan = planOf(
      workflow(
        [
          trigger,
          ...ids.map((id, i) =>
            i % 2 === 0
              ? { id, type: "delay", config: { durationMs: 0 } }
              : { id, type: "noop" },
          ),
        ],
        ids.map(
          (id, i) =>
            [i === 0 ? "t" : (ids[i - 1] as string), id] as [string, string],
        ),
      ),
    );
    const full = createMemoryStepTools();
    await execution(plan, full);
    const steps = [...full.journal.keys()];
    await fc.assert(
      fc.asyncProperty(fc.subarray(steps), async (kept) => {
        const memo = new Map(
          kept.map((id) => [id, full.journal.get(id) as Json]),
        );
        const tools = createMemoryStepTools({ memo });
        const { outcome, events } = await execution(plan, tools);
        expect(outcome).toMatchObject({ result: { status: "succeeded" } });
        for (const completed of eventsOf(events, "node.completed")) {
          const nodeSteps = steps.filter(
            (id) =>
              id === completed.stepId || id.startsWith(`${completed.stepId}:`),
          );
          expect(completed.replayed).toBe(
            nodeSteps.every((id) => memo.has(id)),
          );
        }
      }),
      { numRuns: 100, seed: 4_242 },
    );
  });
});
