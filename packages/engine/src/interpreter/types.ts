import type { ExecutionPlan } from "../compiler/plan";
import type { RunContext } from "../context";
import type { SerializedError } from "../errors";
import type { Json, JsonObject } from "../json";
import type { NodeRegistry } from "../nodes/registry";
import type { StepTools } from "../step-tools/types";

/** Called before every step; throw RunCancelled or RunPaused to stop the run there. */
export interface RunControl {
  checkpoint(): Promise<void>;
}

interface NodeEventBase {
  nodeId: string;
  stepId: string;
  /** Set on events of a compensation step: the base step id being compensated. */
  compensates?: string;
}

/**
 * What drivers turn into run events and live updates. Events are emitted again
 * when a run is replayed; `replayed: true` marks completions (and failures)
 * answered from the journal — for a durable node only when its sleep, wait or
 * invoke was too (see `StepTools.isJournaled`) — and drivers dedupe by step id.
 */
export type RunEvent =
  | (NodeEventBase & {
      type: "node.started";
      attempt: number;
      startedAt: string;
    })
  | (NodeEventBase & {
      type: "node.completed";
      attempt: number;
      durationMs: number;
      output: Json;
      handles: string[] | null;
      replayed: boolean;
    })
  | (NodeEventBase & {
      type: "node.failed";
      attempt: number;
      durationMs: number;
      error: SerializedError;
      willRetry: boolean;
      /** The failure was sent to the error handle (continueOnFail). */
      continued: boolean;
      replayed: boolean;
    })
  | (NodeEventBase & {
      type: "node.retrying";
      attempt: number;
      delayMs: number;
      backoffStepId: string;
    })
  | (NodeEventBase & { type: "node.skipped" })
  | (NodeEventBase & {
      type: "node.waiting";
      attempt: number;
      kind: "sleep" | "event" | "invoke";
      detail: JsonObject;
    })
  | (NodeEventBase & {
      type: "node.log";
      level: "debug" | "info" | "warn" | "error";
      message: string;
      data: Json | null;
      at: string;
    });

export type RunObserver = (event: RunEvent) => void;

export interface CompensationRecord {
  nodeId: string;
  stepId: string;
  compensates: string;
  status: "completed" | "failed";
  error: SerializedError | null;
}

export type RunResult =
  | { status: "succeeded"; output: Record<string, Json> }
  | {
      status: "failed";
      error: SerializedError;
      failedNodeId: string;
      failedStepId: string;
      /** Outputs of the terminal nodes that did complete. */
      output: Record<string, Json>;
      compensations: CompensationRecord[];
    };

export interface ExecuteOptions {
  plan: ExecutionPlan;
  input: Json;
  tools: StepTools;
  context: RunContext;
  registry?: NodeRegistry;
  observer?: RunObserver;
  control?: RunControl;
}
