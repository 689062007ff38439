import Elk from "elkjs/lib/elk.bundled.js";
import { describe, expect, it } from "vitest";
import { LARGE_LAYOUT, positionsFromElk, toElkGraph } from "./layout";
import { descriptors, node } from "./test-fixtures";
import type { WorkflowDefinition, WorkflowEdge, WorkflowNode } from "./types";

/**
 * 500 nodes as the editor benchmark builds them: a trigger fanning out into
 * lanes of transforms, HTTP calls, conditions (both branches used) and no-ops,
 * plus a few joins across lanes.
 */
function largeWorkflow(count = 500, lanes = 10): WorkflowDefinition {
  const nodes: WorkflowNode[] = [node("trigger", "trigger.manual")];
  const edges: WorkflowEdge[] = [];
  const types = ["transform", "http.request", "condition", "noop"];
  const perLane = Math.ceil((count - 1) / lanes);
  for (let lane = 0; lane < lanes && nodes.length < count; lane++) {
    let previous = "trigger";
    let handle: string | undefined;
    for (let step = 0; step < perLane && nodes.length < count; step++) {
      const id = `n${lane}_${step}`;
      const type = types[step % 4] ?? "noop";
      nodes.push(node(id, type));
      edges.push({ id: `e_${id}`, source: previous, target: id, ...(handle ? { sourceHandle: handle } : {}) });
      if (type === "condition" && nodes.length < count) {
        // The false branch goes to a side node; the lane continues on true.
        const side = `${id}_no`;
        nodes.push(node(side, "noop"));
        edges.push({ id: `e_${side}`, source: id, sourceHandle: "false", target: side });
      }
      previous = id;
      handle = type === "condition" ? "true" : undefined;
    }
  }
  // Joins from one lane into the next.
  const ids = new Set(nodes.map((n) => n.id));
  for (let lane = 0; lane + 1 < lanes; lane++) {
    const [source, target] = [`n${lane}_8`, `n${lane + 1}_12`];
    if (ids.has(source) && ids.has(target)) edges.push({ id: `join${lane}`, source, target });
  }
  return { schemaVersion: 1, nodes, edges } as WorkflowDefinition;
}

describe("the automatic layout of a large workflow", () => {
  const definition = largeWorkflow();
  const types = descriptors();

  it("uses the cheaper crossing minimisation past the threshold, and the thorough one below it", () => {
    expect(definition.nodes.length).toBeGreaterThan(LARGE_LAYOUT);
    expect(toElkGraph(definition, types, new Map()).layoutOptions?.["elk.layered.thoroughness"]).toBe("1");
    const small = { ...definition, nodes: definition.nodes.slice(0, 20), edges: [] };
    expect(toElkGraph(small, types, new Map()).layoutOptions?.["elk.layered.thoroughness"]).toBe("3");
  });

  it("is still correct: left to right, no overlaps, true branches above false ones", async () => {
    const graph = await new Elk().layout(toElkGraph(definition, types, new Map()));
    const positions = positionsFromElk(graph);
    const size = new Map((graph.children ?? []).map((c) => [c.id, { width: c.width ?? 0, height: c.height ?? 0 }]));
    expect(positions.size).toBe(definition.nodes.length);

    for (const edge of definition.edges) {
      const source = positions.get(edge.source);
      const target = positions.get(edge.target);
      expect(source && target && target.x >= source.x + (size.get(edge.source)?.width ?? 0), `${edge.id} runs left to right`).toBe(true);
    }

    const boxes = [...positions].map(([id, at]) => ({ id, ...at, ...size.get(id)! })).sort((a, b) => a.x - b.x);
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i]!;
      for (let j = i + 1; j < boxes.length && boxes[j]!.x < a.x + a.width; j++) {
        const b = boxes[j]!;
        const overlap = b.y < a.y + a.height && a.y < b.y + b.height;
        expect(overlap, `${a.id} and ${b.id} overlap`).toBe(false);
      }
    }

    const conditions = definition.nodes.filter((n) => n.type === "condition");
    for (const condition of conditions) {
      const yes = definition.edges.find((e) => e.source === condition.id && e.sourceHandle === "true");
      const no = definition.edges.find((e) => e.source === condition.id && e.sourceHandle === "false");
      if (!yes || !no) continue;
      expect(positions.get(yes.target)!.y, `${condition.id}: true above false`).toBeLessThan(positions.get(no.target)!.y);
    }
  }, 60_000);
});
