import { describe, expect, it } from "vitest";
import {
  approvalEventName,
  builtInNodeTypes,
  compile,
  createMemoryStepTools,
  createRegistry,
  defaultRegistry,
  execute,
  type Json,
  type NodeType,
  type RunResult,
} from "@trellis/engine";
import { workflowTemplates, type WorkflowTemplate } from ".";

interface SentRequest {
  nodeId: string;
  method: string;
  url: string;
  headers: Record<string, unknown>;
  body: unknown;
}

/**
 * The registry with http.request replaced by a double: the same config
 * schema (so templates resolve and validate exactly as in production), but
 * nothing leaves the machine. `status` decides what each URL answers.
 */
function registryWithHttpDouble(status: (url: string) => number) {
  const real = defaultRegistry().get("http.request") as NodeType<Record<string, unknown>>;
  const sent: SentRequest[] = [];
  const double: NodeType<Record<string, unknown>> = {
    ...real,
    async run(ctx) {
      const config = ctx.config as { method: string; url: string; headers: Record<string, unknown>; body?: { value: unknown } };
      sent.push({ nodeId: ctx.nodeId, method: config.method, url: config.url, headers: config.headers, body: config.body?.value });
      const code = status(config.url);
      return { output: { status: code, statusText: code < 300 ? "OK" : "Unavailable", headers: {}, body: { ok: code < 300 }, url: config.url } };
    },
  };
  const registry = createRegistry([...builtInNodeTypes.filter((t) => t.type !== "http.request"), double as NodeType]);
  return { registry, sent };
}

function template(id: string): WorkflowTemplate {
  const found = workflowTemplates.find((t) => t.id === id);
  if (!found) throw new Error(`no template ${id}`);
  return found;
}

async function run(
  id: string,
  input: Json,
  options: { events?: { name: string; payload: Json }[]; status?: (url: string) => number } = {},
): Promise<{ result: RunResult; sent: SentRequest[] }> {
  const compiled = compile(template(id).definition);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const { registry, sent } = registryWithHttpDouble(options.status ?? (() => 200));
  const memory = createMemoryStepTools({ events: options.events });
  // Delays would really sleep in memory; a template test only needs them to pass.
  const tools = { ...memory, sleep: async () => undefined };
  const result = await execute({
    plan: compiled.plan,
    input,
    tools,
    registry,
    context: { run: { id: "run-1", attempt: 1, startedAt: "2030-01-01T00:00:00.000Z" }, secrets: { API_TOKEN: "t0k3n", PAYMENTS_API_KEY: "pk", MAIL_API_KEY: "mk" } },
  });
  memory.dispose();
  return { result, sent };
}

describe("built-in templates", () => {
  it("offers at least five, with unique URL-safe ids", () => {
    expect(workflowTemplates.length).toBeGreaterThanOrEqual(5);
    const ids = workflowTemplates.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
  });

  it.each(workflowTemplates.map((t) => [t.id, t] as const))("%s compiles without problems", (_id, t) => {
    const result = compile(t.definition);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(workflowTemplates.map((t) => [t.id, t] as const))("%s names every secret it uses", (_id, t) => {
    const used = [...JSON.stringify(t.definition).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    expect([...new Set(used)].sort()).toEqual([...t.secrets].sort());
  });
});

describe("built-in templates run", () => {
  it("webhook-to-api posts the reshaped body with the token", async () => {
    const { result, sent } = await run("webhook-to-api", { method: "POST", headers: {}, query: {}, body: { type: "invoice.paid", id: 7 } });
    expect(result.status).toBe("succeeded");
    expect(sent).toEqual([
      {
        nodeId: "forward",
        method: "POST",
        url: "https://api.example.com/events",
        headers: { authorization: "Bearer t0k3n" },
        body: { type: "invoice.paid", receivedAt: "2030-01-01T00:00:00.000Z", data: { type: "invoice.paid", id: 7 } },
      },
    ]);
  });

  it("scheduled-health-check alerts only when the check fails", async () => {
    const healthy = await run("scheduled-health-check", { scheduledAt: "2030-01-01T00:05:00Z" });
    expect(healthy.result.status).toBe("succeeded");
    expect(healthy.sent.map((r) => r.nodeId)).toEqual(["check"]);

    const down = await run("scheduled-health-check", { scheduledAt: "2030-01-01T00:05:00Z" }, { status: (url) => (url.includes("status.") ? 503 : 200) });
    expect(down.result.status).toBe("succeeded");
    expect(down.sent.map((r) => r.nodeId)).toEqual(["check", "alert"]);
    expect(down.sent[1]?.body).toEqual({ text: "Health check failed: https://status.example.com/health answered 503" });
  });

  it("approval-before-payout pays small amounts at once and large ones after approval", async () => {
    const small = await run("approval-before-payout", { amount: 20, recipient: "ada" });
    expect(small.result.status).toBe("succeeded");
    expect(small.sent).toMatchObject([{ nodeId: "pay", body: { amount: 20, recipient: "ada" } }]);

    const approval = { name: approvalEventName("approve"), payload: { runId: "run-1", decision: "approved", by: "boss" } };
    const approved = await run("approval-before-payout", { amount: 5_000, recipient: "bob" }, { events: [approval] });
    expect(approved.result.status).toBe("succeeded");
    expect(approved.sent).toMatchObject([{ nodeId: "pay", body: { amount: 5_000, recipient: "bob" } }]);

    const rejection = { name: approvalEventName("approve"), payload: { runId: "run-1", decision: "rejected", by: "boss" } };
    const rejected = await run("approval-before-payout", { amount: 5_000, recipient: "eve" }, { events: [rejection] });
    expect(rejected.sent).toEqual([]);
    expect(rejected.result).toMatchObject({ status: "succeeded", output: { declined: { paid: false, decision: "rejected", by: "boss" } } });
  });

  it("for-each-item sends every item and summarises", async () => {
    const { result, sent } = await run("for-each-item", { items: [{ sku: "a" }, { sku: "b" }, { sku: "c" }] });
    expect(result).toMatchObject({ status: "succeeded", output: { summary: { sent: 3, statuses: [200, 200, 200] } } });
    expect(sent.map((r) => r.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([{ sku: "a" }, { sku: "b" }, { sku: "c" }]);
  });

  it("wait-for-payment confirms a paid order", async () => {
    const body = { orderId: "o-42", email: "c@example.test" };
    const { result, sent } = await run(
      "wait-for-payment",
      { method: "POST", headers: {}, query: {}, body },
      { events: [{ name: "payment.received", payload: { orderId: "o-42", amount: 10 } }] },
    );
    expect(result.status).toBe("succeeded");
    expect(sent).toMatchObject([{ nodeId: "confirm", url: "https://shop.example.com/orders/o-42/confirm" }]);
  });

  it("route-by-event-type sends refunds to billing and ignores unknown events", async () => {
    const refund = await run("route-by-event-type", { method: "POST", headers: {}, query: {}, body: { type: "refund", amount: 3 } });
    expect(refund.sent).toMatchObject([{ nodeId: "refund", url: "https://billing.example.com/refunds", body: { type: "refund", amount: 3 } }]);
    const other = await run("route-by-event-type", { method: "POST", headers: {}, query: {}, body: { type: "ping" } });
    expect(other.sent).toEqual([]);
    expect(other.result).toMatchObject({ status: "succeeded", output: { ignore: { case: "default" } } });
  });

  it("delayed-follow-up sends the follow-up after the delay", async () => {
    const { result, sent } = await run("delayed-follow-up", { email: "new@example.test", name: "Ada" });
    expect(result.status).toBe("succeeded");
    expect(sent).toMatchObject([
      { nodeId: "send", headers: { authorization: "Bearer mk" }, body: { to: "new@example.test", template: "day-one-follow-up", name: "Ada" } },
    ]);
  });
});
