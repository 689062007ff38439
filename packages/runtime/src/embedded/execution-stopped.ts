import { RunPaused } from "@trellis/engine";

/**
 * Why an execution stops before its run ends. The interpreter is unwound by
 * throwing `ExecutionStopped` from the control checkpoint and from pending
 * durable calls; the execution then records what the reason calls for.
 *
 * - `parked`: every branch waits (sleep, event, child run); the worker is freed.
 * - `paused` / `cancelled`: someone asked for it.
 * - `lease-lost`: another worker owns the run now; write nothing more.
 * - `stopping`: the worker shuts down; the run goes back to the queue.
 */
export type StopReason = "parked" | "paused" | "cancelled" | "lease-lost" | "stopping";

/** Later reasons override earlier ones: a cancel beats a pause, a lost lease beats everything it can. */
export const STOP_PRECEDENCE: Record<StopReason, number> = {
  parked: 0,
  stopping: 1,
  paused: 2,
  "lease-lost": 3,
  cancelled: 4,
};

/**
 * Extends the engine's RunPaused so the engine treats it as an interruption:
 * a pending sleep or wait rejected with any other error is taken for the
 * node's own failure (the engine then records a failed attempt and a retry
 * that never happen). Reported to the engine's owner.
 */
export class ExecutionStopped extends RunPaused {
  constructor(readonly reason: StopReason) {
    super(`execution stopped: ${reason}`);
    this.name = "ExecutionStopped";
  }
}
