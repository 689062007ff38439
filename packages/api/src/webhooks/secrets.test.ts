import { createHmac } from "node:crypto";
import { sign as signGitHub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, webhookSecretProblem } from "./secrets";
import { verifySignature, type SignatureScheme } from "./signatures";

const body = Buffer.from('{"id":"evt_1"}');
const now = new Date();
const at = Math.floor(now.getTime() / 1000);

describe("generated webhook secrets", () => {
  it("sign and verify with each scheme's official library", async () => {
    const sw = generateWebhookSecret("standard-webhooks") as string;
    const stripe = generateWebhookSecret("stripe") as string;
    const github = generateWebhookSecret("github") as string;
    const hmac = generateWebhookSecret("hmac-sha256") as string;
    const cases: { scheme: SignatureScheme; secret: string; headers: Record<string, string> }[] = [
      {
        scheme: "standard-webhooks",
        secret: sw,
        headers: { "webhook-id": "msg_1", "webhook-timestamp": String(at), "webhook-signature": new Webhook(sw).sign("msg_1", now, body.toString()) },
      },
      {
        scheme: "stripe",
        secret: stripe,
        headers: { "stripe-signature": new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload: body.toString(), secret: stripe, timestamp: at }) },
      },
      { scheme: "github", secret: github, headers: { "x-hub-signature-256": await signGitHub(github, body.toString()) } },
      { scheme: "hmac-sha256", secret: hmac, headers: { "x-trellis-signature": createHmac("sha256", hmac).update(body).digest("hex") } },
    ];
    for (const { scheme, secret, headers } of cases) {
      expect(verifySignature({ scheme, secrets: [secret], rawBody: body, headers: new Headers(headers), now }), scheme).toMatchObject({ ok: true });
      expect(webhookSecretProblem(scheme, secret), scheme).toBeNull();
    }
    expect(generateWebhookSecret("none")).toBeNull();
    expect(generateWebhookSecret("hmac-sha256")).not.toBe(hmac);
  });

  it("refuses supplied secrets the scheme could not use", () => {
    expect(webhookSecretProblem("hmac-sha256", "short")).toMatch(/16 characters/);
    expect(webhookSecretProblem("standard-webhooks", "whsec_not base64 at all!!")).toMatch(/base64/);
    expect(webhookSecretProblem("standard-webhooks", "c2VjcmV0IHdpdGhvdXQgcHJlZml4")).toMatch(/whsec_/);
    expect(webhookSecretProblem("none", "anything at all here")).toMatch(/no secret/);
    expect(webhookSecretProblem("stripe", "whsec_0123456789abcdef")).toBeNull();
  });
});
