import { describe, expect, it } from "vitest";
import { workflowDefinitionJsonSchema } from "../definition/json-schema";
import {
  builtInNodeTypes,
  createDefaultRegistry,
  createRegistry,
} from "./registry";

describe("node registry", () => {
  const registry = createDefaultRegistry();

  it("lists every built-in type with a public descriptor", () => {
    const types = registry.listNodeTypes().map((d) => d.type);
    expect(types).toEqual([
      "trigger.manual",
      "trigger.webhook",
      "trigger.schedule",
      "http.request",
      "transform",
      "condition",
      "switch",
      "loop.splitter",
      "loop.collector",
      "delay",
      "wait.event",
      "approval",
      "workflow.invoke",
      "noop",
    ]);
    for (const descriptor of registry.listNodeTypes()) {
      expect(descriptor.title).not.toBe("");
      expect(descriptor.description).not.toBe("");
      expect(descriptor.icon).not.toBe("");
      expect(descriptor.configSchema).toMatchObject({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
      });
      expect(descriptor.outputSchema.$schema).toBeDefined();
      // Safe to ship: a descriptor is plain JSON, no handler functions.
      expect(JSON.parse(JSON.stringify(descriptor))).toEqual(descriptor);
    }
  });

  it("describes handles, roles and the error handle", () => {
    expect(
      registry.describe("condition")?.handles.outputs.map((h) => h.id),
    ).toEqual(["true", "false"]);
    expect(registry.describe("switch")?.handles.dynamicOutputs).toMatch(/case/);
    expect(registry.describe("trigger.manual")).toMatchObject({
      role: "trigger",
      handles: { inputs: [], error: null },
    });
    expect(registry.describe("http.request")?.handles.error?.id).toBe("error");
    expect(registry.describe("loop.splitter")?.role).toBe("splitter");
    expect(registry.describe("approval")).toMatchObject({
      durable: true,
      category: "flow",
    });
    expect(registry.describe("http.request")?.configSchema).toMatchObject({
      properties: { url: { type: "string" }, method: { default: "GET" } },
    });
  });

  it("refuses a type registered twice", () => {
    expect(() =>
      createRegistry([...builtInNodeTypes, builtInNodeTypes[0]!]),
    ).toThrow(/twice/);
  });

  it("exports the definition's JSON Schema", () => {
    expect(workflowDefinitionJsonSchema).toMatchObject({
      type: "object",
      required: ["schemaVersion", "nodes"],
      properties: {
        schemaVersion: { const: 1 },
        nodes: { type: "array" },
        edges: { type: "array" },
        settings: { type: "object" },
      },
    });
  });
});
