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
 *
 * Rejections: `run` rejects only for the driver's own reasons (a node failure
 * is an envelope value). `sleep` and `waitForEvent` likewise. `invoke` rejects
 * with an `EngineError` when the child run failed (the node's failure, retried
 * under its policy); any other rejection of any call is the driver's (the run
 * parks, its lease is gone, the database is unreachable): the engine stops the
 * run and `execute` rejects with that error, recording no node failure.
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
  /**
   * Optional: whether `stepId` (a sleep, wait or invoke) already has a
   * journaled result, i.e. the next call with it is answered from the journal.
   * The engine asks it before a durable node's durable call, to flag the node's
   * completion `replayed` only when that part was replayed too. Without it a
   * durable node's completion counts as live (`replayed: false`).
   */
  isJournaled?(stepId: string): boolean;
}
