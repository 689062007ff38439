import { toJson, type Json, type JsonObject } from "../json";
import type { DurableContext } from "../nodes/types";
import { durableStepId } from "../step-tools/step-ids";
import { tag, type NodeInvocation } from "./node-runner";
import type { Run } from "./run";

/** StepTools bound to `<attemptStepId>:sleep|wait|invoke`, for a node's durable phase. */
export function durableContext(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
  prepared: Json,
): DurableContext {
  const { node } = inv;
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
      await run.durable(
        run.tools.sleep(durableStepId(stepId, "sleep"), options),
      );
    },
    async waitForEvent(options) {
      await waiting("event", {
        event: options.event,
        match: options.match ?? null,
        timeoutMs: options.timeoutMs,
      });
      const payload = await run.durable(
        run.tools.waitForEvent(durableStepId(stepId, "wait"), options),
      );
      // Event payloads come from outside: a secret in one must not reach outputs either.
      return payload === null ? null : run.masker.json(toJson(payload));
    },
    async invoke(options) {
      await waiting("invoke", { workflowId: options.workflowId });
      const output = await run.durable(
        run.tools.invoke(durableStepId(stepId, "invoke"), options),
      );
      return run.masker.json(toJson(output));
    },
  };
}
