import { afterEach } from "vitest";
import type { DatabaseHandle } from "@trellis/db";
import type { NodeRegistry } from "@trellis/engine";
import { startEmbeddedRuntime, type EmbeddedRuntime, type EmbeddedRuntimeOptions } from "../embedded/runtime";

/**
 * For a suite whose tests each start their own embedded runtime: `start`
 * starts one on the suite's database with the test node types, short leases
 * and polls, and no scheduler or retention (options override them); it is
 * stopped after each test. Call it while defining the suite (it registers
 * the `afterEach`).
 */
export function runtimePerTest(handle: () => DatabaseHandle, registry: NodeRegistry, defaults: EmbeddedRuntimeOptions = {}) {
  let runtime: EmbeddedRuntime | undefined;
  const stop = async (graceMs = 2_000) => {
    await runtime?.stop({ graceMs });
    runtime = undefined;
  };
  afterEach(() => stop());
  return {
    /** Stops the runtime now (a test that restarts it, or simulates a crash). */
    stop,
    async start(options: EmbeddedRuntimeOptions = {}): Promise<EmbeddedRuntime> {
      runtime = await startEmbeddedRuntime({
        handle: handle(),
        registry,
        leaseMs: 2_000,
        pollIntervalMs: 200,
        scheduler: false,
        retention: false,
        ...defaults,
        ...options,
      });
      return runtime;
    },
  };
}
