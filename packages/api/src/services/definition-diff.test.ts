import { describe, expect, it } from "vitest";
import { WorkflowDefinitionSchema, type WorkflowDefinitionInput } from "@trellis/engine";
import { diffDefinitions, diffValues } from "./definition-diff";

const definition = (input: Omit<WorkflowDefinitionInput, "schemaVersion">) => WorkflowDefinitionSchema.parse({ schemaVersion: 1, ...input });

const base = definition({
  nodes: [
    { id: "start", type: "trigger.manual", position: { x: 0, y: 0 } },
    { id: "fetch", type: "http.request", name: "Fetch", position: { x: 300, y: 0 }, config: { url: "https://a.example", headers: { accept: "json" }, query: { page: 1 } } },
    { id: "shape", type: "transform", config: { expression: "nodes.fetch.output.body" } },
  ],
  edges: [
    { id: "e1", source: "start", target: "fetch" },
    { id: "e2", source: "fetch", target: "shape" },
  ],
});

describe("diffValues", () => {
  it("reports each changed leaf at its path", () => {
    expect(diffValues({ a: 1, b: { c: [1, 2, 3] }, keep: true }, { a: 2, b: { c: [1, 5] }, keep: true, d: null })).toEqual([
      { path: ["a"], kind: "changed", before: 1, after: 2 },
      { path: ["b", "c", 1], kind: "changed", before: 2, after: 5 },
      { path: ["b", "c", 2], kind: "removed", before: 3 },
      { path: ["d"], kind: "added", after: null },
    ]);
  });

  it("treats a change of type as one change, not a walk into the new value", () => {
    expect(diffValues({ v: "text" }, { v: { nested: 1 } })).toEqual([{ path: ["v"], kind: "changed", before: "text", after: { nested: 1 } }]);
  });

  it("finds nothing between equal values whatever their key order", () => {
    expect(diffValues({ a: 1, b: [{ x: 1, y: 2 }] }, { b: [{ y: 2, x: 1 }], a: 1 })).toEqual([]);
  });
});

describe("diffDefinitions", () => {
  it("says two equal definitions are identical", () => {
    const diff = diffDefinitions(base, structuredClone(base));
    expect(diff.identical).toBe(true);
    expect(diff.nodes).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.edges).toEqual({ added: [], removed: [] });
    expect(diff.settings).toEqual([]);
  });

  it("lists added, removed and changed nodes with the changed config paths", () => {
    const next = definition({
      nodes: [
        { id: "start", type: "trigger.manual", position: { x: 0, y: 0 } },
        { id: "fetch", type: "http.request", name: "Fetch it", position: { x: 300, y: 40 }, config: { url: "https://b.example", headers: { accept: "json", "x-key": "k" }, query: { page: 1 } } },
        { id: "notify", type: "http.request", config: { url: "https://hooks.example" } },
      ],
      edges: [
        { id: "e1", source: "start", target: "fetch" },
        { id: "e3", source: "fetch", target: "notify" },
      ],
    });
    const diff = diffDefinitions(base, next);
    expect(diff.identical).toBe(false);
    expect(diff.nodes.added).toEqual([{ id: "notify", type: "http.request", name: null }]);
    expect(diff.nodes.removed).toEqual([{ id: "shape", type: "transform", name: null }]);
    expect(diff.nodes.changed).toEqual([
      {
        id: "fetch",
        type: "http.request",
        name: "Fetch it",
        fields: ["name", "position"],
        config: [
          { path: ["headers", "x-key"], kind: "added", after: "k" },
          { path: ["url"], kind: "changed", before: "https://a.example", after: "https://b.example" },
        ],
      },
    ]);
    expect(diff.edges.added).toEqual([{ id: "e3", source: "fetch", sourceHandle: null, target: "notify", targetHandle: null }]);
    expect(diff.edges.removed).toEqual([{ id: "e2", source: "fetch", sourceHandle: null, target: "shape", targetHandle: null }]);
  });

  it("matches edges by what they connect, so a redrawn edge with a new id is no change", () => {
    const redrawn = structuredClone(base);
    redrawn.edges[1] = { ...redrawn.edges[1]!, id: "xy-edge__fetch-shape" };
    expect(diffDefinitions(base, redrawn).identical).toBe(true);
  });

  it("sees a moved handle as one edge removed and one added", () => {
    const moved = structuredClone(base);
    moved.edges[1] = { ...moved.edges[1]!, sourceHandle: "error" };
    const diff = diffDefinitions(base, moved);
    expect(diff.edges.removed.map((e) => e.sourceHandle)).toEqual([null]);
    expect(diff.edges.added.map((e) => e.sourceHandle)).toEqual(["error"]);
  });

  it("reports a node whose type changed under the same id, and settings changes", () => {
    const next = structuredClone(base);
    next.nodes[2] = { ...next.nodes[2]!, type: "noop", config: {} };
    next.settings.retry.maxAttempts = 5;
    const diff = diffDefinitions(base, next);
    expect(diff.nodes.changed).toEqual([
      { id: "shape", type: "noop", name: null, fields: ["type"], config: [{ path: ["expression"], kind: "removed", before: "nodes.fetch.output.body" }] },
    ]);
    expect(diff.settings).toEqual([{ path: ["retry", "maxAttempts"], kind: "changed", before: 3, after: 5 }]);
  });
});
