import { describe, expect, it } from "vitest";
import type { NodeRun } from "../../runs/lib/node-states";
import { descriptors, orderRouter } from "./test-fixtures";
import { createOverlayer, hasFormFields, initialInput, inputIssues, overlayOf, parseRawInput, triggerInput, type RunOverlay } from "./test-run";

const run = (over: Partial<NodeRun>): NodeRun => ({ state: "queued", attempts: 0, startedAt: null, finishedAt: null, durationMs: null, reused: false, retrying: false, ...over });

describe("test run input", () => {
  it("reads the trigger's input schema from the definition", () => {
    const input = triggerInput(orderRouter(), descriptors());
    expect(input.nodeId).toBe("trigger");
    expect(hasFormFields(input.schema)).toBe(true);
    const bare = orderRouter();
    bare.nodes[0] = { ...bare.nodes[0]!, config: {} };
    expect(triggerInput(bare, descriptors()).schema).toBeNull();
    expect(triggerInput({ ...bare, nodes: bare.nodes.slice(1) }, descriptors()).nodeId).toBeNull();
  });

  it("starts the form from defaults and examples", () => {
    expect(initialInput({ type: "object", properties: { a: { type: "number", default: 3 }, b: { type: "string", examples: ["x"] }, c: { type: "string" } } })).toEqual({ a: 3, b: "x" });
    expect(initialInput(null)).toEqual({});
  });

  it("maps the server's field errors onto the form's paths", () => {
    const issues = inputIssues({ "input.amount": ["Expected number"], "input.items.0.sku": ["Required"], input: ["Expected object"], priority: ["Out of range"] });
    expect(issues.fields).toEqual([
      { path: ["amount"], message: "Expected number" },
      { path: ["items", 0, "sku"], message: "Required" },
    ]);
    expect(issues.general).toEqual(["Expected object", "priority: Out of range"]);
  });

  it("parses raw JSON, empty meaning no input", () => {
    expect(parseRawInput("  ")).toEqual({ ok: true, value: null });
    expect(parseRawInput('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseRawInput("{a:1}").ok).toBe(false);
  });
});

describe("run overlay", () => {
  it("says what the node did and how long it took", () => {
    expect(overlayOf(run({ state: "succeeded", durationMs: 85, attempts: 1 }), 0)).toMatchObject({ label: "Succeeded", elapsed: "85 ms" });
    expect(overlayOf(run({ state: "running", startedAt: new Date(1000), retrying: true }), 2500)).toMatchObject({ label: "Retrying", elapsed: "1.5 s" });
    expect(overlayOf(run({ state: "queued" }), 0, "rerun")).toMatchObject({ label: "Queued", elapsed: null, retryRole: "rerun" });
  });

  it("keeps unchanged nodes' objects and drops the overlay when cleared", () => {
    const overlay = createOverlayer<{ id: string; className?: string; ariaLabel?: string; data: Record<string, unknown> }>();
    const nodes = [
      { id: "a", ariaLabel: "A", data: {} },
      { id: "b", className: "has-error", data: {} },
    ];
    const states = (a: RunOverlay) => new Map([["a", a]]);
    const first = overlay(nodes, states(overlayOf(run({ state: "running" }), 0)));
    expect(first[0]).toMatchObject({ className: "run-state-running", ariaLabel: "A, running", data: { overlay: { state: "running" } } });
    expect(first[1]).toBe(nodes[1]);
    const same = overlay(nodes, states(overlayOf(run({ state: "running" }), 0)));
    expect(same[0]).toBe(first[0]);
    const done = overlay(nodes, states(overlayOf(run({ state: "succeeded", durationMs: 12 }), 0)));
    expect(done[0]).not.toBe(first[0]);
    expect(done[0]?.className).toBe("run-state-succeeded");
    expect(overlay(nodes, null)).toBe(nodes);
  });
});
