import { expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, rejection, workspaceWithRoles } from "./testing";

describeEachDriver("node types", (ctx) => {
  async function setup() {
    const db = ctx.db();
    const cast = await workspaceWithRoles(db);
    return { cast, workspaceId: cast.workspace.id, editor: callerFor(db, cast.editor), viewer: callerFor(db, cast.viewer), admin: callerFor(db, cast.admin) };
  }

  it("lists every node type with its JSON Schemas and handles", async () => {
    const { workspaceId, viewer } = await setup();
    const types = await viewer.nodeType.list({ workspaceId });
    expect(types.map((t) => t.type)).toEqual(expect.arrayContaining(["trigger.manual", "trigger.schedule", "http.request", "transform", "condition", "loop.splitter"]));
    const http = await viewer.nodeType.get({ workspaceId, type: "http.request" });
    expect(http).toMatchObject({ category: "action", role: null, durable: false, handles: { inputs: [{ id: "in" }], error: { id: "error" } } });
    expect(http.configSchema).toMatchObject({ type: "object", properties: { url: { type: "string" } }, required: ["url"] });
    expect(types.find((t) => t.type === "trigger.manual")?.handles.error).toBeNull();
    expect((await rejection(viewer.nodeType.get({ workspaceId, type: "nope" }))).code).toBe("NOT_FOUND");
  });

  it("tests a node with a config, an input and other nodes' outputs", async () => {
    const { workspaceId, editor } = await setup();
    const result = await editor.nodeType.test({
      workspaceId,
      type: "transform",
      config: { expression: "{ 'sum': input.a + nodes.previous.output.b }" },
      input: { a: 1 },
      nodes: { previous: { b: 41 } },
    });
    expect(result).toMatchObject({ ok: true, output: { sum: 42 } });

    const branch = await editor.nodeType.test({ workspaceId, type: "condition", config: { expression: "input.amount > 100" }, input: { amount: 500 } });
    expect(branch).toMatchObject({ ok: true, output: { result: true }, handles: ["true"] });
  });

  it("answers at once for nodes that would wait: sleeps end, waits get the given event or time out", async () => {
    const { workspaceId, editor } = await setup();
    const started = Date.now();
    const delay = await editor.nodeType.test({ workspaceId, type: "delay", config: { durationMs: 86_400_000 } });
    expect(delay.ok).toBe(true);
    const received = await editor.nodeType.test({
      workspaceId,
      type: "wait.event",
      config: { event: "order.paid", match: { orderId: "{{ input.id }}" } },
      input: { id: "o-1" },
      event: { orderId: "o-1", total: 3 },
    });
    expect(received).toMatchObject({ ok: true, handles: ["out"], output: { received: true, payload: { orderId: "o-1", total: 3 } } });
    const otherOrder = await editor.nodeType.test({
      workspaceId,
      type: "wait.event",
      config: { event: "order.paid", match: { orderId: "o-2" } },
      event: { orderId: "o-1" },
    });
    expect(otherOrder).toMatchObject({ ok: true, handles: ["timeout"], output: { received: false } });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("uses the workspace's secrets and masks them in what comes back", async () => {
    const { workspaceId, editor, admin } = await setup();
    await admin.secret.create({ workspaceId, name: "TOKEN", value: "s3cr3t-value" });
    const result = await editor.nodeType.test({ workspaceId, type: "transform", config: { expression: "secrets.TOKEN & '-suffix'" } });
    expect(result).toMatchObject({ ok: true, output: "***-suffix" });
    expect(JSON.stringify(result)).not.toContain("s3cr3t-value");
  });

  it("reports a node that runs and fails as ok: false, and an invalid config as UNPROCESSABLE_CONTENT", async () => {
    const { workspaceId, editor } = await setup();
    // The SSRF guard refuses loopback: the failure happens without any network.
    const failed = await editor.nodeType.test({ workspaceId, type: "http.request", config: { url: "http://127.0.0.1:9/" } });
    expect(failed).toMatchObject({ ok: false, error: { code: "ssrf_blocked" }, problems: [] });

    const invalid = await rejection(editor.nodeType.test({ workspaceId, type: "http.request", config: { method: "FETCH" } }));
    expect(invalid.code).toBe("UNPROCESSABLE_CONTENT");
    expect(invalid.extensions.problems?.map((p) => p.path)).toEqual(expect.arrayContaining([["method"], ["url"]]));
    expect((await rejection(editor.nodeType.test({ workspaceId, type: "nope" }))).code).toBe("NOT_FOUND");
  });
});
