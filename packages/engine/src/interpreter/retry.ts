import { createHash } from "node:crypto";
import type { RetryPolicy } from "../definition/schema";
import type { SerializedError } from "../errors";

/**
 * Uniform in [0, 1), derived from the run id and step id: a replay computes
 * the same back-off without journaling it, while runs still spread out.
 */
export function jitterFraction(seed: string): number {
  return createHash("sha256").update(seed).digest().readUInt32BE(0) / 2 ** 32;
}

/** Full jitter: uniform in [0, min(cap, initial * factor^(attempt-1))), raised to a server's Retry-After. */
export function backoffDelay(
  policy: RetryPolicy,
  failedAttempt: number,
  seed: string,
  retryAfterMs: number | null = null,
): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.backoffFactor ** (failedAttempt - 1),
  );
  const delay = Math.floor(jitterFraction(seed) * ceiling);
  return retryAfterMs === null
    ? delay
    : Math.min(policy.maxDelayMs, Math.max(delay, Math.ceil(retryAfterMs)));
}

export function retryAfterOf(error: SerializedError): number | null {
  const value = error.details?.retryAfterMs;
  return typeof value === "number" ? value : null;
}
