import type { Json, JsonObject } from "../json";

export type SleepOptions = { durationMs: number } | { until: Date | string };

export interface WaitForEventOptions {
  /** Event name, e.g. `order.paid` or `approval:<stepId>`. */
  event: string;
  /** The payload must contain this JSON (PostgreSQL `jsonb @>` semantics, see `matchesEvent`). */
  match?: JsonObject;
  timeoutMs: number;
}

export interface InvokeOptions {
  workflowId: string;
  input: Json;
}

/**
 * What a driver hands the interpreter. Each call is one durable step: a driver
 * journals its result under `stepId` and, on replay, returns the journaled
 * result instead of calling `fn` (or sleeping / waiting / invoking) again.
 * Everything that crosses a step is JSON.
 */
export interface StepTools {
  run<T extends Json>(stepId: string, fn: () => Promise<T>): Promise<T>;
  sleep(stepId: string, options: SleepOptions): Promise<void>;
  /** Resolves with the event's payload, or `null` when the timeout passed first. */
  waitForEvent(
    stepId: string,
    options: WaitForEventOptions,
  ): Promise<Json | null>;
  /** Runs another workflow to completion and resolves with its output; rejects if it fails. */
  invoke(stepId: string, options: InvokeOptions): Promise<Json>;
}
