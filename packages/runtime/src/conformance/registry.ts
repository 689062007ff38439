import { builtInNodeTypes, createRegistry, defineNode, type NodeRegistry } from "@trellis/engine";
import { z } from "zod";
import { testRegistry, type Probe } from "../testing/nodes";

/**
 * The conformance suite's node types: the built-in ones, the runtime's
 * `test.step` (gates, forced failures, call counts) and two more whose
 * behaviour depends only on their config and attempt, so both drivers see
 * exactly the same node behaviour.
 */
export function conformanceRegistry(probe: Probe): NodeRegistry {
  const testStep = testRegistry(probe).get("test.step");
  if (!testStep) throw new Error("the runtime's test registry has no test.step");

  // Fails (retryably) on its first `failAttempts` attempts, then succeeds.
  const flaky = defineNode({
    type: "conformance.flaky",
    title: "Flaky",
    category: "utility",
    description: "",
    icon: "flask",
    inputs: [{ id: "in", label: "In" }],
    outputs: [{ id: "out", label: "Out" }],
    configSchema: z.object({ failAttempts: z.number().int().min(0) }),
    outputSchema: z.json(),
    async run(ctx) {
      probe.calls.set(ctx.stepId, (probe.calls.get(ctx.stepId) ?? 0) + 1);
      if (ctx.attempt <= ctx.config.failAttempts) throw new Error(`attempt ${ctx.attempt} of ${ctx.nodeId} failed`);
      return { output: { attempt: ctx.attempt } };
    },
  });

  // Takes `delayMs` and outputs `output`, counting how many run at once (splitter `maxParallel`).
  const work = defineNode({
    type: "conformance.work",
    title: "Work",
    category: "utility",
    description: "",
    icon: "flask",
    inputs: [{ id: "in", label: "In" }],
    outputs: [{ id: "out", label: "Out" }],
    configSchema: z.object({ delayMs: z.number().int().min(0), output: z.json() }),
    outputSchema: z.json(),
    async run(ctx) {
      probe.calls.set(ctx.stepId, (probe.calls.get(ctx.stepId) ?? 0) + 1);
      probe.running++;
      probe.maxRunning = Math.max(probe.maxRunning, probe.running);
      try {
        await new Promise((resolve) => setTimeout(resolve, ctx.config.delayMs));
        return { output: ctx.config.output };
      } finally {
        probe.running--;
      }
    },
  });

  return createRegistry([...builtInNodeTypes, testStep, flaky, work]);
}

/** Clears what a fixture left in the probe (the registry keeps the same probe object). */
export function resetProbe(probe: Probe): void {
  probe.calls.clear();
  probe.keys.clear();
  probe.failing.clear();
  probe.gates.clear();
  probe.running = 0;
  probe.maxRunning = 0;
}
