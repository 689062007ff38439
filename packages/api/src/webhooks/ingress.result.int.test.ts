import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows, type DatabaseHandle } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import { eventually } from "@trellis/runtime/testing";
import { peersBody, webhookFixture } from "../testing";
import { handleWebhookDelivery } from "./ingress";

/** The SQL texts sent through the handle's driver client until `restore()`. */
function recordQueries(handle: DatabaseHandle): { texts: string[]; restore(): void } {
  const client = handle.client as unknown as { query: (...args: unknown[]) => unknown };
  const original = client.query;
  const texts: string[] = [];
  client.query = function (this: unknown, ...args: unknown[]) {
    const [first] = args;
    texts.push(typeof first === "string" ? first : ((first as { text?: string }).text ?? ""));
    return original.apply(this, args);
  };
  return { texts, restore: () => void (client.query = original) };
}

describeEachDriver(
  "result-mode webhooks, with the embedded runtime executing the runs",
  (ctx) => {
    let runtime: EmbeddedRuntime;
    beforeAll(async () => {
      runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 4, leaseMs: 5_000, pollIntervalMs: 200, scheduler: false, retention: false });
    });
    afterAll(async () => {
      await runtime?.stop({ graceMs: 1_000 });
      // Result mode listens on the run event bus; its LISTEN connection would keep the pool from closing.
      await getRunEventBus(ctx.handle()).close();
    });

    const deliver = (slug: string, body: string) =>
      handleWebhookDelivery(new Request(`http://localhost/api/hooks/${slug}`, { method: "POST", body, headers: { "content-type": "application/json" } }), slug, {
        handle: ctx.handle(),
      });

    it("answers 200 with the run's output once it finishes (the PEERS workload), and a duplicate with the same", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { answerMode: "result", resultTimeoutMs: 10_000 });
      const small = { id: 1, values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] };
      const response = await deliver(webhook.slug, JSON.stringify(small));
      expect(response.status).toBe(200);
      const location = response.headers.get("location");
      expect(location).toMatch(/^\/api\/v1\/runs\/[0-9a-f-]{36}$/);
      const expected = { respond: { ...small, sum: 55, processedBy: "trellis", route: "small" } };
      expect(await response.json()).toEqual(expected);

      const again = await deliver(webhook.slug, JSON.stringify(small));
      expect(again.status).toBe(200);
      expect(again.headers.get("location")).toBe(location);
      expect(await again.json()).toEqual(expected);

      const big = await deliver(webhook.slug, JSON.stringify({ id: 2, values: [50, 60] }));
      expect(((await big.json()) as { respond: { route: string } }).respond.route).toBe("big");
      // The log records what the sender was answered (just after the answer).
      const codes = await eventually(async () => {
        const rows = await queryRows<{ verdict: string; status_code: number }>(
          ctx.db(),
          sql`SELECT verdict, status_code FROM webhook_deliveries WHERE webhook_id = ${webhook.id} ORDER BY received_at`,
        );
        return rows.every((row) => row.status_code !== 202) ? rows : undefined;
      });
      expect(codes).toEqual([
        { verdict: "accepted", status_code: 200 },
        { verdict: "duplicate", status_code: 200 },
        { verdict: "accepted", status_code: 200 },
      ]);
    });

    it("shares accept statements between deliveries arriving together, and reads no run this process executes from its creation", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { answerMode: "result", resultTimeoutMs: 10_000 });
      const queries = recordQueries(ctx.handle());
      let responses: Response[];
      try {
        responses = await Promise.all(Array.from({ length: 8 }, (_, i) => deliver(webhook.slug, JSON.stringify(peersBody(100 + i)))));
      } finally {
        queries.restore();
      }
      const outputs = await Promise.all(responses.map(async (response) => [response.status, ((await response.json()) as { respond: { id: number } }).respond.id]));
      expect(outputs).toEqual(Array.from({ length: 8 }, (_, i) => [200, 100 + i]));
      const accepts = queries.texts.filter((text) => text.includes("INSERT INTO webhook_dedupe_keys")).length;
      expect(accepts).toBeGreaterThan(0);
      expect(accepts).toBeLessThan(8);
      // A run created already taken by this process's worker has its run.started entry written by the statement that
      // created it; the others were claimed after, and only their waits read the run (once) before the finish notice.
      const [{ adopted }] = await queryRows<{ adopted: number }>(
        ctx.db(),
        sql`SELECT count(*)::int AS adopted FROM run_events q JOIN run_events s ON s.run_id = q.run_id AND s.type = 'run.started' AND s.xmin = q.xmin
            JOIN webhook_deliveries d ON d.run_id = q.run_id WHERE q.type = 'run.queued' AND d.webhook_id = ${webhook.id}`,
      ) as [{ adopted: number }];
      const reads = queries.texts.filter((text) => text.includes("status IN ('succeeded', 'failed', 'cancelled')")).length;
      expect(reads).toBe(8 - adopted);
    });

    it("executes a run of pure nodes before storing its delivery: one commit holds the delivery (logged as answered), the finished run and its journal", async () => {
      for (const answerMode of ["result", "accepted"] as const) {
        const { webhook } = await webhookFixture(ctx.db(), { answerMode, resultTimeoutMs: 10_000 });
        const response = await deliver(webhook.slug, JSON.stringify(peersBody(40)));
        expect(response.status).toBe(answerMode === "result" ? 200 : 202);
        // Read at once, not eventually: all of it was committed before the answer.
        const [stored] = await queryRows<{ status: string; status_code: number; same_commit: boolean; steps: number }>(
          ctx.db(),
          sql`SELECT r.status, d.status_code, (r.xmin = d.xmin AND s.xmin = d.xmin) AS same_commit,
                (SELECT count(*)::int FROM run_steps WHERE run_id = r.id) AS steps
              FROM webhook_deliveries d JOIN runs r ON r.id = d.run_id JOIN run_steps s ON s.run_id = r.id AND s.step_id = 'respond'
              WHERE d.webhook_id = ${webhook.id}`,
        );
        expect(stored).toEqual({ status: "succeeded", status_code: answerMode === "result" ? 200 : 202, same_commit: true, steps: 4 });
      }
    });

    it("answers a failed run as problem+json with the run's Location", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { answerMode: "result" }, {
        schemaVersion: 1,
        nodes: [
          { id: "webhook", type: "trigger.webhook" },
          { id: "explode", type: "transform", config: { expression: '$error("the payload was rejected")' } },
        ],
        edges: [{ id: "e1", source: "webhook", target: "explode" }],
      });
      const response = await deliver(webhook.slug, JSON.stringify(peersBody(3)));
      expect(response.status).toBe(500);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("location")).toMatch(/^\/api\/v1\/runs\//);
      expect(await response.json()).toMatchObject({ type: "/api/docs/problems#run-failed", detail: expect.stringMatching(/explode.*the payload was rejected/) });
    });

    it("falls back to 202 + Location when the run takes longer than the webhook waits", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { answerMode: "result", resultTimeoutMs: 300 }, {
        schemaVersion: 1,
        nodes: [
          { id: "webhook", type: "trigger.webhook" },
          { id: "wait", type: "delay", config: { durationMs: 60_000 } },
        ],
        edges: [{ id: "e1", source: "webhook", target: "wait" }],
      });
      const started = Date.now();
      const response = await deliver(webhook.slug, JSON.stringify(peersBody(4)));
      expect(response.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(3_000);
      const { runId } = (await response.json()) as { runId: string };
      expect(response.headers.get("location")).toBe(`/api/v1/runs/${runId}`);
    });
  },
  { drivers: ["pglite", "pg"] },
);
