import { z } from "zod";
import { NonRetryableError } from "../errors";
import { HttpStatusError } from "../network/errors";
import { createDefaultRegistry } from "../nodes/registry";
import { defineNode, IN, OUT } from "../nodes/types";

// Test doubles for the engine's tests: nodes whose behaviour a test controls.

export interface Probe {
  /** Attempts per step id. */
  calls: Map<string, number>;
  running: number;
  maxRunning: number;
  /** Step ids in the order their work finished. */
  finished: string[];
}

export function createProbe(): Probe {
  return { calls: new Map(), running: 0, maxRunning: 0, finished: [] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `test.work`: waits `delayMs`, then fails `failures` times (by kind) before returning its input. */
export function testNodes(probe: Probe) {
  const work = defineNode({
    type: "test.work",
    title: "Test work",
    category: "utility",
    description: "",
    icon: "flask",
    inputs: IN,
    outputs: OUT,
    configSchema: z.object({
      // A string so tests can template it ("{{ 30 - index }}").
      delayMs: z.union([z.number(), z.string()]).default(0),
      failures: z.number().default(0),
      kind: z
        .enum([
          "retryable",
          "fatal",
          "http404",
          "http503",
          "retryAfter",
          "hang",
        ])
        .default("retryable"),
      output: z.json().optional(),
    }),
    outputSchema: z.json(),
    async run(ctx) {
      const attempts = (probe.calls.get(ctx.baseStepId) ?? 0) + 1;
      probe.calls.set(ctx.baseStepId, attempts);
      probe.running++;
      probe.maxRunning = Math.max(probe.maxRunning, probe.running);
      try {
        if (ctx.config.kind === "hang") await new Promise(() => undefined);
        const delayMs = Number(ctx.config.delayMs);
        if (delayMs > 0) await sleep(delayMs);
        if (attempts <= ctx.config.failures) {
          switch (ctx.config.kind) {
            case "fatal":
              throw new NonRetryableError(`fatal failure ${attempts}`);
            case "http404":
              throw new HttpStatusError(404, "not found", {});
            case "http503":
              throw new HttpStatusError(503, "unavailable", {});
            case "retryAfter":
              throw new HttpStatusError(429, "slow down", { retryAfterMs: 30 });
            default:
              throw new Error(`failure ${attempts} of ${ctx.stepId}`);
          }
        }
        probe.finished.push(ctx.stepId);
        return { output: ctx.config.output ?? ctx.input };
      } finally {
        probe.running--;
      }
    },
  });
  return [work];
}

export function testRegistry(probe: Probe) {
  return createDefaultRegistry(testNodes(probe));
}
