import type { ClaimedRun } from "./claim";
import type { InlineRun, InlineRunRequest } from "./inline-execution";

/** A worker of this process that can take a run it did not claim itself. */
export interface LocalWorker {
  readonly leaseOwner: string;
  readonly leaseMs: number;
  /**
   * Holds up to `count` free slots for runs about to be created claimed for
   * it; none unless it is idle with no backlog it knows of (a new run must
   * not overtake older ones). Returns how many it holds.
   */
  reserve(count: number): number;
  /** Lets go of slots `reserve` held (the runs created claimed are adopted). */
  release(count: number): void;
  /**
   * Executes a run about to be created, on a slot held for as long as that
   * takes (none: null), so it can be created finished; see `executeInline`.
   */
  executeInline(run: InlineRunRequest): Promise<InlineRun | null>;
  /** Starts executing a run created already claimed for this worker. */
  adopt(run: ClaimedRun): void;
  /**
   * The run executes here and has not begun to finish: however it ends, the
   * notice saying so is published after this call (in process, with its
   * outcome), so a listener subscribed before it misses nothing.
   */
  executesUnfinished(runId: string): boolean;
}

declare global {
  var __trellisLocalWorkers: WeakMap<object, LocalWorker> | undefined;
}

// On globalThis: the API's route bundle and the instrumentation bundle of a Next.js server share it.
function registry(): WeakMap<object, LocalWorker> {
  globalThis.__trellisLocalWorkers ??= new WeakMap();
  return globalThis.__trellisLocalWorkers;
}

/**
 * Makes a worker findable by its database's `Sql.scope` (the driver client),
 * which every Sql over that database shares, transactions included: a run
 * started inside a caller's transaction (a webhook delivery's) is adopted
 * once it commits like any other.
 */
export function registerLocalWorker(scope: object, worker: LocalWorker): () => void {
  registry().set(scope, worker);
  return () => {
    if (registry().get(scope) === worker) registry().delete(scope);
  };
}

/** The worker of this process working on the database of `scope` (an `Sql.scope`), if any. */
export function findLocalWorker(scope: object): LocalWorker | undefined {
  return registry().get(scope);
}

/** See `LocalWorker.executesUnfinished`: false when no worker of this process holds the run. */
export function executesUnfinishedHere(scope: object, runId: string): boolean {
  return findLocalWorker(scope)?.executesUnfinished(runId) ?? false;
}
