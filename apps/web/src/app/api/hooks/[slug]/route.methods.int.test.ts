import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { storedDeliveries, webhookFixture, webhookServerPerSuite } from "@trellis/api/testing";
import { queryRows } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import type { WorkflowDefinitionInput } from "@trellis/engine";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { DELETE, GET, PATCH, POST, PUT } from "./route";

const handlers = { GET, POST, PUT, PATCH, DELETE };
type Method = keyof typeof handlers;

/** A webhook trigger listening on `method` whose run answers what it received. */
const listeningOn = (method: Method): WorkflowDefinitionInput => ({
  schemaVersion: 1,
  nodes: [
    { id: "hook", type: "trigger.webhook", config: { method } },
    { id: "echo", type: "transform", config: { expression: '{"method": trigger.method, "order": trigger.query.order, "body": trigger.body}' } },
  ],
  edges: [{ id: "e1", source: "hook", target: "echo" }],
});

function send(method: Method, slug: string, options: { body?: string; query?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const request = new Request(`http://localhost/api/hooks/${slug}${options.query ?? ""}`, { method, body: options.body, headers: options.headers });
  return handlers[method](request, { params: Promise.resolve({ slug }) });
}

const runInput = async (db: Parameters<typeof queryRows>[0], runId: string) =>
  (await queryRows<{ input: Record<string, unknown> }>(db, sql`SELECT input FROM runs WHERE id = ${runId}`))[0]?.input;

describeEachDriver(
  "webhook ingress answers the method its trigger listens on",
  (ctx) => {
    webhookServerPerSuite(ctx.handle);
    let runtime: EmbeddedRuntime;
    beforeAll(async () => {
      runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 2, leaseMs: 5_000, pollIntervalMs: 200, scheduler: false, retention: false });
    });
    afterAll(async () => {
      await runtime?.stop({ graceMs: 1_000 });
      await getRunEventBus(ctx.handle()).close();
    });

    it("GET: starts a run with the query as input and no body, needing no Content-Type; the same query is a duplicate", async () => {
      const { webhook, owner, workspaceId } = await webhookFixture(ctx.db(), {}, listeningOn("GET"));
      // The webhook's views say which method senders must use.
      expect(webhook.method).toBe("GET");
      expect((await owner.webhook.get({ workspaceId, webhookId: webhook.id })).method).toBe("GET");
      expect((await owner.webhook.list({ workspaceId })).find((item) => item.id === webhook.id)?.method).toBe("GET");
      const response = await send("GET", webhook.slug, { query: "?order=42&token=s3cr3t" });
      expect(response.status).toBe(202);
      const { runId, duplicate } = (await response.json()) as { runId: string; duplicate: boolean };
      expect(duplicate).toBe(false);
      expect(response.headers.get("location")).toBe(`/api/v1/runs/${runId}`);
      expect(await runInput(ctx.db(), runId)).toMatchObject({ method: "GET", query: { order: "42", token: "[redacted]" }, body: null });

      const again = (await (await send("GET", webhook.slug, { query: "?order=42&token=s3cr3t" })).json()) as { runId: string; duplicate: boolean };
      expect(again).toMatchObject({ runId, duplicate: true });
      const other = (await (await send("GET", webhook.slug, { query: "?order=43" })).json()) as { runId: string; duplicate: boolean };
      expect(other.duplicate).toBe(false);
      expect(other.runId).not.toBe(runId);
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 2, accepted: 2, duplicates: 1, halfStored: 0, runsWithoutDelivery: 0 });
    });

    it("refuses any other method with 405 and Allow, storing nothing; a POST trigger still takes POST only", async () => {
      const { webhook } = await webhookFixture(ctx.db(), {}, listeningOn("GET"));
      const refused = await send("POST", webhook.slug, { body: "{}", headers: { "content-type": "application/json" } });
      expect(refused.status).toBe(405);
      expect(refused.headers.get("allow")).toBe("GET");
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      expect(await refused.json()).toMatchObject({ type: "/api/docs/problems#method-not-allowed", status: 405, detail: expect.stringContaining("GET") });
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 0, accepted: 0, rejected: 0 });

      // A trigger without a method setting listens on POST, its default.
      const unset = listeningOn("POST");
      const post = await webhookFixture(ctx.db(), {}, { ...unset, nodes: unset.nodes.map((node) => (node.id === "hook" ? { id: "hook", type: "trigger.webhook" } : node)) });
      for (const method of ["GET", "PUT", "DELETE"] as const) {
        const response = await send(method, post.webhook.slug, method === "PUT" ? { body: "{}", headers: { "content-type": "application/json" } } : {});
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
      }
      expect(post.webhook.method).toBe("POST");
      expect((await send("POST", post.webhook.slug, { body: "{}", headers: { "content-type": "application/json" } })).status).toBe(202);
      // An unknown slug stays 404 whatever the method.
      expect((await send("GET", "no-such-hook")).status).toBe(404);
    });

    it("PUT and PATCH carry a body checked like POST's; DELETE has none", async () => {
      const put = await webhookFixture(ctx.db(), {}, listeningOn("PUT"));
      const accepted = await send("PUT", put.webhook.slug, { body: JSON.stringify({ id: 7 }), headers: { "content-type": "application/json" } });
      expect(accepted.status).toBe(202);
      expect(await runInput(ctx.db(), ((await accepted.json()) as { runId: string }).runId)).toMatchObject({ method: "PUT", body: { id: 7 } });
      expect((await send("PUT", put.webhook.slug, { body: "id=7", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
      expect((await send("PATCH", put.webhook.slug, { body: "{}", headers: { "content-type": "application/json" } })).status).toBe(405);

      const patch = await webhookFixture(ctx.db(), {}, listeningOn("PATCH"));
      const patched = await send("PATCH", patch.webhook.slug, { body: JSON.stringify({ name: "x" }), headers: { "content-type": "application/json" } });
      expect(patched.status).toBe(202);
      expect(await runInput(ctx.db(), ((await patched.json()) as { runId: string }).runId)).toMatchObject({ method: "PATCH", body: { name: "x" } });

      const del = await webhookFixture(ctx.db(), {}, listeningOn("DELETE"));
      const deleted = await send("DELETE", del.webhook.slug, { query: "?order=9" });
      expect(deleted.status).toBe(202);
      expect(await runInput(ctx.db(), ((await deleted.json()) as { runId: string }).runId)).toMatchObject({ method: "DELETE", query: { order: "9" }, body: null });
    });

    it("runs the workflow on a GET in result mode, answering its output, and replays the delivery as a GET", async () => {
      const { webhook, owner, workspaceId } = await webhookFixture(ctx.db(), { answerMode: "result", resultTimeoutMs: 10_000 }, listeningOn("GET"));
      const response = await send("GET", webhook.slug, { query: "?order=99" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ echo: { method: "GET", order: "99", body: null } });

      const [delivery] = (await owner.webhook.deliveries({ workspaceId, webhookId: webhook.id })).items;
      const replayed = await owner.webhook.replayDelivery({ workspaceId, webhookId: webhook.id, deliveryId: delivery!.id });
      expect(await runInput(ctx.db(), replayed.runId!)).toMatchObject({ method: "GET", query: { order: "99" }, body: null });
    });
  },
  { drivers: ["pglite", "pg"] },
);
