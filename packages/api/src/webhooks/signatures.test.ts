import { createHmac, randomBytes } from "node:crypto";
import { sign as signGitHub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { verifySignature, type SignatureScheme } from "./signatures";

const body = Buffer.from(JSON.stringify({ id: "evt_123", values: [1, 2, 3] }));
const tampered = Buffer.from(JSON.stringify({ id: "evt_123", values: [1, 2, 4] }));
const now = new Date("2026-11-26T12:00:00Z");
const nowSeconds = Math.floor(now.getTime() / 1000);
const stripe = new Stripe("sk_test_unused");
const whsec = () => `whsec_${randomBytes(24).toString("base64")}`;

type Signer = (secret: string, payload: Buffer, at: number) => Promise<Record<string, string>>;

/** Each scheme's headers as its official library produces them. */
const signers: Record<Exclude<SignatureScheme, "none">, Signer> = {
  "standard-webhooks": async (secret, payload, at) => ({
    "webhook-id": "msg_1",
    "webhook-timestamp": String(at),
    "webhook-signature": new Webhook(secret).sign("msg_1", new Date(at * 1000), payload),
  }),
  stripe: async (secret, payload, at) => ({
    "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload: payload.toString("utf8"), secret, timestamp: at }),
  }),
  github: async (secret, payload) => ({
    "x-hub-signature-256": await signGitHub(secret, payload.toString("utf8")),
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
  }),
  "hmac-sha256": async (secret, payload) => ({
    "x-trellis-signature": `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`,
  }),
};


describe.each(Object.entries(signers))("%s signatures", (scheme, signer) => {
  const check = async (options: { secret: string; accepted: string[]; payload?: Buffer; at?: number }) =>
    verifySignature({
      scheme: scheme as SignatureScheme,
      secrets: options.accepted,
      rawBody: options.payload ?? body,
      headers: new Headers(await signer(options.secret, body, options.at ?? nowSeconds)),
      now,
    });

  it("accepts a valid signature", async () => {
    const secret = whsec();
    expect(await check({ secret, accepted: [secret] })).toMatchObject({ ok: true });
  });

  it("refuses a tampered body", async () => {
    const secret = whsec();
    expect(await check({ secret, accepted: [secret], payload: tampered })).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("refuses the wrong secret", async () => {
    expect(await check({ secret: whsec(), accepted: [whsec()] })).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("accepts the previous secret inside the rotation overlap, and not after it", async () => {
    const previous = whsec();
    const current = whsec();
    expect(await check({ secret: previous, accepted: [current, previous] })).toMatchObject({ ok: true });
    expect(await check({ secret: previous, accepted: [current] })).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("refuses a missing signature", async () => {
    const verdict = verifySignature({ scheme: scheme as SignatureScheme, secrets: ["s"], rawBody: body, headers: new Headers(), now });
    expect(verdict).toMatchObject({ ok: false, reason: "missing_signature" });
  });
});

describe.each(["standard-webhooks", "stripe"] as const)("%s timestamps", (scheme) => {
  it("refuses stale and future timestamps (replays) and accepts those inside the tolerance", async () => {
    const secret = whsec();
    const at = async (seconds: number) =>
      verifySignature({ scheme, secrets: [secret], rawBody: body, headers: new Headers(await signers[scheme](secret, body, seconds)), now });
    expect(await at(nowSeconds - 301)).toMatchObject({ ok: false, reason: "stale_timestamp" });
    expect(await at(nowSeconds + 301)).toMatchObject({ ok: false, reason: "future_timestamp" });
    expect(await at(nowSeconds - 299)).toMatchObject({ ok: true });
  });
});

it("carries the sender's delivery id where the scheme has one", async () => {
  const secret = whsec();
  const sw = verifySignature({ scheme: "standard-webhooks", secrets: [secret], rawBody: body, headers: new Headers(await signers["standard-webhooks"](secret, body, nowSeconds)), now });
  expect(sw).toEqual({ ok: true, deliveryId: "msg_1" });
  const gh = verifySignature({ scheme: "github", secrets: [secret], rawBody: body, headers: new Headers(await signers.github(secret, body, nowSeconds)), now });
  expect(gh).toEqual({ ok: true, deliveryId: "72d3162e-cc78-11e3-81ab-4c9367dc0958" });
  const st = verifySignature({ scheme: "stripe", secrets: [secret], rawBody: body, headers: new Headers(await signers.stripe(secret, body, nowSeconds)), now });
  expect(st).toEqual({ ok: true, deliveryId: "evt_123" });
});

it("uses the configured header for plain HMAC", () => {
  const secret = "s3cret";
  const headers = new Headers({ "x-shop-hmac": createHmac("sha256", secret).update(body).digest("hex") });
  expect(verifySignature({ scheme: "hmac-sha256", hmacHeader: "x-shop-hmac", secrets: [secret], rawBody: body, headers })).toEqual({ ok: true });
  expect(verifySignature({ scheme: "hmac-sha256", secrets: [secret], rawBody: body, headers })).toMatchObject({ reason: "missing_signature" });
});
