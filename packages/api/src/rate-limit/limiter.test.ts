import { describe, expect, it } from "vitest";
import { createMemoryLimiter, rateLimitHeaders } from "./limiter";
import { resolvePolicies } from "./policies";

describe("in-process sliding window", () => {
  it("allows the limit, then refuses until the window slides", async () => {
    let now = 1_000_000_020_000; // 20 s into a 60 s window
    const limiter = createMemoryLimiter(() => now);
    const policy = { limit: 3, windowSeconds: 60 };
    const verdicts = [];
    for (let i = 0; i < 4; i += 1) verdicts.push(await limiter.limit("p", policy, "k"));
    expect(verdicts.map((v) => [v.success, v.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect((await limiter.limit("p", policy, "other")).success).toBe(true);

    // Just after the window turns, the previous window still weighs ~100%.
    now += 40_500;
    expect((await limiter.limit("p", policy, "k")).success).toBe(false);
    // Two thirds into the next window only a third of the old count remains.
    now += 40_000;
    expect((await limiter.limit("p", policy, "k")).success).toBe(true);
  });

  it("renders RateLimit headers and Retry-After only when refused", () => {
    const now = 1_000;
    expect(rateLimitHeaders({ success: true, limit: 10, remaining: 9, resetAt: 31_000 }, now)).toEqual({
      "RateLimit-Limit": "10",
      "RateLimit-Remaining": "9",
      "RateLimit-Reset": "30",
    });
    expect(rateLimitHeaders({ success: false, limit: 10, remaining: 0, resetAt: 1_200 }, now)).toMatchObject({
      "Retry-After": "1",
      "RateLimit-Reset": "1",
    });
  });
});

describe("policy table overrides", () => {
  it("applies valid overrides and names a bad one", () => {
    expect(resolvePolicies('{"restApiKey":{"limit":5,"windowSeconds":10}}').restApiKey).toEqual({ limit: 5, windowSeconds: 10 });
    expect(() => resolvePolicies('{"restApiKey":{"limit":0,"windowSeconds":10}}')).toThrow("TRELLIS_RATE_LIMITS: restApiKey.limit");
    expect(() => resolvePolicies('{"nope":{}}')).toThrow("TRELLIS_RATE_LIMITS");
    expect(() => resolvePolicies("{")).toThrow("must be a JSON object");
  });
});
