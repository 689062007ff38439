import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { HeaderReader } from "./request-parts";

export const signatureSchemes = ["hmac-sha256", "standard-webhooks", "stripe", "github", "none"] as const;
export type SignatureScheme = (typeof signatureSchemes)[number];

/** Why a delivery's signature was refused; each answers 401. */
export type SignatureFailure = "missing_signature" | "bad_signature" | "stale_timestamp" | "future_timestamp";

export type SignatureVerdict =
  | { ok: true; /** The sender's delivery id, when the scheme carries one (dedupe key). */ deliveryId?: string }
  | { ok: false; reason: SignatureFailure; message: string };

export interface VerifyOptions {
  scheme: SignatureScheme;
  /** Every secret currently accepted: the current one, plus the previous one inside its rotation overlap. */
  secrets: readonly string[];
  rawBody: Buffer;
  headers: HeaderReader;
  /** hmac-sha256 only: the header carrying `sha256=<hex>` (or bare hex). */
  hmacHeader?: string;
  toleranceSeconds?: number;
  now?: Date;
}

export const DEFAULT_HMAC_HEADER = "x-trellis-signature";
const DEFAULT_TOLERANCE_S = 300;

const fail = (reason: SignatureFailure, message: string): SignatureVerdict => ({ ok: false, reason, message });

/** Constant-time comparison of two hex or base64 strings of any length. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const hmacHex = (secret: string, data: Buffer | string) => createHmac("sha256", secret).update(data).digest("hex");

function checkTimestamp(seconds: number, options: VerifyOptions): SignatureVerdict | null {
  if (!Number.isFinite(seconds)) return fail("bad_signature", "The signature timestamp is not a number");
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_S;
  if (seconds < now - tolerance) return fail("stale_timestamp", "The signature timestamp is too old (a replay?)");
  if (seconds > now + tolerance) return fail("future_timestamp", "The signature timestamp is in the future");
  return null;
}

function verifyHmac(options: VerifyOptions): SignatureVerdict {
  const header = options.hmacHeader ?? DEFAULT_HMAC_HEADER;
  const value = options.headers.get(header);
  if (!value) return fail("missing_signature", `Missing the ${header} header`);
  const signature = value.trim().replace(/^sha256=/i, "").toLowerCase();
  const matches = options.secrets.some((secret) => safeEqual(hmacHex(secret, options.rawBody), signature));
  return matches ? { ok: true } : fail("bad_signature", `The ${header} signature does not match the body`);
}

function verifyGitHub(options: VerifyOptions): SignatureVerdict {
  const value = options.headers.get("x-hub-signature-256");
  if (!value) return fail("missing_signature", "Missing the X-Hub-Signature-256 header");
  const signature = value.trim().replace(/^sha256=/, "");
  const matches = options.secrets.some((secret) => safeEqual(hmacHex(secret, options.rawBody), signature));
  if (!matches) return fail("bad_signature", "The X-Hub-Signature-256 signature does not match the body");
  return { ok: true, deliveryId: options.headers.get("x-github-delivery") ?? undefined };
}

function verifyStripe(options: VerifyOptions): SignatureVerdict {
  const value = options.headers.get("stripe-signature");
  if (!value) return fail("missing_signature", "Missing the Stripe-Signature header");
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(",")) {
    const [key, ...rest] = part.trim().split("=");
    const v = rest.join("=");
    if (key === "t") timestamp = v;
    else if (key === "v1") signatures.push(v);
  }
  if (!timestamp || signatures.length === 0) return fail("bad_signature", "The Stripe-Signature header is malformed");
  const payload = Buffer.concat([Buffer.from(`${timestamp}.`), options.rawBody]);
  const matches = options.secrets.some((secret) => {
    const expected = hmacHex(secret, payload);
    return signatures.some((signature) => safeEqual(expected, signature));
  });
  if (!matches) return fail("bad_signature", "The Stripe-Signature signature does not match the body");
  // Checked after the signature so a forged header cannot probe the clock.
  return checkTimestamp(Number(timestamp), options) ?? { ok: true, deliveryId: stripeEventId(options.rawBody) };
}

function stripeEventId(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString("utf8")) as { id?: unknown }).id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

function verifyStandardWebhooks(options: VerifyOptions): SignatureVerdict {
  const id = options.headers.get("webhook-id");
  const timestamp = options.headers.get("webhook-timestamp");
  const signature = options.headers.get("webhook-signature");
  if (!id || !timestamp || !signature) {
    return fail("missing_signature", "Missing the webhook-id, webhook-timestamp or webhook-signature header");
  }
  const timing = checkTimestamp(Number(timestamp), options);
  if (timing) return timing;
  // The header lists space-separated `v1,<base64>` signatures (several during a sender's rotation).
  const offered = signature.split(" ").flatMap((entry) => {
    const [version, value] = entry.split(",");
    return version === "v1" && value ? [value] : [];
  });
  // Signed with the official library so our reading of the spec cannot drift;
  // the time window is ours (configurable tolerance, testable clock).
  const matches = options.secrets.some((secret) => {
    let expected: string;
    try {
      expected = new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), options.rawBody).split(",")[1] ?? "";
    } catch (error) {
      if (error instanceof WebhookVerificationError) return false;
      throw error;
    }
    return offered.some((value) => safeEqual(value, expected));
  });
  return matches ? { ok: true, deliveryId: id } : fail("bad_signature", "The webhook-signature does not match the body");
}

/** Verifies a delivery's signature with the configuration's scheme. */
export function verifySignature(options: VerifyOptions): SignatureVerdict {
  switch (options.scheme) {
    case "none":
      return { ok: true };
    case "hmac-sha256":
      return verifyHmac(options);
    case "github":
      return verifyGitHub(options);
    case "stripe":
      return verifyStripe(options);
    case "standard-webhooks":
      return verifyStandardWebhooks(options);
  }
}
