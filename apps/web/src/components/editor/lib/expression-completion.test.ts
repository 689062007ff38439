import { describe, expect, it } from "vitest";
import { applyCompletion, completeAt, completionItems, insertSecret, upstreamNodeIds } from "./expression-completion";
import { descriptors, node, orderRouter } from "./test-fixtures";

const types = descriptors();

describe("what an expression can read", () => {
  it("lists the nodes upstream only", () => {
    expect(upstreamNodeIds(orderRouter(), "big")).toEqual(["trigger", "shape", "check"]);
    expect(upstreamNodeIds(orderRouter(), "trigger")).toEqual([]);
  });

  it("offers the trigger's input fields, upstream outputs with their schema fields, run data and secret names", () => {
    const labels = completionItems(orderRouter(), "big", types, ["API_TOKEN"]).map((i) => i.label);
    expect(labels).toContain("trigger.amount");
    expect(labels).toContain("trigger.customer.email");
    expect(labels).toContain("nodes.shape.output");
    expect(labels).toContain("nodes.check.output.result");
    expect(labels).toContain("secrets.API_TOKEN");
    expect(labels).toContain("run.id");
    expect(labels).not.toContain("nodes.small.output");
    expect(labels).not.toContain("nodes.big.output");
    expect(labels).not.toContain("item");
  });

  it("knows a webhook trigger's request fields and the HTTP node's response", () => {
    const definition = {
      ...orderRouter(),
      nodes: [node("hook", "trigger.webhook", { bodySchema: { type: "object", properties: { type: { type: "string" } } } }), node("fetch", "http.request", { url: "https://x" }), node("use", "transform")],
      edges: [
        { id: "a", source: "hook", target: "fetch" },
        { id: "b", source: "fetch", target: "use" },
      ],
    };
    const labels = completionItems(definition, "use", types).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["trigger.headers", "trigger.body", "trigger.body.type", "nodes.fetch.output.status", "nodes.fetch.output.body"]));
  });

  it("quotes node ids that are not identifiers and adds item/index inside a loop", () => {
    const definition = {
      ...orderRouter(),
      nodes: [node("t", "trigger.manual"), node("each-row", "loop.splitter", { items: "trigger.rows" }), node("work", "noop")],
      edges: [
        { id: "a", source: "t", target: "each-row" },
        { id: "b", source: "each-row", target: "work" },
      ],
    };
    const labels = completionItems(definition, "work", types).map((i) => i.label);
    expect(labels).toContain("nodes.`each-row`.output");
    expect(labels).toEqual(expect.arrayContaining(["item", "index"]));
  });
});

describe("completion at the caret", () => {
  const items = completionItems(orderRouter(), "big", types, ["API_TOKEN"]);

  it("in a template, only inside an open {{ }}", () => {
    expect(completeAt("Hello ", 6, items, "template")).toBeNull();
    const open = completeAt("Hello {{ tri", 12, items, "template");
    expect(open?.query).toBe("tri");
    expect(open?.needsClose).toBe(true);
    expect(open?.items[0]?.label).toBe("trigger");
    expect(completeAt("{{ a }} b", 9, items, "template")).toBeNull();
  });

  it("in an expression field, on any path being typed", () => {
    const match = completeAt("nodes.sh", 8, items, "expression");
    expect(match?.items.map((i) => i.label)).toEqual(["nodes.shape.output"]);
    expect(completeAt("", 0, items, "expression")).toBeNull();
    expect(completeAt("1.5", 3, items, "expression")).toBeNull();
  });

  it("also finds a field by a part of its name", () => {
    const match = completeAt("{{ email", 8, items, "template");
    expect(match?.items.map((i) => i.label)).toContain("trigger.customer.email");
  });

  it("inserts the choice and closes the template", () => {
    const text = "Total: {{tri";
    const match = completeAt(text, text.length, items, "template");
    const item = match?.items.find((i) => i.label === "trigger.amount");
    if (!match || !item) throw new Error("no completion");
    expect(applyCompletion(text, match, item)).toEqual({ text: "Total: {{ trigger.amount }}", caret: "Total: {{ trigger.amount".length });
    const closed = "{{ nodes.s }} ok";
    const inside = completeAt(closed, 10, items, "template");
    const shape = inside?.items.find((i) => i.label === "nodes.shape.output");
    if (!inside || !shape) throw new Error("no completion");
    expect(applyCompletion(closed, inside, shape).text).toBe("{{ nodes.shape.output }} ok");
  });

  it("inserts a secret reference, never a value", () => {
    expect(insertSecret("Bearer ", 7, 7, "API_TOKEN")).toEqual({ text: "Bearer {{ secrets.API_TOKEN }}", caret: 30 });
  });
});
