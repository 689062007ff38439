import { createHmac } from "node:crypto";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { storedDeliveries, webhookFixture } from "../testing";
import { handleWebhookDelivery } from "./ingress";

// Printable Latin-1 without CR/LF: what a Headers value can hold.
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x20 : c)), maxLength: 80 });
const headerName = fc.oneof(
  fc.constantFrom("content-type", "x-trellis-signature", "webhook-id", "webhook-timestamp", "webhook-signature", "stripe-signature", "authorization", "idempotency-key"),
  fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
);
const contentType = fc.oneof(
  fc.constantFrom("application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/vnd.api+json", "text/plain", "application/octet-stream", ""),
  headerValue,
);
const body = fc.oneof(
  fc.json().map((text) => Buffer.from(text)),
  fc.string({ unit: "binary", maxLength: 300 }).map((text) => Buffer.from(text)),
  fc.string({ unit: "binary", maxLength: 60 }).map((text) => Buffer.from(JSON.stringify({ text }))),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom('{"a":"\\u0000"}', '{"\\ud800":1}', '["\\udfff"]', "", "null", "{", "[".repeat(5_000)).map((text) => Buffer.from(text)),
  fc.integer({ min: 2_000, max: 3_000 }).map((size) => Buffer.alloc(size, 0x61)),
);
const query = fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("%00", "%ED%A0%80", "%FF"))), { maxLength: 3 });

describeEachDriver(
  "fuzzed webhook deliveries",
  (ctx) => {
    let open: Awaited<ReturnType<typeof webhookFixture>>;
    let signed: Awaited<ReturnType<typeof webhookFixture>>;
    beforeAll(async () => {
      open = await webhookFixture(ctx.db(), { signatureScheme: "none", allowedContentTypes: ["*/*"], maxBodyBytes: 2_048 });
      signed = await webhookFixture(ctx.db(), { signatureScheme: "hmac-sha256", maxBodyBytes: 2_048 });
    });

    it("never answer 500 nor leave a delivery half-stored", async () => {
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom("open", "signed", "unknown"),
          fc.boolean(),
          body,
          contentType,
          fc.dictionary(headerName, headerValue, { maxKeys: 5 }),
          query,
          async (target, signIt, payload, type, extra, params) => {
            const hook = target === "open" ? open.webhook : target === "signed" ? signed.webhook : { slug: "not-a-hook", secret: null };
            const headers = new Headers();
            for (const [name, value] of Object.entries(extra)) headers.set(name, value);
            if (type !== "") headers.set("content-type", type);
            if (signIt && hook.secret) headers.set("x-trellis-signature", `sha256=${createHmac("sha256", hook.secret).update(payload).digest("hex")}`);
            const search = params.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&");
            const request = new Request(`http://localhost/api/hooks/${hook.slug}?${search}`, { method: "POST", body: payload, headers });
            const response = await handleWebhookDelivery(request, hook.slug, { handle: ctx.handle() });
            seen.add(response.status);
            expect([202, 400, 401, 404, 409, 413, 415, 422]).toContain(response.status);
            if (response.status !== 202) expect(response.headers.get("content-type")).toBe("application/problem+json");
            await response.arrayBuffer();
          },
        ),
        { numRuns: ctx.driver === "pglite" ? 250 : 80, seed: 0x5eed },
      );
      for (const { webhook } of [open, signed]) {
        const stored = await storedDeliveries(ctx.db(), webhook);
        expect(stored).toMatchObject({ halfStored: 0, runsWithoutDelivery: 0 });
        expect(stored.runs).toBe(stored.accepted);
      }
      // The generators reach acceptance as well as each refusal.
      expect([...seen].sort()).toEqual(expect.arrayContaining([202, 400, 401, 404, 413, 415]));
    });
  },
  { drivers: ["pglite", "pg"] },
);
