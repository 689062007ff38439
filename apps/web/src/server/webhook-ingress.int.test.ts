import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { handleWebhookDelivery } from "@trellis/api";
import { peersBody, storedDeliveries, webhookFixture, webhookServerPerSuite } from "@trellis/api/testing";
import { queryRows } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { loopbackServer } from "./loopback-server";
import { serveWebhookDelivery } from "./webhook-ingress";

// Webhook ingress as the self-hosted server serves it, straight from the Node.js request, over real
// sockets: the answers and the log must be those of the route module's web Request path.

const loopback = loopbackServer();

function serve(): Promise<string> {
  return loopback.serve((req, res) => {
    void serveWebhookDelivery(req, res, decodeURIComponent((req.url ?? "").split("?")[0]!.split("/").pop()!));
  });
}

const sign = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The answer without what differs per request (its ids, the rate limit it left). */
async function comparable(response: Response) {
  const headers = Object.fromEntries([...response.headers].filter(([name]) => !["x-request-id", "ratelimit-remaining", "ratelimit-reset", "date", "connection", "keep-alive", "content-length", "transfer-encoding"].includes(name)));
  const body = (await response.json()) as Record<string, unknown>;
  delete body.requestId;
  if (typeof body.runId === "string") body.runId = "<run>";
  if (typeof body.deliveryId === "string") body.deliveryId = "<delivery>";
  if (typeof headers.location === "string") headers.location = "<location>";
  return { status: response.status, headers, body };
}

describeEachDriver(
  "webhook ingress from the Node.js request",
  (ctx) => {
    webhookServerPerSuite(ctx.handle);

    it("answers and logs as the route module does: accepted, refused for its signature, unknown", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { signatureScheme: "hmac-sha256", rateLimit: 1_000, rateLimitWindowSeconds: 60 });
      const secret = webhook.secret as string;
      const base = await serve();
      const cases = [
        { slug: webhook.slug, body: JSON.stringify(peersBody(1)), signature: (body: string) => sign(secret, body) },
        { slug: webhook.slug, body: JSON.stringify(peersBody(2)), signature: () => sign("not the secret", "x") },
        { slug: "no-such-hook", body: "{}", signature: () => "sha256=00" },
      ];
      for (const { slug, body, signature } of cases) {
        const headers = { "content-type": "application/json", "x-trellis-signature": signature(body), "x-custom": "kept" };
        const direct = await fetch(`${base}/api/hooks/${slug}?source=test`, { method: "POST", body, headers });
        expect(direct.headers.get("x-request-id")).toMatch(/.+/);
        // The same delivery again through the web Request path: a different body, so deduplication keeps out of it.
        const again = body === "{}" ? body : JSON.stringify({ ...JSON.parse(body), again: true });
        const web = await handleWebhookDelivery(
          new Request(`http://localhost/api/hooks/${slug}?source=test`, { method: "POST", body: again, headers: { ...headers, "x-trellis-signature": signature(again) } }),
          slug,
        );
        expect(await comparable(direct)).toEqual(await comparable(web));
      }
      const logged = await queryRows<{ verdict: string; status_code: number; headers: Record<string, string>; query: Record<string, string> }>(
        ctx.db(),
        sql`SELECT verdict, status_code, headers, query FROM webhook_deliveries WHERE webhook_id = ${webhook.id} ORDER BY received_at`,
      );
      expect(logged.map((row) => [row.verdict, row.status_code])).toEqual([
        ["accepted", 202],
        ["accepted", 202],
        ["rejected", 401],
        ["rejected", 401],
      ]);
      // Headers logged alike either way: names lower-cased and in order, the signature's value removed.
      const [direct, web] = logged;
      expect(direct!.headers["x-trellis-signature"]).toBe("[redacted]");
      expect(direct!.headers["x-custom"]).toBe("kept");
      expect(direct!.query).toEqual({ source: "test" });
      expect(Object.keys(direct!.headers).filter((name) => name in web!.headers)).toEqual(Object.keys(web!.headers).filter((name) => name in direct!.headers));
    });

    it("stops keeping a body past the webhook's limit, answers 413 and closes the connection, storing nothing", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { maxBodyBytes: 1024 });
      const base = new URL(await serve());
      // Streamed without a Content-Length, so only reading it finds it too large.
      const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
        const request = httpRequest({ host: base.hostname, port: base.port, path: `/api/hooks/${webhook.slug}`, method: "POST", headers: { "content-type": "application/json" } }, (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: text }));
        });
        request.on("error", reject);
        request.write(`{"pad":"${"x".repeat(4096)}`);
        setTimeout(() => request.end('"}'), 50);
      });
      expect(answer.status).toBe(413);
      expect(answer.connection).toBe("close");
      expect(JSON.parse(answer.body)).toMatchObject({ status: 413, detail: "The body is larger than the 1024-byte limit" });
      expect(await storedDeliveries(ctx.db(), webhook)).toMatchObject({ runs: 0, accepted: 0, halfStored: 0 });
    });
  },
  { drivers: ["pglite"] },
);
