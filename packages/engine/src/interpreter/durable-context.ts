import { EngineError, isRunInterruption } from "../errors";
import { toJson, type Json, type JsonObject } from "../json";
import type { DurableContext } from "../nodes/types";
import { durableStepId } from "../step-tools/step-ids";
import { tag, type NodeInvocation } from "./node-runner";
import type { Run } from "./run";

/** What the durable phase of one attempt learnt about replay. */
export interface DurablePhase {
  /** A durable call of this attempt was not answered from the journal (or the driver cannot tell). */
  live: boolean;
}

/** A child run's failure is the node's failure; run interruptions and anything else are not. */
function isChildFailure(error: unknown): boolean {
  return error instanceof EngineError && !isRunInterruption(error);
}

/** StepTools bound to `<attemptStepId>:sleep|wait|invoke`, for a node's durable phase. */
export function durableContext(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
  prepared: Json,
  phase: DurablePhase,
): DurableContext {
  const { node } = inv;
  /**
   * One durable call. A rejection is the driver's (the run stops with it)
   * unless `nodeFailure` says it is the node's own: only a failed child run
   * is. A park, a lost lease or a database error inside a sleep or a wait must
   * never become a failed attempt and a retry.
   */
  const call = async <T>(
    durableId: string,
    start: () => Promise<T>,
    nodeFailure: (error: unknown) => boolean = () => false,
  ): Promise<T> => {
    if (!(run.tools.isJournaled?.(durableId) ?? false)) phase.live = true;
    try {
      return await run.durable(start());
    } catch (error) {
      if (nodeFailure(error)) throw error;
      return run.stopForDriver(error);
    }
  };
  const waiting = async (
    kind: "sleep" | "event" | "invoke",
    detail: JsonObject,
  ) => {
    const checkpoint = run.beforeStep();
    if (checkpoint) await checkpoint;
    run.emit({
      type: "node.waiting",
      nodeId: node.id,
      stepId,
      attempt,
      kind,
      detail,
      ...tag(inv),
    });
  };
  return {
    prepared,
    nodeId: node.id,
    stepId,
    baseStepId: inv.baseStepId,
    attempt,
    run: run.meta,
    async sleep(options) {
      const detail: JsonObject =
        "durationMs" in options
          ? { durationMs: options.durationMs }
          : { until: new Date(options.until).toISOString() };
      await waiting("sleep", detail);
      const id = durableStepId(stepId, "sleep");
      await call(id, () => run.tools.sleep(id, options));
    },
    async waitForEvent(options) {
      await waiting("event", {
        event: options.event,
        match: options.match ?? null,
        timeoutMs: options.timeoutMs,
      });
      const id = durableStepId(stepId, "wait");
      const payload = await call(id, () => run.tools.waitForEvent(id, options));
      // Event payloads come from outside: a secret in one must not reach outputs either.
      return payload === null ? null : run.masker.json(toJson(payload));
    },
    async invoke(options) {
      await waiting("invoke", { workflowId: options.workflowId });
      const id = durableStepId(stepId, "invoke");
      const output = await call(
        id,
        () => run.tools.invoke(id, options),
        isChildFailure,
      );
      return run.masker.json(toJson(output));
    },
  };
}
