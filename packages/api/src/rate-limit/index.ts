import { env } from "@trellis/config";
import { createMemoryLimiter, createUpstashLimiter, type RateLimiter, type RateLimitResult } from "./limiter";
import { resolvePolicies, type PolicyName, type PolicyTable } from "./policies";

export { clientIp } from "./client-ip";
export { createMemoryLimiter, createUpstashLimiter, rateLimitHeaders, type RateLimiter, type RateLimitResult } from "./limiter";
export { defaultPolicies, resolvePolicies, type PolicyName, type PolicyTable, type RateLimitPolicy } from "./policies";

declare global {
  var __trellisRateLimits: { limiter: RateLimiter; policies: PolicyTable } | undefined;
}

function rateLimits() {
  if (!globalThis.__trellisRateLimits) {
    const config = env();
    const limiter =
      config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
        ? createUpstashLimiter({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN })
        : createMemoryLimiter();
    globalThis.__trellisRateLimits = { limiter, policies: resolvePolicies(config.TRELLIS_RATE_LIMITS) };
  }
  return globalThis.__trellisRateLimits;
}

/** Checks `key` against the named policy, with the process's configured limiter. */
export function limit(policy: PolicyName, key: string, override?: { limit: number; windowSeconds: number }): Promise<RateLimitResult> {
  const { limiter, policies } = rateLimits();
  return limiter.limit(policy, override ?? policies[policy], key);
}

/** Replaces the process's limiter and policies (tests, and the flood benchmark). */
export function configureRateLimits(next: { limiter: RateLimiter; policies?: Partial<PolicyTable> }): void {
  globalThis.__trellisRateLimits = {
    limiter: next.limiter,
    policies: { ...resolvePolicies(undefined), ...next.policies },
  };
}
