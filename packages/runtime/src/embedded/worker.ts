import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "@trellis/db";
import type { NodeRegistry } from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { CHANNELS, parseRunIds, processOrigin, splitPayload } from "../bus/channels";
import { localSignals } from "../bus/local-signals";
import { acquireNotificationListener } from "../bus/notification-listener";
import { finishRuns, transitionRun, type FinishedRun, type FinishRun } from "../records/runs";
import { statement, type Sql } from "../sql/sql-client";
import { Batcher } from "./batcher";
import { claimLimitedRuns, claimRuns, type ClaimedRun } from "./claim";
import { executeInline } from "./inline-execution";
import { JournalWriter } from "./journal-writer";
import { registerLocalWorker } from "./local-workers";
import type { PlanCache } from "./plan-cache";
import { RunExecution, type ResolveRunContext } from "./run-execution";

export interface EmbeddedWorkerOptions {
  sql: Sql;
  /** For LISTEN/NOTIFY wake-ups from other processes; without it the worker hears this process and polls. */
  handle?: DatabaseHandle;
  leaseOwner?: string;
  /** Runs executing at once in this process. */
  concurrency: number;
  leaseMs: number;
  /** Fallback claim poll when no notification arrives. */
  pollIntervalMs: number;
  planCache: PlanCache;
  registry?: NodeRegistry;
  resolveContext?: ResolveRunContext;
  logger: Logger;
  /** A parked run wants waking at this time. */
  wakeHint(at: Date): void;
}

/** `<host>:<pid>:<random>`: unique per worker, readable in the runs table. */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Extends the leases of every run this worker holds, locking them in id order
 * (as every multi-run statement does) so it never deadlocks with a journal
 * write. Runs missing from the answer are no longer ours.
 */
const heartbeatStatement = statement(
  "heartbeat",
  `WITH mine AS (SELECT id FROM runs WHERE lease_owner = $1 AND status = 'running' ORDER BY id FOR UPDATE)
   UPDATE runs r SET lease_expires_at = now() + ($2::int * interval '1 millisecond')
   FROM mine WHERE r.id = mine.id
   RETURNING r.id, r.cancel_requested_at IS NOT NULL AS cancel, r.pause_requested_at IS NOT NULL AS pause`,
);

/**
 * Claims queued runs and executes them, up to `concurrency` at a time, under
 * leases a heartbeat extends. Woken at once by runs queued in this process,
 * by NOTIFY from other processes, and by a slow poll as a fallback.
 */
export class EmbeddedWorker {
  readonly leaseOwner: string;
  private readonly writer: JournalWriter;
  private readonly finisher: Batcher<FinishRun, FinishedRun>;
  private readonly executions = new Map<string, { execution: RunExecution; done: Promise<void> }>();
  /** Executions that have asked to finish (their notice may be out already). */
  private readonly finishing = new Set<string>();
  private claiming = false;
  /** The claim loop in progress, while `claiming`. */
  private claimLoopDone: Promise<void> = Promise.resolve();
  /** Slots promised to runs being created claimed for this worker (see LocalWorker.reserve). */
  private reserved = 0;
  private wakeAgain = false;
  private queueEmpty = false;
  private stopped = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly cleanups: (() => void | Promise<void>)[] = [];
  private unregister: () => void = () => undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: EmbeddedWorkerOptions) {
    this.leaseOwner = options.leaseOwner ?? newLeaseOwner();
    this.writer = new JournalWriter(options.sql, this.leaseOwner, (runId, state) => {
      this.executions.get(runId)?.execution.applyLeaseState(state);
    });
    this.finisher = new Batcher("finish runs", (items) => finishRuns(options.sql, items));
  }

  /** Number of runs executing now. */
  get active(): number {
    return this.executions.size;
  }

  private get freeSlots(): number {
    return this.options.concurrency - this.executions.size - this.reserved;
  }

  async start(): Promise<void> {
    this.unregister = registerLocalWorker(this.options.sql.scope, {
        leaseOwner: this.leaseOwner,
        leaseMs: this.options.leaseMs,
        reserve: (count) => this.reserve(count),
        release: (count) => this.release(count),
        executeInline: async (run) => {
          // A start arriving while the worker claims waits to learn whether the queue is empty: falling back
          // would queue it, whose claim would make the next arrivals fall back too, and so on under load.
          if (this.claiming) await this.claimLoopDone;
          if (this.reserve(1) === 0) return null;
          try {
            return await executeInline(run, { ...this.options, leaseOwner: this.leaseOwner });
          } finally {
            this.release(1);
          }
        },
        adopt: (run) => this.startExecution(run),
        executesUnfinished: (runId) => this.executions.has(runId) && !this.finishing.has(runId),
      });
    const signals = localSignals();
    const onQueued = () => this.wake();
    const onControl = (runIds: string[]) => this.control(runIds);
    signals.on("runsQueued", onQueued);
    signals.on("runControl", onControl);
    this.cleanups.push(() => {
      signals.off("runsQueued", onQueued);
      signals.off("runControl", onControl);
    });

    if (this.options.handle) {
      const origin = processOrigin();
      const shared = acquireNotificationListener(this.options.handle);
      this.cleanups.push(() => shared.release());
      const foreign = (payload: string) => {
        const parts = splitPayload(payload);
        return parts && parts.origin !== origin ? parts.body : null;
      };
      await shared.listener.listen(CHANNELS.runsQueued, (payload) => {
        if (foreign(payload) !== null) this.wake();
      });
      await shared.listener.listen(CHANNELS.runControl, (payload) => {
        const body = foreign(payload);
        if (body !== null) this.control(parseRunIds(body));
      });
      this.cleanups.push(
        shared.listener.onReconnect(() => {
          this.wake();
          this.control([...this.executions.keys()]);
        }),
      );
    }

    const heartbeatMs = Math.max(50, Math.floor(this.options.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), heartbeatMs);
    this.heartbeatTimer.unref();
    this.pollTimer = setInterval(() => this.wake(), this.options.pollIntervalMs);
    this.pollTimer.unref();
    this.wake();
  }

  /** See `LocalWorker.reserve`. */
  private reserve(count: number): number {
    // Only when idle with nothing queued that it knows of: a handed-over run must not overtake older ones.
    if (this.stopped || !this.queueEmpty || this.claiming) return 0;
    const held = Math.max(0, Math.min(count, this.freeSlots));
    this.reserved += held;
    return held;
  }

  private release(count: number): void {
    this.reserved = Math.max(0, this.reserved - count);
  }

  /** Claims runs now if there is room (coalesced with a claim in progress). */
  wake(): void {
    if (this.stopped) return;
    this.queueEmpty = false;
    if (this.claiming) {
      this.wakeAgain = true;
      return;
    }
    this.claimLoopDone = this.claimLoop();
  }

  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.wakeAgain = false;
        while (!this.stopped) {
          const free = this.freeSlots;
          if (free <= 0) break;
          const { runs, limitedPending } = await claimRuns(this.options.sql, this.leaseOwner, free, this.options.leaseMs);
          for (const run of runs) this.startExecution(run);
          let claimed = runs.length;
          if (limitedPending && claimed < free && !this.stopped) {
            const limited = await claimLimitedRuns(this.options.sql, this.leaseOwner, free - claimed, this.options.leaseMs);
            for (const run of limited) this.startExecution(run);
            claimed += limited.length;
          }
          if (claimed < free) {
            this.queueEmpty = true;
            break;
          }
        }
      } while (this.wakeAgain && !this.stopped);
    } catch (error) {
      // The poll tries again; a database outage must not stop the worker.
      this.options.logger.warn({ err: error }, "claiming runs failed");
    } finally {
      this.claiming = false;
    }
  }

  private startExecution(run: ClaimedRun): void {
    const execution = new RunExecution(run, {
      sql: this.options.sql,
      writer: this.writer,
      leaseOwner: this.leaseOwner,
      planCache: this.options.planCache,
      registry: this.options.registry,
      resolveContext: this.options.resolveContext,
      logger: this.options.logger,
      wakeHint: this.options.wakeHint,
      finish: (request) => {
        this.finishing.add(request.runId);
        return this.finisher.submit(request);
      },
    });
    // Claimed while shutting down: hand it straight back.
    if (this.stopped) execution.requestStop("stopping");
    const done = execution.run().finally(() => {
      this.executions.delete(run.id);
      this.finishing.delete(run.id);
      if (this.executions.size === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
      if (!this.queueEmpty) this.wake();
    });
    this.executions.set(run.id, { execution, done });
  }

  private control(runIds: string[]): void {
    for (const runId of runIds) {
      const entry = this.executions.get(runId);
      if (!entry) continue;
      entry.execution.onControl().catch((error: unknown) => {
        this.options.logger.warn({ err: error, runId }, "checking a run's control state failed");
      });
    }
  }

  private async heartbeat(): Promise<void> {
    const held = [...this.executions.keys()];
    if (held.length === 0) return;
    try {
      const rows = await this.options.sql.query<{ id: string; cancel: boolean; pause: boolean }>(heartbeatStatement, [
        this.leaseOwner,
        this.options.leaseMs,
      ]);
      const alive = new Map(rows.map((row) => [row.id, row]));
      for (const runId of held) {
        const execution = this.executions.get(runId)?.execution;
        if (!execution) continue;
        const row = alive.get(runId);
        execution.applyLeaseState({ leased: row !== undefined, cancelRequested: row?.cancel === true, pauseRequested: row?.pause === true });
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "lease heartbeat failed");
    }
  }

  private idle(): Promise<void> {
    if (this.executions.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops claiming and asks every execution to stop at its next step
   * boundary (a step in flight finishes and is journaled). Runs still busy
   * after `graceMs` are handed back to the queue and abandoned here.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    // No more runs handed over by this process's start calls.
    this.unregister();
    for (const { execution } of this.executions.values()) execution.requestStop("stopping");
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const outcome = await Promise.race([this.idle(), graceOver]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      for (const [runId, { execution }] of [...this.executions]) {
        // Nothing this execution does from now on is written: the run is released for another worker.
        execution.requestStop("lease-lost");
        await transitionRun(this.options.sql, {
          runId,
          status: "queued",
          leaseOwner: this.leaseOwner,
          events: [{ runId, type: "run.released", data: { reason: "worker shut down before the step in flight finished" } }],
        }).catch((error: unknown) => this.options.logger.warn({ err: error, runId }, "releasing a run at shutdown failed"));
      }
    }
    await this.writer.drain();
    await this.finisher.drain();
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    for (const cleanup of this.cleanups.splice(0)) await cleanup();
  }
}
