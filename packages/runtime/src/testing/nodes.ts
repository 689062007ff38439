import { createDefaultRegistry, defineNode, NonRetryableError, type NodeRegistry } from "@trellis/engine";
import { z } from "zod";

// Node types whose behaviour a test controls and observes (not mocks of the runtime: the
// engine runs them like any node, inside journaled steps).

/** What the test nodes record, and the switches that steer them. */
export interface Probe {
  /** Executions per step id (a journaled step replayed from the journal adds nothing). */
  calls: Map<string, number>;
  /** Executions per `<runId>:<stepId>`, for tests running several runs of one workflow. */
  runCalls: Map<string, number>;
  /** Idempotency keys the steps were given, by step id. */
  keys: Map<string, string>;
  /** Node ids that fail (non-retryably) while listed. */
  failing: Set<string>;
  /** Steps blocked at a gate, by gate name; `open` lets them through. */
  gates: Map<string, { opened: Promise<void>; open(): void; waiting: number }>;
  running: number;
  maxRunning: number;
}

export function createProbe(): Probe {
  return { calls: new Map(), runCalls: new Map(), keys: new Map(), failing: new Set(), gates: new Map(), running: 0, maxRunning: 0 };
}

export function gate(probe: Probe, name: string): { opened: Promise<void>; open(): void; waiting: number } {
  let entry = probe.gates.get(name);
  if (!entry) {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    entry = { opened, open, waiting: 0 };
    probe.gates.set(name, entry);
  }
  return entry;
}

/** How often a step ran: in any run, or in the run given. */
export function callsOf(probe: Probe, stepId: string, runId?: string): number {
  return (runId === undefined ? probe.calls.get(stepId) : probe.runCalls.get(`${runId}:${stepId}`)) ?? 0;
}

/**
 * `test.step`: counts its calls, optionally waits at a gate (honouring
 * cancellation), fails (retryably) on its first `failAttempts` attempts and
 * (for good) while its node id is in `probe.failing`; outputs `output` or its
 * input, plus its idempotency key. `test.pure` does the same and is declared
 * pure (`NodeType.pure`).
 */
export function testRegistry(probe: Probe): NodeRegistry {
  const step = defineNode({
    type: "test.step",
    title: "Test step",
    category: "utility",
    description: "",
    icon: "flask",
    inputs: [{ id: "in", label: "In" }],
    outputs: [{ id: "out", label: "Out" }],
    configSchema: z.object({ gate: z.string().optional(), output: z.json().optional(), failAttempts: z.number().int().min(0).optional() }),
    outputSchema: z.json(),
    async run(ctx) {
      probe.calls.set(ctx.stepId, (probe.calls.get(ctx.stepId) ?? 0) + 1);
      const runStep = `${ctx.run.id}:${ctx.stepId}`;
      probe.runCalls.set(runStep, (probe.runCalls.get(runStep) ?? 0) + 1);
      probe.keys.set(ctx.stepId, ctx.idempotencyKey);
      probe.keys.set(runStep, ctx.idempotencyKey);
      probe.running++;
      probe.maxRunning = Math.max(probe.maxRunning, probe.running);
      try {
        if (ctx.config.gate) {
          const entry = gate(probe, ctx.config.gate);
          entry.waiting++;
          await new Promise<void>((resolve, reject) => {
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error), { once: true });
            void entry.opened.then(resolve);
          });
        }
        if (probe.failing.has(ctx.nodeId)) throw new NonRetryableError(`${ctx.nodeId} was told to fail`);
        if (ctx.attempt <= (ctx.config.failAttempts ?? 0)) throw new Error(`attempt ${ctx.attempt} of ${ctx.nodeId} failed`);
        return { output: ctx.config.output ?? { input: ctx.input, key: ctx.idempotencyKey } };
      } finally {
        probe.running--;
      }
    },
  });
  return createDefaultRegistry([step, { ...step, type: "test.pure", title: "Pure test step", pure: true }]);
}
