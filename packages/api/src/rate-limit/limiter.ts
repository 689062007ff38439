import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import type { RateLimitPolicy } from "./policies";

/** The verdict for one request. `resetAt` is when the window frees capacity (ms since epoch). */
export interface RateLimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  resetAt: number;
}

/** One interface whether Upstash or the in-process limiter is behind it. */
export interface RateLimiter {
  readonly kind: "upstash" | "memory";
  limit(policyName: string, policy: RateLimitPolicy, key: string): Promise<RateLimitResult>;
}

/**
 * Upstash sliding windows. One Ratelimit object per policy, since the
 * algorithm and its window are fixed at construction.
 */
export function createUpstashLimiter(options: { url: string; token: string; prefix?: string }): RateLimiter {
  const redis = new Redis({ url: options.url, token: options.token, enableTelemetry: false });
  const limiters = new Map<string, Ratelimit>();
  return {
    kind: "upstash",
    async limit(policyName, policy, key) {
      const cacheKey = `${policyName}:${policy.limit}:${policy.windowSeconds}`;
      let limiter = limiters.get(cacheKey);
      if (!limiter) {
        limiter = new Ratelimit({
          redis,
          limiter: Ratelimit.slidingWindow(policy.limit, `${policy.windowSeconds} s`),
          prefix: `${options.prefix ?? "trellis:rl"}:${policyName}`,
          analytics: false,
          // The ephemeral cache would answer 429 without asking Redis after a block;
          // exactness across instances matters more here than one round trip.
          ephemeralCache: false,
        });
        limiters.set(cacheKey, limiter);
      }
      const result = await limiter.limit(key);
      return { success: result.success, limit: result.limit, remaining: Math.max(0, result.remaining), resetAt: result.reset };
    },
  };
}

/**
 * The in-process equivalent: the same sliding-window approximation Upstash
 * uses (the previous window's count weighted by how much of it still
 * overlaps). Correct for one process, which is what embedded mode is.
 */
export function createMemoryLimiter(now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { start: number; current: number; previous: number }>();
  let sweepAt = now() + 60_000;
  return {
    kind: "memory",
    async limit(policyName, policy, key) {
      const windowMs = policy.windowSeconds * 1000;
      const t = now();
      const start = Math.floor(t / windowMs) * windowMs;
      const id = `${policyName}:${key}`;
      let state = windows.get(id);
      if (!state || state.start < start - windowMs) state = { start, current: 0, previous: 0 };
      else if (state.start < start) state = { start, current: 0, previous: state.current };
      const overlap = 1 - (t - start) / windowMs;
      const used = Math.floor(state.previous * overlap) + state.current;
      const success = used < policy.limit;
      if (success) state.current += 1;
      windows.set(id, state);
      if (t > sweepAt) {
        sweepAt = t + 60_000;
        for (const [k, w] of windows) if (w.start < t - 2 * windowMs) windows.delete(k);
      }
      return {
        success,
        limit: policy.limit,
        remaining: Math.max(0, policy.limit - used - (success ? 1 : 0)),
        resetAt: start + windowMs,
      };
    },
  };
}

/** IETF RateLimit headers, plus Retry-After when refused. */
export function rateLimitHeaders(result: RateLimitResult, now: number = Date.now()): Record<string, string> {
  const resetSeconds = Math.max(0, Math.ceil((result.resetAt - now) / 1000));
  return {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(resetSeconds),
    ...(result.success ? {} : { "Retry-After": String(Math.max(1, resetSeconds)) }),
  };
}
