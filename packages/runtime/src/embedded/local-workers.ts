import type { ClaimedRun } from "./claim";

/** A worker of this process that can take a run it did not claim itself. */
export interface LocalWorker {
  readonly leaseOwner: string;
  readonly leaseMs: number;
  /** A free slot and no backlog it knows of (so a new run would not overtake older ones). */
  hasRoom(): boolean;
  /** Starts executing a run created already claimed for this worker. */
  adopt(run: ClaimedRun): void;
}

declare global {
  var __trellisLocalWorkers: WeakMap<object, LocalWorker> | undefined;
}

// On globalThis: the API's route bundle and the instrumentation bundle of a Next.js server share it.
function registry(): WeakMap<object, LocalWorker> {
  globalThis.__trellisLocalWorkers ??= new WeakMap();
  return globalThis.__trellisLocalWorkers;
}

/** Makes a worker findable from the database objects callers may hold (handle, Drizzle database, Sql). */
export function registerLocalWorker(keys: readonly object[], worker: LocalWorker): () => void {
  for (const key of keys) registry().set(key, worker);
  return () => {
    for (const key of keys) if (registry().get(key) === worker) registry().delete(key);
  };
}

/** The worker of this process working on the database `db` refers to, if any. */
export function findLocalWorker(db: object): LocalWorker | undefined {
  return registry().get(db);
}
