import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUpstashRestAdapter, type UpstashRestAdapter } from "../testing/upstash-rest-adapter";
import { createUpstashLimiter } from "./limiter";

async function redisReachable(): Promise<string | null> {
  const { createConnection } = await import("node:net");
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port: 6379 });
    socket.once("connect", () => (socket.destroy(), resolve(null)));
    socket.once("error", (error) => resolve(`Redis not reachable at 127.0.0.1:6379 (${(error as NodeJS.ErrnoException).code})`));
  });
}

const unreachable = await redisReachable();

describe.skipIf(unreachable)(`Upstash rate limits through the real SDK${unreachable ? ` — skipped: ${unreachable}` : ""}`, () => {
  let adapter: UpstashRestAdapter;
  const prefix = `trellis-test:${randomBytes(6).toString("hex")}`;

  beforeAll(async () => {
    adapter = await startUpstashRestAdapter();
  });
  afterAll(async () => {
    const keys = await adapter.redis.keys(`${prefix}*`);
    if (keys.length) await adapter.redis.del(...keys);
    await adapter.close();
  });

  it("allows the limit per key, refuses beyond it, and keeps keys apart", async () => {
    const limiter = createUpstashLimiter({ url: adapter.url, token: adapter.token, prefix });
    const policy = { limit: 5, windowSeconds: 30 };
    const results = [];
    for (let i = 0; i < 7; i += 1) results.push(await limiter.limit("restApiKey", policy, "key-a"));
    expect(results.map((r) => r.success)).toEqual([true, true, true, true, true, false, false]);
    expect(results[4]).toMatchObject({ limit: 5, remaining: 0 });
    expect(results[6]!.resetAt).toBeGreaterThan(Date.now());
    expect((await limiter.limit("restApiKey", policy, "key-b")).success).toBe(true);
    expect((await adapter.redis.keys(`${prefix}*`)).length).toBeGreaterThan(0);
  });

  it("refuses a wrong token like Upstash would", async () => {
    const limiter = createUpstashLimiter({ url: adapter.url, token: "wrong", prefix });
    await expect(limiter.limit("restApiKey", { limit: 1, windowSeconds: 10 }, "k")).rejects.toThrow(/Unauthorized/);
  });
});
