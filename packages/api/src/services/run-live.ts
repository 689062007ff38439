import { getAppDatabase, type DatabaseHandle } from "@trellis/db";
import type { RunStatus } from "@trellis/db/schema";
import { FINISHED_STATUSES, getRunEventBus, getRunOrThrow, watchRunEvents, type RunEventRecord } from "@trellis/runtime";
import { runSummaries, type RunSummary } from "./runs";
import type { DataScope } from "./scope";

/** What live views need beyond a data scope: the open database, whose run event bus they follow. */
export interface LiveScope extends DataScope {
  /** The database the scope's `db` belongs to; the application's database when absent. */
  handle?: DatabaseHandle;
}

const FINAL_EVENTS = new Set<string>(FINISHED_STATUSES.map((status) => `run.${status}`));
// A live list remembers this many runs' last status, to send only changes.
const REMEMBERED_RUNS = 10_000;

/**
 * A queue an event source pushes into and an async generator pulls from,
 * waking on new items, a failure or the consumer's abort signal.
 */
class Inbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | null = null;
  private failure: { error: unknown } | null = null;

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener("abort", this.notify);
  }

  readonly notify = () => {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  };

  push(...items: T[]) {
    this.items.push(...items);
    this.notify();
  }

  fail(error: unknown) {
    this.failure = { error };
    this.notify();
  }

  /** Every item received so far, waiting for one if there is none; null once the consumer went away. */
  async take(): Promise<T[] | null> {
    while (this.items.length === 0) {
      if (this.failure) throw this.failure.error;
      if (this.signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.items.splice(0, this.items.length);
  }

  close() {
    this.signal?.removeEventListener("abort", this.notify);
  }
}

async function handleOf(scope: LiveScope): Promise<DatabaseHandle> {
  return scope.handle ?? (await getAppDatabase());
}

/**
 * A run's timeline as it grows: the entries after `afterId` first, then each
 * new one as the run event bus announces it, in order and without
 * duplicates. Ends after the run's final entry (succeeded, failed,
 * cancelled). NOT_FOUND for another workspace's run.
 */
export async function* followRunEvents(
  scope: LiveScope,
  input: { runId: string; afterId?: number },
  signal?: AbortSignal,
): AsyncGenerator<RunEventRecord> {
  const target = { workspaceId: scope.workspaceId, runId: input.runId };
  await getRunOrThrow(scope.db, target);
  const handle = await handleOf(scope);
  const inbox = new Inbox<RunEventRecord>(signal);
  const stop = watchRunEvents(scope.db, getRunEventBus(handle), { ...target, afterId: input.afterId }, (events) => inbox.push(...events), (error) => inbox.fail(error));
  try {
    for (;;) {
      const events = await inbox.take();
      if (!events) return;
      let finished = false;
      for (const event of events) {
        yield event;
        if (FINAL_EVENTS.has(event.type)) finished = true;
      }
      if (finished) return;
    }
  } finally {
    stop();
    inbox.close();
  }
}

/**
 * The workspace's runs as their status changes: a summary each time a run is
 * created or changes status (repeated timeline entries of a run whose status
 * stayed the same send nothing).
 */
export async function* followRunStatuses(scope: LiveScope, signal?: AbortSignal): AsyncGenerator<RunSummary> {
  const handle = await handleOf(scope);
  const bus = getRunEventBus(handle);
  const inbox = new Inbox<string>(signal);
  const unsubscribe = bus.subscribe({ workspaceId: scope.workspaceId }, (notice) => inbox.push(notice.runId));
  const lastStatus = new Map<string, RunStatus>();
  try {
    await bus.ready();
    for (;;) {
      const runIds = await inbox.take();
      if (!runIds) return;
      for (const run of await runSummaries(scope, [...new Set(runIds)])) {
        if (lastStatus.get(run.id) === run.status) continue;
        lastStatus.delete(run.id);
        lastStatus.set(run.id, run.status);
        if (lastStatus.size > REMEMBERED_RUNS) lastStatus.delete(lastStatus.keys().next().value as string);
        yield run;
      }
    }
  } finally {
    unsubscribe();
    inbox.close();
  }
}
