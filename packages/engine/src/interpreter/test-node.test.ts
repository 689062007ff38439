import { describe, expect, it } from "vitest";
import { createMemoryStepTools } from "../step-tools/memory";
import { testNode } from "./test-node";

describe("testNode", () => {
  it("runs one node with templates against provided node outputs", async () => {
    const result = await testNode({
      type: "transform",
      config: { expression: "nodes.fetch.output.body.total * vars.rate" },
      nodes: { fetch: { body: { total: 10 } } },
      context: { vars: { rate: 1.5 } },
    });
    expect(result).toEqual({
      ok: true,
      output: 15,
      handles: null,
      durationMs: expect.any(Number),
      logs: [],
    });
  });

  it("returns config problems instead of running", async () => {
    const result = await testNode({ type: "http.request", config: { url: 3 } });
    expect(result).toMatchObject({
      ok: false,
      error: { code: "invalid_config" },
      problems: [{ code: "invalid_config", path: ["url"] }],
    });
    expect(await testNode({ type: "nope" })).toMatchObject({
      ok: false,
      problems: [{ code: "unknown_node_type" }],
    });
  });

  it("does not retry and reports the node's error", async () => {
    const result = await testNode({
      type: "transform",
      config: { expression: "$error('bad input')" },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: "expression_error",
        message: expect.stringContaining("bad input"),
      },
    });
  });

  it("runs durable nodes with the given tools", async () => {
    const tools = createMemoryStepTools({
      events: [{ name: "ping", payload: { ok: true } }],
    });
    expect(
      await testNode({
        type: "wait.event",
        config: { event: "ping", timeoutMs: 1000 },
        tools,
      }),
    ).toMatchObject({
      ok: true,
      output: { received: true, payload: { ok: true } },
      handles: ["out"],
    });
  });
});
