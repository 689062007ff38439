import type { Json } from "../json";
import { defaultRegistry } from "../nodes/registry";
import { runCompensations } from "./compensate";
import { GroupInstance } from "./group";
import { Run } from "./run";
import { prepareRuntimePlan, type RuntimePlan } from "./runtime-plan";
import type { ExecuteOptions, RunResult } from "./types";

/**
 * Walks a plan with the driver's StepTools. Resolves with the run's result
 * (a node failure is a result, after compensation); rejects with RunCancelled
 * or RunPaused when the control hook or the signal stops the run, and with the
 * driver's own error if a StepTools call fails.
 */
export async function execute(options: ExecuteOptions): Promise<RunResult> {
  const rp = prepareRuntimePlan(
    options.plan,
    options.registry ?? defaultRegistry(),
  );
  const run = new Run({ ...options, settings: options.plan.settings });
  const root = new GroupInstance(run, rp.root, run.rootScope);
  void root.finished.then(() => run.markRootDone());
  root.start();
  await run.settled;

  const halt = run.halt;
  if (halt?.kind === "interrupt") throw halt.error;
  const output = terminalOutputs(rp, run);
  if (!halt) return { status: "succeeded", output };
  const compensations = await runCompensations(run, rp, halt);
  return {
    status: "failed",
    error: halt.error,
    failedNodeId: halt.nodeId,
    failedStepId: halt.stepId,
    output,
    compensations,
  };
}

function terminalOutputs(rp: RuntimePlan, run: Run): Record<string, Json> {
  const output: Record<string, Json> = {};
  for (const node of rp.terminals) {
    const entry = run.rootScope.get(node.id);
    if (entry) output[node.id] = entry.output;
  }
  return output;
}
