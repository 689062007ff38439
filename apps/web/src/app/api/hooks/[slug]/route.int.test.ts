import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { peersBody, storedDeliveries, webhookFixture, webhookServerPerSuite } from "@trellis/api/testing";
import { queryRows } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { POST } from "./route";

function deliver(slug: string, body: BodyInit | null, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  const request = new Request(`http://localhost/api/hooks/${slug}${query}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    // A streamed body needs this (Node's fetch implementation).
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return POST(request, { params: Promise.resolve({ slug }) });
}

const body = (seed: number) => JSON.stringify(peersBody(seed));

async function problem(response: Response) {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const json = (await response.json()) as { status: number; requestId: string; detail: string; type: string };
  expect(json.requestId).toBe(response.headers.get("x-request-id"));
  return json;
}

describeEachDriver(
  "POST /api/hooks/[slug]",
  (ctx) => {
    webhookServerPerSuite(ctx.handle);

    it("answers 404 for an unknown slug, an inactive webhook and a deleted workflow's webhook, storing nothing", async () => {
      const unknown = await deliver("no-such-hook", body(1));
      expect(unknown.status).toBe(404);
      expect((await problem(unknown)).type).toBe("/api/docs/problems#not-found");
      expect((await deliver("../../etc", body(1))).status).toBe(404);

      const { webhook, owner, workspaceId, workflowId } = await webhookFixture(ctx.db());
      await owner.webhook.update({ workspaceId, webhookId: webhook.id, active: false });
      expect((await deliver(webhook.slug, body(1))).status).toBe(404);
      await owner.webhook.update({ workspaceId, webhookId: webhook.id, active: true });
      await owner.workflow.delete({ workspaceId, workflowId });
      expect((await deliver(webhook.slug, body(1))).status).toBe(404);
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 0, accepted: 0, rejected: 0, duplicates: 0 });
    });

    it("sees a change made elsewhere (another process, psql) once its notification arrives: deactivation, the workflow's deletion, a new slug", async () => {
      const { webhook, workflowId } = await webhookFixture(ctx.db());
      let seed = 100;
      const status = async (slug = webhook.slug) => (await deliver(slug, body(seed++))).status;
      expect(await status()).toBe(202);
      await ctx.db().execute(sql`UPDATE webhooks SET active = false WHERE id = ${webhook.id}`);
      await expect.poll(status, { timeout: 5_000, interval: 20 }).toBe(404);
      await ctx.db().execute(sql`UPDATE webhooks SET active = true WHERE id = ${webhook.id}`);
      await expect.poll(status, { timeout: 5_000, interval: 20 }).toBe(202);
      await ctx.db().execute(sql`UPDATE webhooks SET slug = ${`${webhook.slug}-moved`} WHERE id = ${webhook.id}`);
      await expect.poll(status, { timeout: 5_000, interval: 20 }).toBe(404);
      expect(await status(`${webhook.slug}-moved`)).toBe(202);
      await ctx.db().execute(sql`UPDATE workflows SET deleted_at = now() WHERE id = ${workflowId}`);
      await expect.poll(() => status(`${webhook.slug}-moved`), { timeout: 5_000, interval: 20 }).toBe(404);
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ halfStored: 0, runsWithoutDelivery: 0 });
    });

    it("answers 413 past the body limit without reading further, 415 for a content type not allowed, 401 without a signature; only the refusal is logged", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { signatureScheme: "hmac-sha256", maxBodyBytes: 1_000 });

      // Declared too large: refused before a byte is read.
      const declared = await deliver(webhook.slug, "x".repeat(2_000));
      expect(declared.status).toBe(413);
      expect(declared.headers.get("ratelimit-limit")).toBe("6000");

      // Streamed without a length: cut off once past the limit; the rest is never pulled.
      let pulled = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(600).fill(32));
          if (pulled > 1_000) controller.close();
        },
      });
      const streamed = await deliver(webhook.slug, stream);
      expect(streamed.status).toBe(413);
      expect(pulled).toBeLessThan(10);

      const wrongType = await deliver(webhook.slug, "a=1", { "content-type": "application/x-www-form-urlencoded" });
      expect(wrongType.status).toBe(415);
      expect((await problem(wrongType)).detail).toMatch(/accepts application\/json/);
      expect((await deliver(webhook.slug, body(2), { "content-type": "" })).status).toBe(415);

      const unsigned = await deliver(webhook.slug, body(2));
      expect(unsigned.status).toBe(401);
      expect((await problem(unsigned)).detail).toMatch(/x-trellis-signature/);

      expect(await storedDeliveries(ctx.db(), webhook)).toEqual({ runs: 0, accepted: 0, duplicates: 0, rejected: 5, halfStored: 0, runsWithoutDelivery: 0 });
      const log = await queryRows(ctx.db(), sql`SELECT status_code, body, run_id FROM webhook_deliveries WHERE webhook_id = ${webhook.id} ORDER BY received_at`);
      expect(log).toEqual([413, 413, 415, 415, 401].map((status) => ({ status_code: status, body: null, run_id: null })));
    });

    it("answers 400 for invalid JSON and for characters PostgreSQL cannot store, and 409 when the workflow has nothing published", async () => {
      const { webhook } = await webhookFixture(ctx.db());
      expect((await deliver(webhook.slug, "{not json")).status).toBe(400);
      expect((await deliver(webhook.slug, JSON.stringify({ text: "nul \u0000 here" }))).status).toBe(400);
      expect((await deliver(webhook.slug, '{"half":"\\ud800"}')).status).toBe(400);
      expect((await deliver(webhook.slug, body(3), {}, "?q=%00")).status).toBe(400);

      const unpublished = await webhookFixture(ctx.db());
      await ctx.db().execute(sql`UPDATE workflows SET latest_version_id = NULL WHERE id = ${unpublished.workflowId}`);
      expect((await deliver(unpublished.webhook.slug, body(3))).status).toBe(409);
      for (const hook of [webhook, unpublished.webhook]) {
        expect(await storedDeliveries(ctx.db(), hook)).toMatchObject({ runs: 0, accepted: 0, halfStored: 0 });
      }
    });

    it("gives the workflow the body, the headers and the query, credentials redacted in the run and the log", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { signatureScheme: "hmac-sha256", allowedContentTypes: ["application/json", "text/*"] });
      const secret = webhook.secret as string;
      const sign = (payload: string) => `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`;
      const json = body(4);
      const response = await deliver(webhook.slug, json, { "x-trellis-signature": sign(json), authorization: "Bearer abc", "x-custom": "kept" }, "?source=crm&token=s3cr3t");
      expect(response.status).toBe(202);
      const { runId } = (await response.json()) as { runId: string };
      const [run] = await queryRows<{ input: Record<string, Record<string, unknown>> }>(ctx.db(), sql`SELECT input FROM runs WHERE id = ${runId}`);
      expect(run?.input.body).toEqual(JSON.parse(json));
      expect(run?.input.query).toEqual({ source: "crm", token: "[redacted]" });
      expect(run?.input.headers).toMatchObject({ "x-custom": "kept", authorization: "[redacted]", "x-trellis-signature": "[redacted]" });
      const [logged] = await queryRows<{ headers: object; query: object; body: string }>(ctx.db(), sql`SELECT headers, query, body FROM webhook_deliveries WHERE run_id = ${runId}`);
      expect(JSON.stringify(logged)).not.toMatch(/abc|s3cr3t|sha256=/);
      expect(logged?.body).toBe(json);

      const text = "plain text, not JSON";
      const textual = await deliver(webhook.slug, text, { "content-type": "text/plain; charset=utf-8", "x-trellis-signature": sign(text) });
      const [textRun] = await queryRows<{ input: { body: unknown } }>(ctx.db(), sql`SELECT input FROM runs WHERE id = ${((await textual.json()) as { runId: string }).runId}`);
      expect(textRun?.input.body).toBe(text);
    });

    it("answers a duplicate (same sender id, or same body) with the first delivery's run, and starts no second run", async () => {
      const { webhook } = await webhookFixture(ctx.db());
      const first = await deliver(webhook.slug, body(5));
      const again = await deliver(webhook.slug, body(5));
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.headers.get("location")).toBe(first.headers.get("location"));
      const [a, b] = (await Promise.all([first.json(), again.json()])) as { runId: string; deliveryId: string; duplicate: boolean }[];
      expect(b).toEqual({ ...a, duplicate: true });
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 1, accepted: 1, duplicates: 1, halfStored: 0 });

      // Outside the window the same body is a new delivery: its key is claimed afresh.
      await ctx.db().execute(sql`UPDATE webhook_deliveries SET received_at = received_at - interval '2 days' WHERE webhook_id = ${webhook.id}`);
      await ctx.db().execute(sql`UPDATE webhook_dedupe_keys SET first_received_at = first_received_at - interval '2 days' WHERE webhook_id = ${webhook.id}`);
      const later = await deliver(webhook.slug, body(5));
      expect(later.headers.get("location")).not.toBe(first.headers.get("location"));
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 2, accepted: 2 });
    });

    it("starts one run for identical deliveries arriving at once", async () => {
      const { webhook } = await webhookFixture(ctx.db());
      const responses = await Promise.all(Array.from({ length: 8 }, () => deliver(webhook.slug, body(6))));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
      expect(new Set(responses.map((r) => r.headers.get("location"))).size).toBe(1);
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 1, accepted: 1, duplicates: 7, halfStored: 0 });
    });

    it("floods: past the webhook's limit answers 429 with Retry-After, and every accepted delivery started exactly one run", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { rateLimit: 15, rateLimitWindowSeconds: 60 });
      const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => deliver(webhook.slug, body(100 + i))));
      const accepted = responses.filter((r) => r.status === 202);
      const limited = responses.filter((r) => r.status === 429);
      expect(accepted).toHaveLength(15);
      expect(limited).toHaveLength(25);
      for (const response of responses) {
        expect(response.headers.get("ratelimit-limit")).toBe("15");
        expect(Number(response.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      }
      for (const response of limited) {
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect((await problem(response)).status).toBe(429);
      }
      const runIds = await Promise.all(accepted.map(async (r) => ((await r.json()) as { runId: string }).runId));
      expect(new Set(runIds).size).toBe(15);
      // Refused floods are not logged (that would turn a flood into writes).
      expect(await storedDeliveries(ctx.db(), webhook)).toEqual({ runs: 15, accepted: 15, duplicates: 0, rejected: 0, halfStored: 0, runsWithoutDelivery: 0 });
    });
  },
  { drivers: ["pglite", "pg"] },
);
