import { describe, expect, it } from "vitest";
import { setNodeConfig, setNodeField, moveNodes, removeElements, addNode } from "./definition-ops";
import { changedFields, diffVersion, previewDefinition } from "./diff";
import { descriptors, orderRouter } from "./test-fixtures";

describe("a version compared with the draft", () => {
  it("is empty for the same graph, and ignores moves", () => {
    const draft = moveNodes(orderRouter(), new Map([["big", { x: 5, y: 5 }]]));
    const diff = diffVersion(orderRouter(), draft);
    expect(diff.counts).toEqual({ added: 0, removed: 0, changed: 0 });
    expect(diff.nodes.size).toBe(0);
    expect(diff.edges.size).toBe(0);
  });

  it("marks what restoring the version would add, remove and change", () => {
    const version = orderRouter();
    let draft = removeElements(version, ["small"], []);
    draft = addNode(draft, descriptors(), "noop", { x: 0, y: 400 }).definition;
    draft = setNodeConfig(draft, "big", ["expression"], "99");
    draft = setNodeField(draft, "shape", "name", "Shape it");
    const diff = diffVersion(version, draft);
    expect(diff.counts).toEqual({ added: 1, removed: 1, changed: 2 });
    expect(diff.nodes.get("small")).toBe("added");
    expect(diff.nodes.get("noop")).toBe("removed");
    expect(diff.changes.get("big")).toEqual(["config.expression"]);
    expect(diff.changes.get("shape")).toEqual(["name"]);
    expect(diff.edges.get("e4")).toBe("added");

    const preview = previewDefinition(version, diff);
    expect(preview.nodes.map((n) => n.id)).toEqual(["trigger", "shape", "check", "big", "small", "noop"]);
  });

  it("matches edges by what they connect, with default handles spelled out", () => {
    const version = orderRouter();
    const draft = { ...version, edges: version.edges.map((e) => (e.id === "e1" ? { ...e, id: "renamed", sourceHandle: "out", targetHandle: "in" } : e)) };
    expect(diffVersion(version, draft).edges.size).toBe(0);
    const rewired = { ...version, edges: [...version.edges.filter((e) => e.id !== "e2"), { id: "x", source: "trigger", target: "check" }] };
    const diff = diffVersion(version, rewired);
    expect(diff.edges.get("e2")).toBe("added");
    expect(diff.edges.get("removed:x")).toBe("removed");
    expect(previewDefinition(version, diff).edges.at(-1)?.id).toBe("removed:x");
  });

  it("lists changed fields without caring about key order", () => {
    const a = { id: "n", type: "http.request", position: { x: 0, y: 0 }, config: { headers: { a: "1", b: "2" } } };
    const b = { ...a, config: { headers: { b: "2", a: "1" } }, retry: { maxAttempts: 5 } };
    expect(changedFields(a, b)).toEqual(["retry"]);
  });
});
