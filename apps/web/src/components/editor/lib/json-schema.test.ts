import { describe, expect, it } from "vitest";
import { discriminatedUnion, fieldKind, labelFor, properties, resolve, validate, type Schema } from "./json-schema";
import { descriptors } from "./test-fixtures";

const types = descriptors();
const schemaOf = (type: string) => types.get(type)?.configSchema as Schema;
const kinds = (type: string) => {
  const root = schemaOf(type);
  return Object.fromEntries(properties(root, root).map((p) => [p.key, fieldKind(p.schema, root)]));
};

describe("form controls from the node types' config schemas", () => {
  it("picks a control per field of the HTTP node", () => {
    expect(kinds("http.request")).toEqual({
      method: "enum",
      url: "string",
      headers: "record",
      query: "record",
      body: "union",
      timeoutMs: "integer",
      responseType: "enum",
      failOnNon2xx: "boolean",
      followRedirects: "boolean",
      maxRedirects: "integer",
      maxResponseBytes: "integer",
    });
  });

  it("handles lists of objects and of text, and falls back to JSON", () => {
    expect(kinds("switch")).toEqual({ cases: "objectArray" });
    expect(kinds("approval")).toMatchObject({ approvers: "stringArray", instructions: "string" });
    expect(kinds("trigger.manual")).toEqual({ inputSchema: "json" });
    expect(kinds("workflow.invoke")).toMatchObject({ input: "json" });
  });

  it("tells a tagged union's options apart", () => {
    const root = schemaOf("http.request");
    const body = properties(root, root).find((p) => p.key === "body")?.schema ?? {};
    expect(discriminatedUnion(body, root)?.options.map((o) => o.value)).toEqual(["json", "form", "text"]);
  });

  it("follows local references and keeps the referring schema's description", () => {
    const root: Schema = { $defs: { s: { type: "string" } }, properties: { a: { $ref: "#/$defs/s", description: "A" } } };
    expect(resolve({ $ref: "#/$defs/s", description: "A" }, root)).toEqual({ type: "string", description: "A" });
  });

  it("labels fields for people", () => {
    expect(labelFor("timeoutMs", {})).toBe("Timeout (ms)");
    expect(labelFor("failOnNon2xx", {})).toBe("Fail on non 2xx");
    expect(labelFor("url", {})).toBe("URL");
    expect(labelFor("workflowId", {})).toBe("Workflow ID");
  });
});

describe("inline validation", () => {
  it("reports required values, types, ranges, patterns, enums and list sizes at their paths", () => {
    const http = schemaOf("http.request");
    expect(validate(http, http, {})).toEqual([{ path: ["url"], message: "Required" }]);
    expect(validate(http, http, { url: "https://x", timeoutMs: 0, method: "FETCH" })).toEqual([
      { path: ["method"], message: "Choose one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS" },
      { path: ["timeoutMs"], message: "Must be at least 1" },
    ]);
    expect(validate(http, http, { url: "https://x", body: { type: "json" } })).toEqual([{ path: ["body", "value"], message: "Required" }]);
    expect(validate(http, http, { url: "https://x", body: { type: "xml" } })).toEqual([{ path: ["body", "type"], message: "Choose one of json, form, text" }]);
    const sw = schemaOf("switch");
    expect(validate(sw, sw, { cases: [] })).toEqual([{ path: ["cases"], message: "Add at least 1 item" }]);
    expect(validate(sw, sw, { cases: [{ id: "bad id!", expression: "x" }] })).toEqual([{ path: ["cases", 0, "id"], message: "Does not match the expected format (^[A-Za-z0-9_-]{1,64}$)" }]);
    expect(validate(sw, sw, { cases: [{ id: "ok" }] })).toEqual([{ path: ["cases", 0, "expression"], message: "Required" }]);
    const delay = schemaOf("delay");
    expect(validate(delay, delay, { durationMs: 1.5 })).toEqual([{ path: ["durationMs"], message: "Enter a whole number" }]);
  });

  it("leaves templates and free JSON alone", () => {
    const http = schemaOf("http.request");
    expect(validate(http, http, { url: "{{ trigger.url }}", headers: { a: "{{ secrets.X }}" } })).toEqual([]);
    const manual = schemaOf("trigger.manual");
    expect(validate(manual, manual, { inputSchema: { anything: [1, { deep: true }] } })).toEqual([]);
  });
});
