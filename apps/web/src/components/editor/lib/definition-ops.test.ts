import { describe, expect, it } from "vitest";
import { addEdge, addNode, getAt, moveNodes, removeElements, setAt, setNodeConfig, setNodeField } from "./definition-ops";
import { descriptors, orderRouter } from "./test-fixtures";

describe("edits of a definition", () => {
  it("adds a node with an id and a name that are free", () => {
    const first = addNode(orderRouter(), descriptors(), "transform", { x: 10.4, y: 20.6 });
    expect(first.id).toBe("transform");
    const second = addNode(first.definition, descriptors(), "transform", { x: 0, y: 0 });
    expect(second.id).toBe("transform_2");
    expect(second.definition.nodes.at(-1)).toMatchObject({ type: "transform", name: "Transform 2", position: { x: 0, y: 0 }, config: {} });
    expect(first.definition.nodes.at(-1)?.position).toEqual({ x: 10, y: 21 });
    expect(addNode(orderRouter(), descriptors(), "trigger.webhook", { x: 0, y: 0 }, "hook").id).toBe("hook");
  });

  it("removes nodes with their edges and compensation links, and keeps untouched objects", () => {
    const definition = orderRouter();
    definition.nodes[4] = { ...(definition.nodes[4] as (typeof definition.nodes)[number]), compensation: "big" };
    const next = removeElements(definition, ["big"], ["e1"]);
    expect(next.nodes.map((n) => n.id)).toEqual(["trigger", "shape", "check", "small"]);
    expect(next.edges.map((e) => e.id)).toEqual(["e2", "e4"]);
    expect(next.nodes[3]?.compensation).toBeUndefined();
    expect(next.nodes[0]).toBe(definition.nodes[0]);
    expect(removeElements(definition, [], [])).toBe(definition);
  });

  it("moves nodes to whole pixels and answers the same definition when nothing moved", () => {
    const definition = orderRouter();
    expect(moveNodes(definition, new Map([["shape", { x: 280, y: 0 }]]))).toBe(definition);
    expect(moveNodes(definition, new Map([["shape", { x: 1.6, y: 2.2 }]])).nodes[1]?.position).toEqual({ x: 2, y: 2 });
  });

  it("adds an edge with a readable unique id", () => {
    const once = addEdge(orderRouter(), { source: "big", sourceHandle: "out", target: "small", targetHandle: "in" });
    expect(once.id).toBe("big-small");
    expect(addEdge(once.definition, { source: "big", sourceHandle: "out", target: "small", targetHandle: "in" }).id).toBe("big-small-2");
    expect(addEdge(orderRouter(), { source: "check", sourceHandle: "true", target: "small", targetHandle: "in" }).id).toBe("check.true-small");
  });

  it("sets and clears node fields and config values", () => {
    let definition = setNodeField(orderRouter(), "big", "timeoutMs", 5_000);
    expect(definition.nodes[3]?.timeoutMs).toBe(5_000);
    definition = setNodeField(definition, "big", "timeoutMs", undefined);
    expect("timeoutMs" in (definition.nodes[3] ?? {})).toBe(false);
    definition = setNodeConfig(definition, "big", ["headers", "x-id"], "1");
    expect(definition.nodes[3]?.config).toEqual({ expression: "1", headers: { "x-id": "1" } });
    expect(setNodeConfig(definition, "big", ["expression"], "1")).toBe(definition);
  });
});

describe("setAt / getAt", () => {
  it("creates objects and arrays on the way and deletes with undefined", () => {
    expect(setAt({}, ["a", 0, "b"], 1)).toEqual({ a: [{ b: 1 }] });
    expect(setAt({ a: [1, 2, 3] }, ["a", 1], undefined)).toEqual({ a: [1, 3] });
    expect(setAt({ a: 1, b: 2 }, ["a"], undefined)).toEqual({ b: 2 });
    const same = { a: { b: 1 } };
    expect(setAt(same, ["a", "b"], 1)).toBe(same);
    expect(getAt({ a: [{ b: 7 }] }, ["a", 0, "b"])).toBe(7);
    expect(getAt({ a: 1 }, ["a", "b"])).toBeUndefined();
  });
});
