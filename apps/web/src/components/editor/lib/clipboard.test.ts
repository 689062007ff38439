import { describe, expect, it } from "vitest";
import { copyFragment, parseFragment, pasteFragment, remapReferences } from "./clipboard";
import { orderRouter } from "./test-fixtures";

describe("copy and paste", () => {
  it("copies the selected nodes and only the edges between them", () => {
    const fragment = copyFragment(orderRouter(), ["shape", "check", "big"]);
    expect(fragment?.nodes.map((n) => n.id)).toEqual(["shape", "check", "big"]);
    expect(fragment?.edges.map((e) => e.id)).toEqual(["e2", "e3"]);
    expect(copyFragment(orderRouter(), [])).toBeNull();
  });

  it("pastes with fresh ids and names, rewires edges and remaps references", () => {
    const definition = orderRouter();
    const fragment = copyFragment(definition, ["shape", "check"]);
    if (!fragment) throw new Error("nothing copied");
    const result = pasteFragment(definition, fragment);
    expect(result.nodeIds).toEqual(["shape_2", "check_2"]);
    const pasted = result.definition.nodes.filter((n) => result.nodeIds.includes(n.id));
    expect(pasted.map((n) => n.name)).toEqual(["shape 2", "check 2"]);
    // The copy of `check` reads the copy of `shape`, not the original.
    expect(pasted[1]?.config.expression).toBe("nodes.shape_2.output.total > 100");
    expect(pasted[0]?.position).toEqual({ x: 320, y: 40 });
    const edge = result.definition.edges.find((e) => result.edgeIds.includes(e.id));
    expect(edge).toMatchObject({ source: "shape_2", target: "check_2" });
    expect(new Set(result.definition.edges.map((e) => e.id)).size).toBe(result.definition.edges.length);
    // The originals are untouched.
    expect(result.definition.nodes.slice(0, 5)).toEqual(definition.nodes);
  });

  it("pastes again without colliding with the first copy", () => {
    const definition = orderRouter();
    const fragment = copyFragment(definition, ["big"]);
    if (!fragment) throw new Error("nothing copied");
    const once = pasteFragment(definition, fragment);
    const twice = pasteFragment(once.definition, fragment, { offset: { x: 80, y: 80 } });
    expect(twice.nodeIds).toEqual(["big_3"]);
    expect(twice.definition.nodes.find((n) => n.id === "big_3")?.name).toBe("big 3");
  });

  it("places the fragment's corner at a point and keeps compensation links inside it", () => {
    const definition = orderRouter();
    definition.nodes[3] = { ...(definition.nodes[3] as (typeof definition.nodes)[number]), compensation: "small" };
    const fragment = copyFragment(definition, ["big", "small"]);
    if (!fragment) throw new Error("nothing copied");
    const { definition: next, nodeIds } = pasteFragment(definition, fragment, { at: { x: 0, y: 0 } });
    const [big, small] = nodeIds.map((id) => next.nodes.find((n) => n.id === id));
    expect(big?.compensation).toBe(small?.id);
    expect(big?.position).toEqual({ x: 0, y: 0 });
    expect(small?.position).toEqual({ x: 0, y: 160 });
    const alone = copyFragment(definition, ["big"]);
    if (!alone) throw new Error("nothing copied");
    expect(pasteFragment(definition, alone).definition.nodes.at(-1)?.compensation).toBeUndefined();
  });

  it("remaps only whole ids, in plain and backquoted paths", () => {
    const ids = new Map([["a", "a_2"]]);
    expect(remapReferences("{{ nodes.a.output }} {{ nodes.ab.output }}", ids)).toBe("{{ nodes.a_2.output }} {{ nodes.ab.output }}");
    expect(remapReferences({ list: ["nodes.`a`.output"] }, new Map([["a", "b-1"]]))).toEqual({ list: ["nodes.`b-1`.output"] });
  });

  it("reads a fragment back from text and refuses anything else", () => {
    const fragment = copyFragment(orderRouter(), ["shape"]);
    expect(parseFragment(JSON.stringify(fragment))?.nodes[0]?.id).toBe("shape");
    expect(parseFragment("hello")).toBeNull();
    expect(parseFragment(JSON.stringify({ format: "other", nodes: [], edges: [] }))).toBeNull();
  });
});
