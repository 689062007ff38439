import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { currentEncryptionKey, decryptSecret, encryptSecret } from "../services/secret-crypto";
import type { SignatureScheme } from "./signatures";

/**
 * A fresh signing secret in the format senders of the scheme expect:
 * Standard Webhooks secrets are `whsec_` + base64 (the libraries decode it),
 * Stripe's look like `whsec_…` and are used as text, the others are hex.
 * `none` has no secret.
 */
export function generateWebhookSecret(scheme: SignatureScheme): string | null {
  switch (scheme) {
    case "none":
      return null;
    case "standard-webhooks":
      return `whsec_${randomBytes(32).toString("base64")}`;
    case "stripe":
      return `whsec_${randomBytes(24).toString("hex")}`;
    case "github":
    case "hmac-sha256":
      return randomBytes(32).toString("hex");
  }
}

/**
 * Why a secret the caller supplies (Stripe issues its own; GitHub lets the
 * user choose one) cannot sign for the scheme, or null when it can.
 */
export function webhookSecretProblem(scheme: SignatureScheme, secret: string): string | null {
  if (scheme === "none") return "A webhook without signatures has no secret";
  if (secret.length < 16) return "Use a secret of at least 16 characters";
  if (scheme === "standard-webhooks") {
    // The library decodes `whsec_<base64>`; a secret it cannot decode could never verify.
    try {
      new Webhook(secret);
    } catch {
      return "A Standard Webhooks secret is whsec_ followed by base64";
    }
    if (!secret.startsWith("whsec_")) return "A Standard Webhooks secret is whsec_ followed by base64";
  }
  return null;
}

/** What a webhook's ciphertexts are bound to: a row copied to another webhook fails to decrypt. */
const webhookContext = (workspaceId: string, webhookId: string) => `webhook/${workspaceId}/${webhookId}`;

export function encryptWebhookSecret(workspaceId: string, webhookId: string, secret: string): string {
  return encryptSecret(currentEncryptionKey(), secret, webhookContext(workspaceId, webhookId));
}

export function decryptWebhookSecret(workspaceId: string, webhookId: string, ciphertext: string): string {
  return decryptSecret(currentEncryptionKey(), ciphertext, webhookContext(workspaceId, webhookId));
}

const subscriptionContext = (workspaceId: string, subscriptionId: string) => `notification-subscription/${workspaceId}/${subscriptionId}`;

export function encryptSubscriptionSecret(workspaceId: string, subscriptionId: string, secret: string): string {
  return encryptSecret(currentEncryptionKey(), secret, subscriptionContext(workspaceId, subscriptionId));
}

export function decryptSubscriptionSecret(workspaceId: string, subscriptionId: string, ciphertext: string): string {
  return decryptSecret(currentEncryptionKey(), ciphertext, subscriptionContext(workspaceId, subscriptionId));
}

/**
 * The Standard Webhooks secret that signs a workspace's run callbacks (a
 * run's callback URL has no subscription to hold one). Derived from the
 * encryption key rather than stored: it exists for every workspace without a
 * write, and an admin reads it through the API to verify callbacks.
 */
export function runCallbackSecret(workspaceId: string): string {
  const derived = createHmac("sha256", currentEncryptionKey()).update(`trellis/run-callback/${workspaceId}`).digest();
  return `whsec_${derived.toString("base64")}`;
}
