import { afterAll, beforeAll, beforeEach } from "vitest";
import { provideAppDatabase, type DatabaseHandle } from "@trellis/db";
import { startConfigCaches } from "@trellis/runtime";
import { configureRateLimits, createMemoryLimiter } from "../rate-limit";

/**
 * The server's state around a suite of webhook ingress tests, as the server
 * has it: the app database provided, webhook configurations served from
 * memory (dropped when a change is announced), and a fresh in-process rate
 * limiter for each test so counts do not leak between tests.
 */
export function webhookServerPerSuite(handle: () => DatabaseHandle): void {
  let caches: { stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    provideAppDatabase(handle());
    caches = await startConfigCaches(handle());
  });
  beforeEach(() => configureRateLimits({ limiter: createMemoryLimiter() }));
  afterAll(async () => {
    configureRateLimits({ limiter: createMemoryLimiter() });
    await caches?.stop();
  });
}
