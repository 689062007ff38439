import { describe, expect, it } from "vitest";
import { createMemoryStepTools } from "../step-tools/memory";
import { createProbe, testRegistry } from "../testing/nodes";
import type { JsonObject } from "../json";
import {
  eventsOf,
  planOf,
  run,
  workflow,
  type NodeInput,
} from "../testing/workflow";

const trigger = { id: "t", type: "trigger.manual" };
const once = { maxAttempts: 1 };

describe("compensation", () => {
  function saga(
    extraNodes: NodeInput[] = [],
    failing: JsonObject = { failures: 1, kind: "fatal" },
  ) {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "reserve",
            type: "test.work",
            config: { output: "seat-1" },
            compensation: "release",
          },
          {
            id: "charge",
            type: "test.work",
            config: { delayMs: 5, output: "pay-1" },
            compensation: "refund",
          },
          { id: "ship", type: "test.work", config: failing, retry: once },
          {
            id: "release",
            type: "transform",
            config: {
              expression: "'released ' & input & ' after ' & error.code",
            },
          },
          {
            id: "refund",
            type: "transform",
            config: { expression: "'refunded ' & compensating.output" },
          },
          ...extraNodes,
        ],
        [
          ["t", "reserve"],
          ["reserve", "charge"],
          ["charge", "ship"],
        ],
      ),
      registry,
    );
    return { probe, registry, plan };
  }

  it("runs compensations of completed nodes in reverse completion order when the run fails", async () => {
    const { registry, plan } = saga();
    const { result, events, tools } = await run(plan, null, { registry });
    expect(result).toMatchObject({
      status: "failed",
      failedNodeId: "ship",
      compensations: [
        {
          nodeId: "refund",
          stepId: "refund@charge",
          compensates: "charge",
          status: "completed",
          error: null,
        },
        {
          nodeId: "release",
          stepId: "release@reserve",
          compensates: "reserve",
          status: "completed",
          error: null,
        },
      ],
    });
    expect(tools.executed.slice(-2)).toEqual([
      "refund@charge",
      "release@reserve",
    ]);
    const outputs = eventsOf(events, "node.completed").filter(
      (e) => e.compensates,
    );
    expect(outputs.map((e) => [e.compensates, e.output])).toEqual([
      ["charge", "refunded pay-1"],
      ["reserve", "released seat-1 after non_retryable"],
    ]);
  });

  it("does not compensate a successful run", async () => {
    const { registry, plan } = saga([], { output: "shipped" });
    const { result, tools } = await run(plan, null, { registry });
    expect(result.status).toBe("succeeded");
    expect(tools.executed).not.toContain("refund@charge");
  });

  it("records a failing compensation and carries on with the others", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          { id: "a", type: "noop", compensation: "undoA" },
          { id: "b", type: "noop", compensation: "undoB" },
          {
            id: "boom",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
          },
          { id: "undoA", type: "noop" },
          {
            id: "undoB",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
          },
        ],
        [
          ["t", "a"],
          ["a", "b"],
          ["b", "boom"],
        ],
      ),
      registry,
    );
    const { result } = await run(plan, null, { registry });
    expect(
      result.status === "failed" &&
        result.compensations.map((c) => [c.stepId, c.status]),
    ).toEqual([
      ["undoB@b", "failed"],
      ["undoA@a", "completed"],
    ]);
  });

  it("compensates each completed item of a splitter branch, newest first, with that item in scope", async () => {
    const probe = createProbe();
    const registry = testRegistry(probe);
    const plan = planOf(
      workflow(
        [
          trigger,
          {
            id: "each",
            type: "loop.splitter",
            config: { items: "[10, 20, 30]", maxParallel: 1 },
          },
          { id: "book", type: "test.work", config: {}, compensation: "cancel" },
          { id: "collect", type: "loop.collector" },
          {
            id: "fail",
            type: "test.work",
            config: { failures: 1, kind: "fatal" },
          },
          {
            id: "cancel",
            type: "transform",
            config: { expression: "'cancel ' & $string(item)" },
          },
        ],
        [
          ["t", "each"],
          ["each", "book"],
          ["book", "collect"],
          ["collect", "fail"],
        ],
      ),
      registry,
    );
    const { result, events } = await run(plan, null, { registry });
    expect(
      result.status === "failed" && result.compensations.map((c) => c.stepId),
    ).toEqual(["cancel@book[2]", "cancel@book[1]", "cancel@book[0]"]);
    expect(
      eventsOf(events, "node.completed")
        .filter((e) => e.compensates)
        .map((e) => e.output),
    ).toEqual(["cancel 30", "cancel 20", "cancel 10"]);
  });

  it("replays compensations without running them again", async () => {
    const { registry, plan } = saga();
    const first = await run(plan, null, { registry });
    const replay = await run(plan, null, {
      registry,
      tools: createMemoryStepTools({ memo: first.tools.journal }),
    });
    expect(replay.result).toEqual(first.result);
    expect(replay.tools.executed).toEqual([]);
  });
});
