/**
 * Why an execution stops before its run ends. The interpreter is unwound by
 * throwing `ExecutionStopped` from the control checkpoint and from pending
 * durable calls; the execution then records what the reason calls for.
 *
 * - `parked`: every branch waits (sleep, event, child run); the worker is freed.
 * - `paused` / `cancelled`: someone asked for it.
 * - `lease-lost`: another worker owns the run now; write nothing more.
 * - `stopping`: the worker shuts down; the run goes back to the queue.
 * - `conflict`: a step's result was already journaled by another execution
 *   (unreachable while leases fence writes); the run goes back to the queue
 *   and replays with the stored result.
 */
export type StopReason = "parked" | "paused" | "cancelled" | "lease-lost" | "stopping" | "conflict";

/** Later reasons override earlier ones: a cancel beats a pause, a lost lease beats everything it can. */
export const STOP_PRECEDENCE: Record<StopReason, number> = {
  parked: 0,
  stopping: 1,
  conflict: 1,
  paused: 2,
  "lease-lost": 3,
  cancelled: 4,
};

/**
 * Thrown into the engine from the control checkpoint and from pending sleeps,
 * waits and child runs. It is the driver's own rejection, so the engine stops
 * the run with it (`execute` rejects with it) and records no node failure.
 */
export class ExecutionStopped extends Error {
  constructor(readonly reason: StopReason) {
    super(`execution stopped: ${reason}`);
    this.name = "ExecutionStopped";
  }
}
