import { compensationStepId } from "../step-tools/step-ids";
import type { Json } from "../json";
import { runNode } from "./node-runner";
import { Halted, type CompletedStep, type Halt, type Run } from "./run";
import type { RuntimePlan } from "./runtime-plan";
import type { CompensationRecord } from "./types";

/**
 * Latest completion first. Ties (same millisecond) fall back to plan order and
 * step id, so a replay, whose memoised steps finish in a different order,
 * compensates in the same order as the original run.
 */
function byReverseCompletion(a: CompletedStep, b: CompletedStep): number {
  return (
    b.finishedAt - a.finishedAt ||
    b.node.def.topoIndex - a.node.def.topoIndex ||
    (a.stepId < b.stepId ? 1 : a.stepId > b.stepId ? -1 : 0)
  );
}

/** Runs the compensation node of every completed step, one at a time, newest first. */
export async function runCompensations(
  run: Run,
  rp: RuntimePlan,
  failure: Extract<Halt, { kind: "failed" }>,
): Promise<CompensationRecord[]> {
  run.phase = "compensating";
  const records: CompensationRecord[] = [];
  for (const step of [...run.completed].sort(byReverseCompletion)) {
    const compensator = rp.nodes.get(step.node.def.compensation as string);
    if (!compensator) continue;
    const baseStepId = compensationStepId(compensator.id, step.stepId);
    const compensating: Json = {
      nodeId: step.node.id,
      stepId: step.stepId,
      output: step.output,
    };
    try {
      const outcome = await runNode(run, {
        node: compensator,
        scope: step.scope,
        baseStepId,
        input: step.output,
        inputs: { [step.node.id]: step.output },
        extra: { compensating, error: failure.error },
        compensates: step.stepId,
      });
      records.push({
        nodeId: compensator.id,
        stepId: baseStepId,
        compensates: step.stepId,
        status: outcome.kind === "completed" ? "completed" : "failed",
        error: outcome.kind === "completed" ? null : outcome.error,
      });
    } catch (error) {
      const halt = run.halt;
      if (error instanceof Halted && halt?.kind === "interrupt")
        throw halt.error;
      throw error;
    }
  }
  return records;
}
