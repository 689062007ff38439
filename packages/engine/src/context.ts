import type { Json } from "./json";

/** Facts about the run a driver journals once and passes to every (re)execution. */
export interface RunMetadata {
  id: string;
  /** 1 for the first run of an input; incremented by "retry the whole run". */
  attempt: number;
  /** ISO timestamp; the run deadline is measured from it. */
  startedAt: string;
  workflowId?: string;
  /**
   * For "retry from a failed node": the run whose idempotency keys re-executed
   * steps must reuse, so a call that succeeded downstream is not duplicated.
   */
  originRunId?: string;
}

export interface NetworkPolicy {
  /**
   * Hosts the workspace explicitly allows even though they resolve to private
   * addresses: exact names, `*.suffix` wildcards, IP literals or CIDR ranges.
   */
  allowedHosts: readonly string[];
}

export interface RunContext {
  run: RunMetadata;
  vars?: Readonly<Record<string, Json>>;
  /** Secret values by name; masked in every output, error and log that leaves a step. */
  secrets?: Readonly<Record<string, string>>;
  network?: Partial<NetworkPolicy>;
  /** Aborts in-flight node work; an aborted run ends with RunCancelled. */
  signal?: AbortSignal;
}
