import {
  ErrorCodes,
  isRunInterruption,
  serializeError,
  type SerializedError,
} from "../errors";
import type { Json, JsonObject } from "../json";
import { attemptStepId, backoffStepId } from "../step-tools/step-ids";
import { durableContext } from "./durable-context";
import { backoffDelay, retryAfterOf } from "./retry";
import { Halted, type Run } from "./run";
import type { RNode } from "./runtime-plan";
import type { Scope } from "./scope";
import { checkResult, executeStep } from "./step-body";
import { stepClock } from "./step-clock";

/** One execution of a node: a step id base, its inputs and where its outputs are visible. */
export interface NodeInvocation {
  node: RNode;
  scope: Scope;
  baseStepId: string;
  input: Json;
  inputs: Record<string, Json>;
  /** Extra names for expressions (a compensation sees `compensating` and `error`). */
  extra?: JsonObject;
  compensates?: string;
}

export type NodeOutcome =
  | {
      kind: "completed";
      output: Json;
      handles: readonly string[] | null;
      stepId: string;
      finishedAt: number;
    }
  | { kind: "continued"; output: Json; error: SerializedError }
  | { kind: "failed"; error: SerializedError; stepId: string };

/**
 * The journaled result of a node attempt. Failures are values, so a replay
 * reproduces them without running the node again.
 */
export type StepEnvelope =
  | {
      ok: true;
      output: Json;
      handles: string[] | null;
      startedAt: number;
      durationMs: number;
    }
  | {
      ok: false;
      error: SerializedError;
      startedAt: number;
      durationMs: number;
    };

/** Set by runAttempt: whether the last attempt was answered from the journal (its durable part included). */
interface AttemptState {
  replayed: boolean;
}

/**
 * Runs a node under its retry policy: attempts `<base>`, `<base>#2`, ...
 * separated by back-off sleeps `<base>#<n>:backoff`.
 */
export async function runNode(
  run: Run,
  inv: NodeInvocation,
): Promise<NodeOutcome> {
  const { node } = inv;
  const policy = node.def.retry;
  const state: AttemptState = { replayed: false };
  for (let attempt = 1; ; attempt++) {
    const stepId = attemptStepId(inv.baseStepId, attempt);
    const result = await runAttempt(run, inv, stepId, attempt, state);
    if (result.ok) {
      if (run.observed) {
        run.emit({
          type: "node.completed",
          nodeId: node.id,
          stepId,
          attempt,
          durationMs: result.durationMs,
          output: result.output,
          handles: result.handles,
          replayed: state.replayed,
          ...tag(inv),
        });
      }
      return {
        kind: "completed",
        output: result.output,
        handles: result.handles,
        stepId,
        finishedAt: result.startedAt + result.durationMs,
      };
    }
    const { error } = result;
    const fatal = error.code === ErrorCodes.runTimeout;
    const willRetry = !fatal && error.retryable && attempt < policy.maxAttempts;
    const continued = !willRetry && !fatal && node.def.continueOnFail;
    run.emit({
      type: "node.failed",
      nodeId: node.id,
      stepId,
      attempt,
      durationMs: result.durationMs,
      error,
      willRetry,
      continued,
      replayed: state.replayed,
      ...tag(inv),
    });
    if (!willRetry) {
      return continued
        ? { kind: "continued", output: { error }, error }
        : { kind: "failed", error, stepId };
    }
    const delayMs = backoffDelay(
      policy,
      attempt,
      `${run.meta.id}:${stepId}`,
      retryAfterOf(error),
    );
    const sleepId = backoffStepId(inv.baseStepId, attempt + 1);
    run.emit({
      type: "node.retrying",
      nodeId: node.id,
      stepId: inv.baseStepId,
      attempt: attempt + 1,
      delayMs,
      backoffStepId: sleepId,
      ...tag(inv),
    });
    const checkpoint = run.beforeStep();
    if (checkpoint) await checkpoint;
    await run.durable(run.tools.sleep(sleepId, { durationMs: delayMs }));
  }
}

export function tag(inv: NodeInvocation): { compensates?: string } {
  return inv.compensates === undefined ? {} : { compensates: inv.compensates };
}

async function runAttempt(
  run: Run,
  inv: NodeInvocation,
  stepId: string,
  attempt: number,
  state: AttemptState,
): Promise<StepEnvelope> {
  const checkpoint = run.beforeStep();
  if (checkpoint) await checkpoint;
  const permit = run.acquire();
  if (permit) await permit;
  let ran = false;
  let envelope: StepEnvelope;
  try {
    run.assertCanStep();
    envelope = await run.tools.run<StepEnvelope>(stepId, () => {
      ran = true;
      return executeStep(run, inv, stepId, attempt);
    });
  } finally {
    run.release();
  }
  state.replayed = !ran;
  const durable = inv.node.type.durable;
  if (!envelope.ok || !durable) return envelope;

  const { startedAt } = envelope;
  // A durable node's outcome is a replay only if its sleep, wait or invoke was answered from the journal too.
  const phase = { live: false };
  try {
    const result = await durable.call(
      inv.node.type,
      durableContext(run, inv, stepId, attempt, envelope.output, phase),
    );
    if (phase.live) state.replayed = false;
    const { output, handles } = checkResult(run, inv.node, result);
    return {
      ok: true,
      output,
      handles,
      startedAt,
      durationMs: Math.max(0, stepClock() - startedAt),
    };
  } catch (error) {
    if (phase.live) state.replayed = false;
    if (error instanceof Halted) throw error;
    if (isRunInterruption(error)) {
      run.interrupt(error);
      throw error;
    }
    return {
      ok: false,
      error: run.masker.error(serializeError(error)),
      startedAt,
      durationMs: Math.max(0, stepClock() - startedAt),
    };
  }
}
