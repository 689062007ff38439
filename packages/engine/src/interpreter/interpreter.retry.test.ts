import { describe, expect, it } from "vitest";
import type { WorkflowDefinitionInput } from "../definition/schema";
import type { JsonObject } from "../json";
import { createMemoryStepTools } from "../step-tools/memory";
import { createProbe, testRegistry } from "../testing/nodes";
import {
  eventsOf,
  outputOf,
  planOf,
  run,
  runContext,
  workflow,
  type NodeInput,
} from "../testing/workflow";
import { backoffDelay, jitterFraction } from "./retry";

const trigger = { id: "t", type: "trigger.manual" };
const fast = { maxAttempts: 3, initialDelayMs: 0 };

function setup(
  work: JsonObject,
  node: Partial<NodeInput> = {},
  settings: WorkflowDefinitionInput["settings"] = {},
) {
  const probe = createProbe();
  const registry = testRegistry(probe);
  const plan = planOf(
    workflow(
      [
        trigger,
        { id: "w", type: "test.work", config: work, retry: fast, ...node },
        { id: "after", type: "noop" },
      ],
      [
        ["t", "w"],
        ["w", "after"],
      ],
      settings,
    ),
    registry,
  );
  return { probe, registry, plan };
}

describe("retries", () => {
  it("retries a retryable failure with deterministic attempt and back-off step ids", async () => {
    const { probe, registry, plan } = setup({ failures: 2, output: "done" });
    const { result, events, tools } = await run(plan, null, { registry });
    expect(outputOf(result)).toEqual({ after: "done" });
    expect(probe.calls.get("w")).toBe(3);
    expect(tools.executed).toEqual([
      "t",
      "w",
      "w#2:backoff",
      "w#2",
      "w#3:backoff",
      "w#3",
      "after",
    ]);
    expect(
      eventsOf(events, "node.failed").map((e) => [e.stepId, e.willRetry]),
    ).toEqual([
      ["w", true],
      ["w#2", true],
    ]);
    expect(
      eventsOf(events, "node.retrying").map((e) => [
        e.attempt,
        e.backoffStepId,
      ]),
    ).toEqual([
      [2, "w#2:backoff"],
      [3, "w#3:backoff"],
    ]);
    expect(
      eventsOf(events, "node.completed").find((e) => e.nodeId === "w"),
    ).toMatchObject({ stepId: "w#3", attempt: 3 });
  });

  it("fails the run when attempts are exhausted", async () => {
    const { probe, registry, plan } = setup({ failures: 5 });
    const { result, events } = await run(plan, null, { registry });
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "w",
      failedStepId: "w#3",
      error: { code: "node_error", retryable: true },
    });
    expect(probe.calls.get("w")).toBe(3);
    expect(eventsOf(events, "node.failed").at(-1)).toMatchObject({
      willRetry: false,
      continued: false,
    });
    expect(eventsOf(events, "node.skipped")).toEqual([]);
  });

  it.each([
    ["fatal", "non_retryable"],
    ["http404", "http_status"],
  ])("does not retry a %s error", async (kind, code) => {
    const { probe, registry, plan } = setup({ failures: 1, kind });
    const { result } = await run(plan, null, { registry });
    expect(result).toMatchObject({
      status: "failed",
      error: { code, retryable: false },
    });
    expect(probe.calls.get("w")).toBe(1);
  });

  it("retries 5xx and honours Retry-After", async () => {
    const first = setup({ failures: 1, kind: "http503" });
    expect(
      outputOf(
        (await run(first.plan, "x", { registry: first.registry })).result,
      ),
    ).toEqual({ after: "x" });

    const slow = setup({ failures: 1, kind: "retryAfter" });
    const started = Date.now();
    const { events } = await run(slow.plan, "x", { registry: slow.registry });
    expect(eventsOf(events, "node.retrying")[0]?.delayMs).toBe(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(29);
  });

  it("backs off with full jitter derived from the run and step ids, through tools.sleep", async () => {
    const policy = {
      maxAttempts: 4,
      initialDelayMs: 40,
      backoffFactor: 2,
      maxDelayMs: 60,
    };
    const { registry, plan } = setup({ failures: 3 }, { retry: policy });
    const started = Date.now();
    const { events } = await run(plan, null, {
      registry,
      context: runContext({
        run: {
          id: "jitter-run",
          attempt: 1,
          startedAt: new Date().toISOString(),
        },
      }),
    });
    const delays = eventsOf(events, "node.retrying").map((e) => e.delayMs);
    expect(delays).toEqual(
      [1, 2, 3].map((attempt) =>
        backoffDelay(
          policy,
          attempt,
          `jitter-run:${attempt === 1 ? "w" : `w#${attempt}`}`,
        ),
      ),
    );
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(60, 40 * 2 ** i));
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(
      delays.reduce((a, b) => a + b, 0) - 2,
    );
  });

  it("spreads jitter uniformly over [0, 1)", () => {
    const values = Array.from({ length: 4000 }, (_, i) =>
      jitterFraction(`run-${i}:step`),
    );
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.47);
    expect(mean).toBeLessThan(0.53);
  });

  it("replays a retried run without running any attempt or back-off again", async () => {
    const { probe, registry, plan } = setup({ failures: 2, output: "ok" });
    const first = await run(plan, null, { registry });
    const replay = await run(plan, null, {
      registry,
      tools: createMemoryStepTools({ memo: first.tools.journal }),
    });
    expect(replay.result).toEqual(first.result);
    expect(replay.tools.executed).toEqual([]);
    expect(probe.calls.get("w")).toBe(3);
  });

  it("replays a failed run's failure from the journal", async () => {
    const { probe, registry, plan } = setup({ failures: 9, kind: "fatal" });
    const first = await run(plan, null, { registry });
    const replay = await run(plan, null, {
      registry,
      tools: createMemoryStepTools({ memo: first.tools.journal }),
    });
    expect(replay.result).toEqual(first.result);
    expect(probe.calls.get("w")).toBe(1);
    expect(eventsOf(replay.events, "node.failed")[0]).toMatchObject({
      replayed: true,
    });
  });
});

describe("continueOnFail", () => {
  it("sends the error to the error handle and skips the normal edges", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "w",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
            continueOnFail: true,
          },
          { id: "ok", type: "noop" },
          {
            id: "handler",
            type: "transform",
            config: {
              expression:
                "{ 'caught': input.error.code, 'seen': nodes.w.output.error.message }",
            },
          },
        ],
        [
          ["t", "w"],
          ["w", "ok"],
          ["w", "handler", "error"],
        ],
      ),
      registry,
    );
    const { result, events } = await run(plan, null, { registry });
    expect(outputOf(result)).toEqual({
      handler: { caught: "non_retryable", seen: "fatal failure 1" },
    });
    expect(eventsOf(events, "node.skipped").map((e) => e.nodeId)).toEqual([
      "ok",
    ]);
    expect(eventsOf(events, "node.failed")[0]).toMatchObject({
      continued: true,
    });
  });

  it("lets a terminal failed node's error be part of the output", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "w",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
            continueOnFail: true,
          },
        ],
        [["t", "w"]],
      ),
      registry,
    );
    const { result } = await run(plan, null, { registry });
    expect(outputOf(result)).toMatchObject({
      w: { error: { code: "non_retryable" } },
    });
  });
});

describe("timeouts", () => {
  it("times out a node that never settles, even if it ignores its signal", async () => {
    const { registry, plan } = setup(
      { kind: "hang" },
      { timeoutMs: 30, retry: { maxAttempts: 2, initialDelayMs: 0 } },
    );
    const { result, events } = await run(plan, null, { registry });
    expect(result).toMatchObject({
      status: "failed",
      failedStepId: "w#2",
      error: { code: "node_timeout", retryable: true },
    });
    expect(eventsOf(events, "node.failed")).toHaveLength(2);
  });

  it("fails the run at its deadline, ignoring retries and continueOnFail", async () => {
    const { registry, plan } = setup(
      { delayMs: 500 },
      { continueOnFail: true, retry: { maxAttempts: 5, initialDelayMs: 0 } },
      { runTimeoutMs: 60 },
    );
    const started = Date.now();
    const { result, events } = await run(plan, null, { registry });
    expect(Date.now() - started).toBeLessThan(400);
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "w",
      error: { code: "run_timeout" },
    });
    expect(eventsOf(events, "node.failed")).toHaveLength(1);
  });

  it("refuses to start a step once the run is past its deadline", async () => {
    const { registry, plan } = setup({}, {}, { runTimeoutMs: 1_000 });
    const context = runContext({
      run: {
        id: "late",
        attempt: 1,
        startedAt: new Date(Date.now() - 5_000).toISOString(),
      },
    });
    const { result, tools } = await run(plan, null, { registry, context });
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "t",
      error: { code: "run_timeout" },
    });
    expect(tools.executed).toEqual(["t"]);
  });
});
