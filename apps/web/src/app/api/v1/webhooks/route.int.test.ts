import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, callerFor, configureRateLimits, createMemoryLimiter, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase, queryRows } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { POST as ingress } from "../../hooks/[slug]/route";
import { GET as getDelivery } from "./[webhookId]/deliveries/[deliveryId]/route";
import { POST as replay } from "./[webhookId]/deliveries/[deliveryId]/replays/route";
import { GET as listDeliveries } from "./[webhookId]/deliveries/route";
import { DELETE, GET as getOne, PATCH } from "./[webhookId]/route";
import { POST as rotate } from "./[webhookId]/secret-rotations/route";
import { GET as list, POST as create } from "./route";

interface WebhookBody {
  id: string;
  slug: string;
  path: string;
  secret?: string | null;
  previousSecretExpiresAt: string | null;
  workflowId: string;
}
interface DeliveryBody {
  id: string;
  verdict: string;
  runId: string | null;
  replayOf: string | null;
  body: string | null;
  headers: Record<string, string>;
}

describeEachDriver(
  "REST /api/v1/webhooks",
  (ctx) => {
    let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
    let call: ReturnType<typeof restCaller>;
    let readOnly: ReturnType<typeof restCaller>;
    let workflowId: string;

    beforeAll(async () => {
      provideAppDatabase(ctx.handle());
      configureRateLimits({ limiter: createMemoryLimiter() });
      cast = await workspaceWithRoles(ctx.db());
      call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["webhooks:read", "webhooks:write"]));
      readOnly = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["webhooks:read"]));
      const owner = callerFor(ctx.db(), cast.owner);
      workflowId = (await owner.workflow.create({ workspaceId: cast.workspace.id, name: "Target" })).id;
      await owner.workflowVersion.publish({ workspaceId: cast.workspace.id, workflowId, message: "v1" });
    });
    afterAll(() => configureRateLimits({ limiter: createMemoryLimiter() }));

    const deliver = (slug: string, body: string, headers: Record<string, string> = {}) =>
      ingress(new Request(`http://localhost/api/hooks/${slug}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }), {
        params: Promise.resolve({ slug }),
      });

    it("creates (the secret shown once), reads, lists, changes and deletes a webhook", async () => {
      const created = await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "standard-webhooks", slug: "orders-in", name: "Orders" } });
      expect(created.status).toBe(201);
      const webhook = (await created.json()) as WebhookBody;
      expect(created.headers.get("location")).toBe(`/api/v1/webhooks/${webhook.id}`);
      expect(created.headers.get("ratelimit-remaining")).toMatch(/^\d+$/);
      expect(webhook).toMatchObject({ slug: "orders-in", path: "/api/hooks/orders-in", secret: expect.stringMatching(/^whsec_/), signatureHeader: null });

      const params = { webhookId: webhook.id };
      const read = await readOnly(getOne, `/api/v1/webhooks/${webhook.id}`, { params });
      const text = await read.text();
      expect(read.status).toBe(200);
      expect(text).not.toContain(webhook.secret as string);
      expect(JSON.parse(text)).not.toHaveProperty("secret");
      expect(((await (await readOnly(list, "/api/v1/webhooks")).json()) as { items: WebhookBody[] }).items.map((w) => w.slug)).toContain("orders-in");

      const taken = await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "none", slug: "orders-in" } });
      expect(taken.status).toBe(409);
      const bad = await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "github", resultTimeoutMs: 60_000, slug: "-x" } });
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({ errors: { resultTimeoutMs: [expect.any(String)], slug: [expect.any(String)] } });
      expect((await readOnly(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "none" } })).status).toBe(403);

      const changed = await call(PATCH, `/api/v1/webhooks/${webhook.id}`, { method: "PATCH", params, body: { answerMode: "result", resultTimeoutMs: 5_000, active: false } });
      expect(await changed.json()).toMatchObject({ answerMode: "result", resultTimeoutMs: 5_000, active: false });
      expect((await call(DELETE, `/api/v1/webhooks/${webhook.id}`, { method: "DELETE", params })).status).toBe(204);
      expect((await call(getOne, `/api/v1/webhooks/${webhook.id}`, { params })).status).toBe(404);
    });

    it("rotates the secret with an overlap", async () => {
      const created = (await (await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "github" } })).json()) as WebhookBody;
      const params = { webhookId: created.id };
      const rotated = await call(rotate, `/api/v1/webhooks/${created.id}/secret-rotations`, { method: "POST", params, body: { overlapSeconds: 600 } });
      expect(rotated.status).toBe(200);
      const body = (await rotated.json()) as WebhookBody;
      expect(body.secret).toMatch(/^[0-9a-f]{64}$/);
      expect(body.secret).not.toBe(created.secret);
      const overlapEnds = new Date(body.previousSecretExpiresAt as string).getTime() - Date.now();
      expect(overlapEnds).toBeGreaterThan(590_000);
      expect(overlapEnds).toBeLessThan(610_000);

      const own = await call(rotate, `/api/v1/webhooks/${created.id}/secret-rotations`, { method: "POST", params, body: { secret: "my-own-github-secret-value" } });
      expect(((await own.json()) as WebhookBody).secret).toBe("my-own-github-secret-value");
      const unsigned = (await (await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "none" } })).json()) as WebhookBody;
      expect((await call(rotate, `/api/v1/webhooks/${unsigned.id}/secret-rotations`, { method: "POST", params: { webhookId: unsigned.id } })).status).toBe(409);
    });

    it("pages through the delivery log and replays an accepted delivery as a new run linked to it", async () => {
      const webhook = (await (await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId, signatureScheme: "none" } })).json()) as WebhookBody;
      const params = { webhookId: webhook.id };
      const accepted = await deliver(webhook.slug, '{"n":1}', { authorization: "Bearer leaked?" });
      expect(accepted.status).toBe(202);
      await deliver(webhook.slug, '{"n":1}');
      await deliver(webhook.slug, "oops", { "content-type": "text/plain" });

      const first = await readOnly(listDeliveries, `/api/v1/webhooks/${webhook.id}/deliveries?limit=2`, { params });
      const page = (await first.json()) as { items: DeliveryBody[]; next: string };
      expect(page.items.map((d) => d.verdict)).toEqual(["rejected", "duplicate"]);
      expect(first.headers.get("link")).toBe(`<${page.next}>; rel="next"`);
      const second = (await (await readOnly(listDeliveries, page.next, { params })).json()) as { items: DeliveryBody[]; next: string | null };
      expect(second.items.map((d) => d.verdict)).toEqual(["accepted"]);
      expect(second.next).toBeNull();
      const original = second.items[0]!;
      expect(original.headers.authorization).toBe("[redacted]");
      const onlyAccepted = (await (await readOnly(listDeliveries, `/api/v1/webhooks/${webhook.id}/deliveries?verdict=accepted`, { params })).json()) as { items: DeliveryBody[] };
      expect(onlyAccepted.items).toHaveLength(1);

      const replayed = await call(replay, "/replays", { method: "POST", params: { ...params, deliveryId: original.id } });
      expect(replayed.status).toBe(201);
      const copy = (await replayed.json()) as DeliveryBody;
      expect(copy).toMatchObject({ verdict: "accepted", replayOf: original.id, body: '{"n":1}' });
      expect(copy.runId).not.toBe(original.runId);
      expect(replayed.headers.get("location")).toBe(`/api/v1/webhooks/${webhook.id}/deliveries/${copy.id}`);
      const [run] = await queryRows<{ trigger_kind: string; input: { body: unknown } }>(ctx.db(), sql`SELECT trigger_kind, input FROM runs WHERE id = ${copy.runId}`);
      expect(run).toMatchObject({ trigger_kind: "replay", input: { body: { n: 1 } } });
      expect((await readOnly(getDelivery, "/d", { params: { ...params, deliveryId: copy.id } })).status).toBe(200);

      const rejected = page.items[0]!;
      expect((await call(replay, "/replays", { method: "POST", params: { ...params, deliveryId: rejected.id } })).status).toBe(409);
      expect((await readOnly(replay, "/replays", { method: "POST", params: { ...params, deliveryId: original.id } })).status).toBe(403);
    });

    it("answers 404 for another workspace's webhook and its deliveries", async () => {
      const outsider = callerFor(ctx.db(), cast.outsider);
      const theirWorkflow = await outsider.workflow.create({ workspaceId: cast.otherWorkspace.id, name: "Theirs" });
      const theirs = await outsider.webhook.create({ workspaceId: cast.otherWorkspace.id, workflowId: theirWorkflow.id, signatureScheme: "none" });
      const params = { webhookId: theirs.id };
      expect((await call(getOne, "/x", { params })).status).toBe(404);
      expect((await call(listDeliveries, "/x", { params })).status).toBe(404);
      expect((await call(rotate, "/x", { method: "POST", params })).status).toBe(404);
      expect((await call(create, "/api/v1/webhooks", { method: "POST", body: { workflowId: theirWorkflow.id, signatureScheme: "none" } })).status).toBe(404);
    });

    it("rate limits REST calls per API key, with RateLimit headers and Retry-After", async () => {
      configureRateLimits({ limiter: createMemoryLimiter(), policies: { restApiKey: { limit: 3, windowSeconds: 60 } } });
      try {
        const statuses: number[] = [];
        let last: Response | undefined;
        for (let i = 0; i < 5; i++) {
          last = await readOnly(list, "/api/v1/webhooks");
          statuses.push(last.status);
        }
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        expect(last?.headers.get("content-type")).toBe("application/problem+json");
        expect(last?.headers.get("ratelimit-limit")).toBe("3");
        expect(last?.headers.get("ratelimit-remaining")).toBe("0");
        expect(Number(last?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        // Another key has its own budget.
        expect((await call(list, "/api/v1/webhooks")).status).toBe(200);
      } finally {
        configureRateLimits({ limiter: createMemoryLimiter() });
      }
    });

    it("rate limits REST calls per client IP before the key is known", async () => {
      configureRateLimits({ limiter: createMemoryLimiter(), policies: { restIp: { limit: 2, windowSeconds: 60 } } });
      try {
        const from = (ip: string) => restCaller(null)(list, "/api/v1/webhooks", { headers: { "x-forwarded-for": `203.0.113.9, ${ip}` } });
        expect((await from("198.51.100.1")).status).toBe(401);
        expect((await from("198.51.100.1")).status).toBe(401);
        const limited = await from("198.51.100.1");
        expect(limited.status).toBe(429);
        expect(limited.headers.get("retry-after")).not.toBeNull();
        expect((await from("198.51.100.2")).status).toBe(401);
      } finally {
        configureRateLimits({ limiter: createMemoryLimiter() });
      }
    });
  },
  { drivers: ["pglite", "pg"] },
);
