import { describe, expect, it } from "vitest";
import { setNodeConfig, setNodeField } from "./definition-ops";
import { createEdgeDeriver, createNodeDeriver, estimateNode, groupProblems, NODE_GEOMETRY, type EdgeView, type NodeView } from "./flow-mapping";
import { descriptors, orderRouter } from "./test-fixtures";
import type { Problem } from "./types";

const types = descriptors();
const view = (patch: Partial<NodeView> = {}): NodeView => ({
  descriptors: types,
  selected: new Set(),
  measuredOf: () => undefined,
  dragging: null,
  problems: new Map(),
  schedules: new Map(),
  diff: null,
  readOnly: false,
  ...patch,
});
const edgeView = (patch: Partial<EdgeView> = {}): EdgeView => ({ selected: new Set(), problems: new Map(), diff: null, readOnly: false, ...patch });

describe("definition → React Flow nodes", () => {
  it("maps each workflow node with its handles, summary and position", () => {
    const nodes = createNodeDeriver()(orderRouter(), view());
    expect(nodes.map((n) => n.id)).toEqual(["trigger", "shape", "check", "big", "small"]);
    const check = nodes[2];
    expect(check?.type).toBe("workflow");
    expect(check?.position).toEqual({ x: 560, y: 0 });
    expect(check?.data.outputs.map((h) => h.id)).toEqual(["true", "false"]);
    expect(check?.data.labelledOutputs).toBe(true);
    expect(check?.data.summary).toBe("nodes.shape.output.total > 100");
    expect(nodes[0]?.data.inputs).toEqual([]);
    expect(check?.ariaLabel).toBe("check, If / else");
  });

  it("reuses the node objects an edit did not touch", () => {
    const derive = createNodeDeriver();
    const definition = orderRouter();
    const before = derive(definition, view());
    const edited = setNodeConfig(definition, "big", ["expression"], "42");
    const after = derive(edited, view());
    expect(after.filter((n, i) => n !== before[i]).map((n) => n.id)).toEqual(["big"]);
    // Nothing changed at all: every object is the same.
    expect(derive(edited, view()).every((n, i) => n === after[i])).toBe(true);
  });

  it("re-derives only nodes whose selection, problems or drag position changed", () => {
    const derive = createNodeDeriver();
    const definition = orderRouter();
    const problems = groupProblems([{ severity: "error", code: "invalid_config", message: "Required", nodeId: "shape", path: ["expression"] }]);
    const base = view({ problems: problems.nodes });
    const before = derive(definition, base);
    const after = derive(definition, { ...base, selected: new Set(["check"]), dragging: new Map([["small", { x: 1, y: 2 }]]) });
    expect(after.filter((n, i) => n !== before[i]).map((n) => n.id)).toEqual(["check", "small"]);
    expect(after[2]?.selected).toBe(true);
    expect(after[4]?.position).toEqual({ x: 1, y: 2 });
    expect(before[1]?.className).toBe("has-error");
    expect(before[1]?.ariaLabel).toContain("1 problem");
  });

  it("gives nodes React Flow has not drawn an estimated size and handles, and keeps measurements of drawn ones", () => {
    const estimated = createNodeDeriver()(orderRouter(), view())[2];
    expect(estimated?.measured).toBeUndefined();
    expect(estimated?.initialWidth).toBe(NODE_GEOMETRY.width);
    expect(estimated?.handles?.map((h) => `${h.type}:${h.id}`)).toEqual(["target:in", "source:true", "source:false"]);
    const measured = createNodeDeriver()(orderRouter(), view({ measuredOf: () => ({ width: 240, height: 118 }) }))[2];
    expect(measured?.measured).toEqual({ width: 240, height: 118 });
    expect(measured?.handles).toBeUndefined();
  });

  it("places estimated handles on the card's edges, outputs one per row", () => {
    const { height, handles } = estimateNode([{ id: "in", label: "In" }], [{ id: "true", label: "True" }, { id: "false", label: "False" }], true, true);
    const g = NODE_GEOMETRY;
    expect(height).toBe(2 * g.border + g.header + 1 + g.summary + 1 + 2 * g.outputsPadding + 2 * g.outputRow);
    const [input, yes, no] = handles;
    expect(input?.x).toBe(g.border - g.handle / 2);
    expect(yes?.x).toBe(g.width - g.border - g.handle / 2);
    expect((no?.y ?? 0) - (yes?.y ?? 0)).toBe(g.outputRow);
    const single = estimateNode([], [{ id: "out", label: "Out" }], false, false);
    expect(single.handles[0]?.y).toBe(g.border + g.header / 2 - g.handle / 2);
  });

  it("locks nodes in a read-only view and marks diff status", () => {
    const nodes = createNodeDeriver()(orderRouter(), view({ readOnly: true, diff: new Map([["big", "changed"]]) }));
    expect(nodes.every((n) => n.draggable === false && n.connectable === false && n.deletable === false)).toBe(true);
    expect(nodes[3]?.data.diff).toBe("changed");
    expect(nodes[3]?.className).toBe("diff-changed");
  });

  it("shows the error output only when the node continues on failure", () => {
    const derive = createNodeDeriver();
    const definition = setNodeField(orderRouter(), "shape", "continueOnFail", true);
    expect(derive(definition, view())[1]?.data.outputs.map((h) => h.id)).toEqual(["out", "error"]);
  });
});

describe("definition → React Flow edges", () => {
  it("spells out default handles as the engine resolves them", () => {
    const definition = orderRouter();
    const edges = createEdgeDeriver()(definition, edgeView(), types);
    expect(edges[0]).toMatchObject({ id: "e1", source: "trigger", sourceHandle: "out", target: "shape", targetHandle: "in" });
    expect(edges[2]).toMatchObject({ sourceHandle: "true" });
  });

  it("reuses unchanged edges and carries problems and selection", () => {
    const derive = createEdgeDeriver();
    const definition = orderRouter();
    const before = derive(definition, edgeView(), types);
    const problem: Problem = { severity: "error", code: "unknown_handle", message: "no such output", edgeId: "e3" };
    const after = derive(definition, edgeView({ selected: new Set(["e1"]), problems: groupProblems([problem]).edges }), types);
    expect(after.filter((e, i) => e !== before[i]).map((e) => e.id)).toEqual(["e1", "e3"]);
    expect(after[2]?.data?.problems?.[0]?.message).toBe("no such output");
  });
});

describe("problem grouping", () => {
  it("groups by node and edge and keeps unchanged groups' identity", () => {
    const a: Problem = { severity: "error", code: "cycle", message: "on a cycle", nodeId: "x" };
    const b: Problem = { severity: "warning", code: "unreachable_node", message: "never runs", nodeId: "y" };
    const first = groupProblems([a, b]);
    const second = groupProblems([{ ...a }, { ...b, message: "changed" }], first);
    expect(second.nodes.get("x")).toBe(first.nodes.get("x"));
    expect(second.nodes.get("y")).not.toBe(first.nodes.get("y"));
    expect(groupProblems([{ severity: "error", code: "missing_trigger", message: "no trigger" }]).nodes.size).toBe(0);
  });
});
