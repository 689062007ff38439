import { describe, expect, it } from "vitest";
import { hasStackedNodes, positionsFromElk, toElkGraph } from "./layout";
import { descriptors, orderRouter } from "./test-fixtures";

describe("the automatic layout's graph", () => {
  it("is layered left to right, with ordered ports where a node has several outputs", () => {
    const graph = toElkGraph(orderRouter(), descriptors(), new Map([["check", { width: 240, height: 120 }]]));
    expect(graph.layoutOptions?.["elk.algorithm"]).toBe("layered");
    expect(graph.layoutOptions?.["elk.direction"]).toBe("RIGHT");
    const check = graph.children?.find((c) => c.id === "check");
    expect(check?.height).toBe(120);
    expect(check?.ports?.map((p) => [p.id, p.layoutOptions?.["elk.port.side"], p.layoutOptions?.["elk.port.index"]])).toEqual([
      ["check::out::true", "EAST", "0"],
      ["check::out::false", "EAST", "1"],
      ["check::in::in", "WEST", "2"],
    ]);
    expect(graph.edges?.find((e) => e.id === "e3")).toMatchObject({ sources: ["check::out::true"], targets: ["big"] });
    expect(graph.edges?.find((e) => e.id === "e1")).toMatchObject({ sources: ["trigger"], targets: ["shape"] });
    expect(graph.children?.find((c) => c.id === "shape")?.ports).toBeUndefined();
    // Nodes React Flow has not measured get the card's estimated size.
    expect(graph.children?.find((c) => c.id === "big")).toMatchObject({ width: 240, height: 74 });
  });

  it("reads positions back as whole pixels", () => {
    expect(positionsFromElk({ id: "root", children: [{ id: "a", x: 10.6, y: 3.2 }] })).toEqual(new Map([["a", { x: 11, y: 3 }]]));
  });
});

describe("definitions without positions", () => {
  it("are recognised, so the editor lays them out on opening", () => {
    expect(hasStackedNodes(orderRouter())).toBe(false);
    const stacked = { ...orderRouter(), nodes: orderRouter().nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) };
    expect(hasStackedNodes(stacked)).toBe(true);
    expect(hasStackedNodes({ ...stacked, nodes: stacked.nodes.slice(0, 1) })).toBe(false);
  });
});
