import type { DatabaseHandle } from "@trellis/db";
import { readRunEvents, type RunEventRecord } from "../records/run-events";
import { toSql, type Db } from "../sql/sql-client";
import { CHANNELS, parseRunEventNotices, processOrigin, splitPayload, type RunEventNotice } from "./channels";
import { localSignals } from "./local-signals";
import { acquireNotificationListener, type NotificationListener } from "./notification-listener";

export type RunEventFilter = { runId: string } | { workspaceId: string };
export type RunEventListener = (notice: RunEventNotice) => void;

/**
 * Announces new timeline rows of runs to subscribers (live run view, SSE).
 * Events written by this process arrive through the in-process emitter at
 * once; events written by other processes (separate workers) arrive through
 * LISTEN/NOTIFY. A notice carries the run and its newest event id; consumers
 * fetch the rows (see `watchRunEvents`).
 */
export class RunEventBus {
  private readonly byRun = new Map<string, Set<RunEventListener>>();
  private readonly byWorkspace = new Map<string, Set<RunEventListener>>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly origin = processOrigin();
  private readonly onLocal = (notices: RunEventNotice[]) => this.deliver(notices);
  private listening: Promise<void> | null = null;
  private shared: { listener: NotificationListener; release(): Promise<void> } | null = null;
  private closed = false;

  /** Without a database the bus only sees this process's events. */
  constructor(private readonly handle?: DatabaseHandle) {
    localSignals().on("runEvents", this.onLocal);
  }

  subscribe(filter: RunEventFilter, listener: RunEventListener): () => void {
    const [map, key] = "runId" in filter ? [this.byRun, filter.runId] : [this.byWorkspace, filter.workspaceId];
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(listener);
    void this.ready().catch(() => undefined);
    return () => {
      set.delete(listener);
      if (set.size === 0 && map.get(key) === set) map.delete(key);
    };
  }

  /** Called when notices may have been missed (the LISTEN connection was re-established): refetch. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Resolves once other processes' events are being received (at once without a database). */
  ready(): Promise<void> {
    if (!this.handle || this.closed) return Promise.resolve();
    this.listening ??= (async () => {
      const handle = this.handle as DatabaseHandle;
      this.shared = acquireNotificationListener(handle);
      this.shared.listener.onReconnect(() => {
        for (const listener of this.resyncListeners) listener();
      });
      await this.shared.listener.listen(CHANNELS.runEvents, (payload) => {
        const parts = splitPayload(payload);
        // Own notifications were delivered in-process already.
        if (!parts || parts.origin === this.origin) return;
        this.deliver(parseRunEventNotices(parts.body));
      });
    })().catch((error: unknown) => {
      this.listening = null;
      throw error;
    });
    return this.listening;
  }

  private deliver(notices: RunEventNotice[]): void {
    for (const notice of notices) {
      for (const listener of this.byRun.get(notice.runId) ?? []) listener(notice);
      for (const listener of this.byWorkspace.get(notice.workspaceId) ?? []) listener(notice);
    }
  }

  /** Stops listening (release it before closing the database: the LISTEN connection is checked out of its pool). */
  async close(): Promise<void> {
    const buses = busRegistry();
    if (this.handle && buses.get(this.handle) === this) buses.delete(this.handle);
    this.closed = true;
    localSignals().off("runEvents", this.onLocal);
    this.byRun.clear();
    this.byWorkspace.clear();
    await this.listening?.catch(() => undefined);
    await this.shared?.release();
  }
}

declare global {
  var __trellisRunEventBuses: WeakMap<DatabaseHandle, RunEventBus> | undefined;
}

/**
 * On globalThis: every copy of this module in a process (Next.js's bundles,
 * the self-hosted server's direct routes) shares one bus per database, so the
 * one that closes it at shutdown closes every subscriber's LISTEN connection.
 */
const busRegistry = (): WeakMap<DatabaseHandle, RunEventBus> => (globalThis.__trellisRunEventBuses ??= new WeakMap());

/** The process's bus for a database (one per handle, until closed). */
export function getRunEventBus(handle: DatabaseHandle): RunEventBus {
  const buses = busRegistry();
  let bus = buses.get(handle);
  if (!bus) {
    bus = new RunEventBus(handle);
    buses.set(handle, bus);
  }
  return bus;
}

/**
 * Follows one run's timeline: delivers rows after `afterId` now and whenever
 * the bus announces more, in order and without duplicates. What an SSE route
 * streams. Returns a function that stops following.
 */
export function watchRunEvents(
  db: Db,
  bus: RunEventBus,
  options: { workspaceId: string; runId: string; afterId?: number },
  onEvents: (events: RunEventRecord[]) => void,
  onError: (error: unknown) => void = () => undefined,
): () => void {
  const sql = toSql(db);
  let cursor = options.afterId ?? 0;
  let fetching = false;
  let again = false;
  let stopped = false;

  const fetch = async () => {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      do {
        again = false;
        for (;;) {
          const events = await readRunEvents(sql, { workspaceId: options.workspaceId, runId: options.runId, afterId: cursor, limit: 500 });
          if (stopped || events.length === 0) break;
          cursor = (events.at(-1) as RunEventRecord).id;
          onEvents(events);
          if (events.length < 500) break;
        }
      } while (again && !stopped);
    } catch (error) {
      onError(error);
    } finally {
      fetching = false;
    }
  };

  const unsubscribe = bus.subscribe({ runId: options.runId }, (notice) => {
    if (notice.eventId > cursor) void fetch();
  });
  const unsubscribeResync = bus.onResync(() => void fetch());
  // Subscribed before the first fetch, so nothing written in between is missed.
  void bus.ready().then(fetch, onError);
  return () => {
    stopped = true;
    unsubscribe();
    unsubscribeResync();
  };
}

/** Closes the process's bus for a database, if one was opened. */
export async function closeRunEventBus(handle: DatabaseHandle): Promise<void> {
  await busRegistry().get(handle)?.close();
}
