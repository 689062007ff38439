import { createHmac, randomBytes } from "node:crypto";
import { sign as signGitHub } from "@octokit/webhooks-methods";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { peersBody, storedDeliveries, webhookFixture } from "@trellis/api/testing";
import { provideAppDatabase, queryRows } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { POST } from "./route";

type Scheme = "standard-webhooks" | "stripe" | "github" | "hmac-sha256";
type Signer = (secret: string, payload: string, at: number) => Promise<Record<string, string>>;

const stripe = new Stripe("sk_test_unused");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Each scheme's headers as its official library (or, for plain HMAC, node:crypto) produces them. */
const signers: Record<Scheme, Signer> = {
  "standard-webhooks": async (secret, payload, at) => {
    const id = `msg_${randomBytes(8).toString("hex")}`;
    return { "webhook-id": id, "webhook-timestamp": String(at), "webhook-signature": new Webhook(secret).sign(id, new Date(at * 1000), payload) };
  },
  stripe: async (secret, payload, at) => ({ "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: at }) }),
  github: async (secret, payload) => ({ "x-hub-signature-256": await signGitHub(secret, payload), "x-github-delivery": crypto.randomUUID() }),
  "hmac-sha256": async (secret, payload) => ({ "x-trellis-signature": `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}` }),
};

let seed = 0;
/** A body no earlier test sent (deduplication would answer a repeat with the first run). */
const freshBody = () => JSON.stringify({ ...peersBody(++seed), id: `evt_${randomBytes(6).toString("hex")}` });

function deliver(slug: string, body: string, headers: Record<string, string>): Promise<Response> {
  const request = new Request(`http://localhost/api/hooks/${slug}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return POST(request, { params: Promise.resolve({ slug }) });
}

describeEachDriver(
  "webhook signatures through POST /api/hooks/[slug]",
  (ctx) => {
    beforeAll(() => provideAppDatabase(ctx.handle()));

    describe.each(Object.keys(signers) as Scheme[])("%s", (scheme) => {
      const sign = signers[scheme];
      let fixture: Awaited<ReturnType<typeof webhookFixture>>;
      let secret: string;

      beforeAll(async () => {
        fixture = await webhookFixture(ctx.db(), { signatureScheme: scheme });
        secret = fixture.webhook.secret as string;
      });

      it("generates a secret in the scheme's format", () => {
        if (scheme === "standard-webhooks" || scheme === "stripe") expect(secret).toMatch(/^whsec_/);
        else expect(secret).toMatch(/^[0-9a-f]{64}$/);
      });

      it("accepts a valid signature: 202 with the run's Location, the delivery and its run stored", async () => {
        const body = freshBody();
        const response = await deliver(fixture.webhook.slug, body, await sign(secret, body, nowSeconds()));
        expect(response.status).toBe(202);
        const answer = (await response.json()) as { runId: string; deliveryId: string; duplicate: boolean };
        expect(response.headers.get("location")).toBe(`/api/v1/runs/${answer.runId}`);
        expect(answer.duplicate).toBe(false);
        const [run] = await queryRows<{
          input: { body: unknown; headers: Record<string, string> };
          trigger_kind: string;
        }>(ctx.db(), sql`SELECT input, trigger_kind FROM runs WHERE id = ${answer.runId}`);
        expect(run?.trigger_kind).toBe("webhook");
        expect(run?.input.body).toEqual(JSON.parse(body));
        // The signature never reaches the run or the log.
        expect(JSON.stringify(run?.input.headers)).not.toMatch(/v1,|sha256=|t=\d+,v1=/);
      });

      it("refuses a tampered body with 401 and stores nothing but the refusal", async () => {
        const before = await storedDeliveries(ctx.db(), fixture.webhook);
        const body = freshBody();
        const response = await deliver(fixture.webhook.slug, body.replace('"values":[', '"values":[1000,'), await sign(secret, body, nowSeconds()));
        expect(response.status).toBe(401);
        expect(response.headers.get("content-type")).toBe("application/problem+json");
        expect(await response.json()).toMatchObject({ status: 401, requestId: expect.any(String) });
        const after = await storedDeliveries(ctx.db(), fixture.webhook);
        expect(after).toMatchObject({ runs: before.runs, accepted: before.accepted, rejected: before.rejected + 1, halfStored: 0 });
      });

      it("refuses a signature made with another secret", async () => {
        const body = freshBody();
        const other = scheme === "standard-webhooks" ? `whsec_${randomBytes(32).toString("base64")}` : randomBytes(32).toString("hex");
        expect((await deliver(fixture.webhook.slug, body, await sign(other, body, nowSeconds()))).status).toBe(401);
        expect((await deliver(fixture.webhook.slug, body, {})).status).toBe(401);
      });

      if (scheme === "standard-webhooks" || scheme === "stripe") {
        it("refuses a stale timestamp (a replayed capture) and a future one", async () => {
          const body = freshBody();
          const stale = await deliver(fixture.webhook.slug, body, await sign(secret, body, nowSeconds() - 600));
          expect(stale.status).toBe(401);
          expect(((await stale.json()) as { detail: string }).detail).toMatch(/too old/);
          expect((await deliver(fixture.webhook.slug, body, await sign(secret, body, nowSeconds() + 600))).status).toBe(401);
        });
      }

      it("keeps the previous secret valid inside the rotation overlap, and not after it", async () => {
        const old = secret;
        const rotated = await fixture.owner.webhook.rotateSecret({ workspaceId: fixture.workspaceId, webhookId: fixture.webhook.id, overlapSeconds: 3600 });
        const current = rotated.secret as string;
        expect(current).not.toBe(old);
        expect(rotated.previousSecretExpiresAt).toBeInstanceOf(Date);
        const inside = freshBody();
        expect((await deliver(fixture.webhook.slug, inside, await sign(old, inside, nowSeconds()))).status).toBe(202);
        const withNew = freshBody();
        expect((await deliver(fixture.webhook.slug, withNew, await sign(current, withNew, nowSeconds()))).status).toBe(202);

        // The overlap ends: only the new secret verifies.
        await ctx.db().execute(sql`UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 second' WHERE id = ${fixture.webhook.id}`);
        const after = freshBody();
        expect((await deliver(fixture.webhook.slug, after, await sign(old, after, nowSeconds()))).status).toBe(401);
        expect((await deliver(fixture.webhook.slug, after, await sign(current, after, nowSeconds()))).status).toBe(202);
        secret = current;

        // Without an overlap the previous secret stops at once.
        const immediate = await fixture.owner.webhook.rotateSecret({ workspaceId: fixture.workspaceId, webhookId: fixture.webhook.id, overlapSeconds: 0 });
        const last = freshBody();
        expect((await deliver(fixture.webhook.slug, last, await sign(current, last, nowSeconds()))).status).toBe(401);
        expect((await deliver(fixture.webhook.slug, last, await sign(immediate.secret as string, last, nowSeconds()))).status).toBe(202);
        secret = immediate.secret as string;
        expect(await storedDeliveries(ctx.db(), fixture.webhook)).toMatchObject({ halfStored: 0, runsWithoutDelivery: 0 });
      });
    });

    it("accepts unsigned deliveries only on a webhook that chose the `none` scheme", async () => {
      const { webhook } = await webhookFixture(ctx.db(), { signatureScheme: "none" });
      expect(webhook.secret).toBeNull();
      expect((await deliver(webhook.slug, freshBody(), {})).status).toBe(202);
    });
  },
  { drivers: ["pglite", "pg"] },
);
