import { describe, expect, it } from "vitest";
import { compile, type ExecutionPlan } from "@trellis/engine";
import { chain, definition } from "../testing/workflows";
import { differingUpstreamNodes, reusableSteps, upstreamNodes } from "./retry-from-node";

function plan(input: Parameters<typeof compile>[0]): ExecutionPlan {
  const result = compile(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

// trigger → a → b → c, and trigger → side
const base = (aValue = 1, cValue = 1) =>
  definition(
    [
      { id: "trigger", type: "trigger.manual" },
      { id: "a", type: "transform", config: { expression: `${aValue}` } },
      { id: "b", type: "noop" },
      { id: "c", type: "transform", config: { expression: `${cValue}` } },
      { id: "side", type: "noop" },
    ],
    [
      ["trigger", "a"],
      ["a", "b"],
      ["b", "c"],
      ["trigger", "side"],
    ],
  );

describe("upstreamNodes", () => {
  it("finds every node with a path to the node, and nothing else", () => {
    expect([...upstreamNodes(plan(base()), "c")].sort()).toEqual(["a", "b", "trigger"]);
    expect([...upstreamNodes(plan(base()), "b")].sort()).toEqual(["a", "trigger"]);
    expect([...upstreamNodes(plan(base()), "trigger")]).toEqual([]);
  });
});

describe("differingUpstreamNodes", () => {
  it("is empty when only the node itself or what follows it changed", () => {
    expect(differingUpstreamNodes(plan(base()), plan(base(1, 2)), "b")).toEqual([]);
  });

  it("names upstream nodes whose config changed", () => {
    expect(differingUpstreamNodes(plan(base()), plan(base(2)), "b")).toEqual(["a"]);
  });

  it("names upstream nodes added, removed or rewired, and a node missing from the later version", () => {
    const rewired = chain({ id: "x", type: "noop" }, { id: "a", type: "transform", config: { expression: "1" } }, { id: "b", type: "noop" });
    expect(differingUpstreamNodes(plan(base()), plan(rewired), "b")).toEqual(["a", "x"]);
    expect(differingUpstreamNodes(plan(base()), plan(chain({ id: "a", type: "noop" })), "b")).toEqual(["b"]);
  });
});

describe("reusableSteps", () => {
  it("keeps the completed steps of upstream nodes (all attempts and durable parts), not pending, skipped or compensation steps", () => {
    const done = (status: "succeeded" | "failed" | "waiting" | "skipped") => ({ status, output: null, error: null });
    const journal = new Map([
      ["trigger", done("succeeded")],
      ["a", done("failed")],
      ["a#2:backoff", done("succeeded")],
      ["a#2", done("succeeded")],
      ["wait:wait", done("waiting")],
      ["undo@a", done("succeeded")],
      ["each[0]", done("succeeded")],
      ["b", done("failed")],
      ["gone", done("skipped")],
    ]);
    const reused = reusableSteps(journal, new Set(["trigger", "a", "each", "wait", "gone", "undo"]));
    expect(reused.sort((x, y) => x.nodeId.localeCompare(y.nodeId))).toEqual([
      { nodeId: "a", stepIds: ["a", "a#2", "a#2:backoff"] },
      { nodeId: "each", stepIds: ["each[0]"] },
      { nodeId: "trigger", stepIds: ["trigger"] },
    ]);
  });
});
