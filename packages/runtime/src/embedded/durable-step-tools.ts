import {
  deserializeError,
  DuplicateStepIdError,
  EngineError,
  ErrorCodes,
  isJsonObject,
  parseStepId,
  serializeError,
  type InvokeOptions,
  type Json,
  type SerializedError,
  type SleepOptions,
  type StepTools,
  type WaitForEventOptions,
} from "@trellis/engine";
import { journalRowForStepResult, type JournalEntry, type JournalStepInput } from "../records/journal";
import type { RunStatus } from "../records/run-record";
import { statement, type Sql } from "../sql/sql-client";
import { toDate } from "../sql/values";
import { ExecutionStopped } from "./execution-stopped";
import type { JournalWriter } from "./journal-writer";

/** A wait this close to its end is waited out in-process: parking and waking would cost more. */
export const INLINE_WAIT_MS = 50;
// setTimeout fires at once beyond this; longer waits are left to parking.
const MAX_TIMER_MS = 2_147_483_647;

/** A child run started by `workflow.invoke`, as the parent sees it. */
export interface ChildRun {
  id: string;
  status: RunStatus;
  output: Json | null;
  error: SerializedError | null;
}

/** What the tools need from the execution that owns them. */
export interface DurableToolsHost {
  readonly runId: string;
  readonly workspaceId: string;
  readonly leaseOwner: string;
  readonly sql: Sql;
  readonly writer: JournalWriter;
  /** The journal as loaded when the run was claimed. */
  readonly journal: ReadonlyMap<string, JournalEntry>;
  /**
   * Whether a replay may compute a step's result again instead of reading it
   * from the journal, so its row can ride with a later commit instead of
   * costing one of its own: `input` for the trigger (a function of the
   * committed input and start time: it may ride along past any step), `pure`
   * for a pure node (see `NodeType.pure`: its row is committed before any
   * step that is not pure runs, so nothing outside the run ever saw a result
   * a replay could compute differently), null for every other step.
   */
  replayable(stepId: string): "input" | "pure" | null;
  /** Every branch now waits on a durable call (sleep, event, child run): time to park. */
  onQuiescent(): void;
  /** A journal write was fenced off: another worker owns the run. */
  onLeaseLost(): void;
  /** A step the engine already went on with turned out journaled by another execution: replay the run. */
  onJournalConflict(): void;
  /** Starts (or finds, by its idempotency key) the child run of an invoke step. */
  startChild(stepId: string, options: InvokeOptions): Promise<ChildRun>;
}

type PendingKind = "sleep" | "wait" | "invoke";

interface Pending {
  kind: PendingKind;
  stepId: string;
  /** Epoch ms when it completes by itself (a sleep's end, a wait's timeout); null for child runs. */
  until: number | null;
  childKey: string | null;
  /** The `waiting` journal row to write when parking, for sleeps first met in this execution. */
  persist: JournalStepInput | null;
  resolve(value: Json | null): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout | null;
}

/** What a parking execution records: where the run waits and until when. */
export interface PendingSnapshot {
  status: Extract<RunStatus, "sleeping" | "waiting">;
  wakeAt: Date | null;
  waitingSteps: JournalStepInput[];
  waitStepIds: string[];
  childKeys: string[];
  /** For the `run.sleeping` / `run.waiting` entry. */
  waitingFor: { stepId: string; kind: PendingKind; until: string | null }[];
}

const registerWaitStatement = statement(
  "register_wait",
  `WITH lease AS (
     SELECT id, workspace_id FROM runs WHERE id = $1 AND lease_owner = $2 AND status = 'running' FOR SHARE
   ), waiter AS (
     INSERT INTO event_waiters (workspace_id, run_id, step_id, event, match, expires_at)
     SELECT workspace_id, id, $3, $4, $5::jsonb, now() + ($6::bigint * interval '1 millisecond') FROM lease
     ON CONFLICT (run_id, step_id) DO UPDATE SET event = event_waiters.event
     RETURNING expires_at
   ), pending_step AS (
     INSERT INTO run_steps (run_id, workspace_id, step_id, node_id, status, attempt, output)
     SELECT id, workspace_id, $3, $7, 'waiting', $8,
       jsonb_build_object('event', $4::text, 'match', $5::jsonb, 'expiresAt', (SELECT expires_at FROM waiter))
     FROM lease
     ON CONFLICT (run_id, step_id) DO NOTHING
     RETURNING 1
   )
   SELECT (SELECT count(*) FROM lease) AS leased, (SELECT expires_at FROM waiter) AS expires_at,
     (SELECT json_build_array(status, output, error) FROM run_steps WHERE run_id = $1 AND step_id = $3 AND status <> 'waiting') AS done,
     (SELECT count(*) FROM pending_step) AS inserted`,
);

const completedStepsStatement = statement(
  "completed_steps",
  `SELECT step_id, status, output, error FROM run_steps WHERE run_id = $1 AND step_id = ANY($2::text[]) AND status <> 'waiting'`,
);

const finishedChildrenStatement = statement(
  "finished_children",
  `SELECT idempotency_key, id, status, output, error FROM runs
   WHERE workspace_id = $1 AND idempotency_key = ANY($2::text[]) AND status IN ('succeeded', 'failed', 'cancelled')`,
);

/** The idempotency key of the child run an invoke step starts: one child per step, however often it replays. */
export function childRunKey(parentRunId: string, stepId: string): string {
  return `invoke:${parentRunId}:${stepId}`;
}

/** The error an invoke step fails with when its child run did not succeed. */
export function childFailure(child: ChildRun): EngineError {
  const reason = child.status === "cancelled" ? "was cancelled" : `failed: ${child.error?.message ?? "unknown error"}`;
  return new EngineError(ErrorCodes.invokeFailed, `child run ${child.id} ${reason}`, {
    // The child already ran its own retries; a new child would most likely fail the same way.
    retryable: false,
    details: { childRunId: child.id, childStatus: child.status, ...(child.error ? { cause: child.error } : {}) },
  });
}

function untilOf(entry: JournalEntry | undefined): number | null {
  if (!entry || !isJsonObject(entry.output)) return null;
  const raw = entry.output.until ?? entry.output.expiresAt;
  if (typeof raw !== "string") return null;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : at;
}

/**
 * StepTools over the journal. A step with a journaled result returns it
 * without running; a new step runs and is journaled (group-committed by the
 * writer) before its result is handed back. Sleeps, event waits and child
 * runs are pending durable calls: completed in-process when they end while
 * the run is busy elsewhere, and otherwise — once nothing else can progress —
 * the host parks the run and frees the worker.
 */
export class DurableStepTools implements StepTools {
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private inflight = 0;
  private settling = 0;
  private idleCheckScheduled = false;
  private stopped: ExecutionStopped | null = null;
  private recheckRunning: Promise<void> | null = null;
  private recheckAgain = false;
  /** Completed steps not yet handed to the journal writer (see `run`). */
  private unwritten: JournalStepInput[] = [];
  /** Completed replayable steps, handed over with a later step's (see `DurableToolsHost.replayable`). */
  private carried: JournalStepInput[] = [];
  /** Whether `carried` holds a pure step's row, which must be committed before a step that is not pure runs. */
  private carriesPure = false;
  private handOverScheduled = false;
  /** Handed-over writes the engine did not wait for, and the first one that failed. */
  private readonly writing = new Set<Promise<void>>();
  private writeError: unknown = null;

  constructor(private readonly host: DurableToolsHost) {}

  private claim(stepId: string): JournalEntry | undefined {
    if (this.seen.has(stepId)) throw new DuplicateStepIdError(stepId);
    this.seen.add(stepId);
    if (this.stopped) throw this.stopped;
    return this.host.journal.get(stepId);
  }

  /** The engine asks before a durable call: answered from the journal loaded at the claim, so a replay. */
  isJournaled(stepId: string): boolean {
    const entry = this.host.journal.get(stepId);
    return entry !== undefined && entry.status !== "waiting";
  }

  /**
   * A step's result goes back to the engine at once; its journal write starts
   * once the engine's microtasks have run, and whatever the engine does next
   * waits for it: the next step (run, sleep, wait, invoke) starts only after
   * every earlier result is committed, as before. What this saves is the last
   * step's own commit: when the engine finishes the run in those microtasks,
   * the finish statement journals the step (`takeUnwritten`). A replayable
   * step (the trigger, a pure node) does not hold the next step back: its row
   * is written with a later one's, or with the finish; a step that is not
   * pure runs only once the pure results before it are committed, and a pure
   * step does not wait for earlier commits (it has no effect to hold back).
   */
  async run<T extends Json>(stepId: string, fn: () => Promise<T>): Promise<T> {
    const entry = this.claim(stepId);
    if (entry && entry.status !== "waiting") return entry.output as T;
    const replayable = this.host.replayable(stepId);
    this.inflight++;
    try {
      // A pure step has no effect to hold back until earlier results are durable.
      if (replayable !== "pure") await this.journaled(replayable === null && this.carriesPure);
      if (this.stopped) throw this.stopped;
      const value = await fn();
      const row = journalRowForStepResult(this.host.runId, stepId, value);
      if (replayable) {
        this.host.writer.stepCompleted(row.runId, row.stepId);
        this.carried.push(row);
        if (replayable === "pure") this.carriesPure = true;
      } else {
        this.defer(row);
      }
      return value;
    } finally {
      this.inflight--;
      this.idleCheck();
    }
  }

  /**
   * Resolves once every step result of this execution is committed (but
   * replayable ones, unless `all`); rejects as its write did (a lost lease).
   */
  async journaled(all = false): Promise<void> {
    this.handOver(all);
    while (this.writing.size > 0) await Promise.all(this.writing);
    if (this.writeError) throw this.writeError;
  }

  /** Step results not handed to the writer yet, taken by the statement that finishes the run. */
  takeUnwritten(): JournalStepInput[] {
    return [...this.takeCarried(), ...this.unwritten.splice(0)];
  }

  private takeCarried(): JournalStepInput[] {
    this.carriesPure = false;
    return this.carried.splice(0);
  }

  private defer(row: JournalStepInput): void {
    this.host.writer.stepCompleted(row.runId, row.stepId);
    this.unwritten.push(row);
    if (this.handOverScheduled) return;
    this.handOverScheduled = true;
    setImmediate(() => {
      this.handOverScheduled = false;
      this.handOver();
    });
  }

  private handOver(all = true): void {
    if (this.unwritten.length === 0 && !all) return;
    for (const row of [...this.takeCarried(), ...this.unwritten.splice(0)]) {
      const write: Promise<void> = this.store(row).then(
        (existing) => {
          if (existing) this.host.onJournalConflict();
        },
        (error: unknown) => {
          this.writeError ??= error;
        },
      );
      this.writing.add(write);
      void write.finally(() => this.writing.delete(write));
    }
  }

  async sleep(stepId: string, options: SleepOptions): Promise<void> {
    const entry = this.claim(stepId);
    if (entry && entry.status !== "waiting") return;
    await this.settle(() => this.journaled(true));
    const now = Date.now();
    const until = untilOf(entry) ?? ("until" in options ? new Date(options.until).getTime() : now + options.durationMs);
    if (until <= now) {
      await this.settle(() => this.completeStep(stepId, null));
      return;
    }
    const persist: JournalStepInput | null = entry
      ? null
      : { runId: this.host.runId, stepId, status: "waiting", output: { until: new Date(until).toISOString() }, startedAt: now };
    await this.addPending("sleep", stepId, until, null, persist);
  }

  async waitForEvent(stepId: string, options: WaitForEventOptions): Promise<Json | null> {
    const entry = this.claim(stepId);
    if (entry && entry.status !== "waiting") return entry.output;
    await this.settle(() => this.journaled(true));
    const registered = await this.settle(() => this.registerWait(stepId, options));
    if (registered.done) return registered.done.output;
    if (registered.expiresAt <= Date.now()) return this.settle(() => this.completeStep(stepId, null));
    return this.addPending("wait", stepId, registered.expiresAt, null, null);
  }

  async invoke(stepId: string, options: InvokeOptions): Promise<Json> {
    const entry = this.claim(stepId);
    if (entry?.status === "succeeded") return entry.output;
    if (entry?.status === "failed") throw deserializeError(entry.error as SerializedError);
    await this.settle(() => this.journaled(true));
    const child = await this.settle(async () => {
      try {
        return await this.host.startChild(stepId, options);
      } catch (error) {
        // A child that cannot start (unknown workflow, no version, bad input) fails the step for good;
        // anything else (the database went away) is the driver's problem and is retried from the journal.
        if (!(error instanceof EngineError)) throw error;
        await this.completeStep(stepId, null, serializeError(error));
        throw error;
      }
    });
    if (child.status === "succeeded") return this.settle(() => this.completeStep(stepId, child.output ?? null));
    if (child.status === "failed" || child.status === "cancelled") {
      const failure = childFailure(child);
      await this.settle(() => this.completeStep(stepId, null, serializeError(failure)));
      throw failure;
    }
    return (await this.addPending("invoke", stepId, null, childRunKey(this.host.runId, stepId), null)) as Json;
  }

  /**
   * Looks for results of pending waits and child runs that arrived from
   * outside (an event delivered, a child finished) while this execution holds
   * the run, and completes them.
   */
  recheck(): Promise<void> {
    if (this.recheckRunning) {
      this.recheckAgain = true;
      return this.recheckRunning;
    }
    this.recheckRunning = (async () => {
      try {
        do {
          this.recheckAgain = false;
          await this.recheckOnce();
        } while (this.recheckAgain && !this.stopped);
      } finally {
        this.recheckRunning = null;
      }
    })();
    return this.recheckRunning;
  }

  private async recheckOnce(): Promise<void> {
    const waits = [...this.pending.values()].filter((p) => p.kind === "wait").map((p) => p.stepId);
    const children = [...this.pending.values()].filter((p) => p.kind === "invoke" && p.childKey);
    if (waits.length > 0) {
      const rows = await this.host.sql.query<{ step_id: string; output: Json | null }>(completedStepsStatement, [this.host.runId, waits]);
      for (const row of rows) {
        const pending = this.pending.get(row.step_id);
        if (pending) void this.resolvePending(pending, async () => row.output ?? null);
      }
    }
    if (children.length > 0) {
      const rows = await this.host.sql.query<{
        idempotency_key: string;
        id: string;
        status: RunStatus;
        output: Json | null;
        error: SerializedError | null;
      }>(finishedChildrenStatement, [this.host.workspaceId, children.map((p) => p.childKey)]);
      for (const row of rows) {
        const pending = children.find((p) => p.childKey === row.idempotency_key);
        if (!pending || !this.pending.has(pending.stepId)) continue;
        const child: ChildRun = { id: row.id, status: row.status, output: row.output ?? null, error: row.error ?? null };
        void this.resolvePending(pending, async () => {
          if (child.status === "succeeded") return this.completeStep(pending.stepId, child.output);
          const failure = childFailure(child);
          await this.completeStep(pending.stepId, null, serializeError(failure));
          throw failure;
        });
      }
    }
  }

  /** Gives up on every pending durable call and refuses new steps: the execution is stopping. */
  stop(error: ExecutionStopped): void {
    if (!this.stopped) this.stopped = error;
    for (const pending of [...this.pending.values()]) {
      this.pending.delete(pending.stepId);
      if (pending.timer) clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  /** Where the run waits, for parking it. */
  snapshot(): PendingSnapshot {
    const all = [...this.pending.values()];
    const untils = all.map((p) => p.until).filter((u): u is number => u !== null);
    return {
      status: all.every((p) => p.kind === "sleep") ? "sleeping" : "waiting",
      wakeAt: untils.length > 0 ? new Date(Math.min(...untils)) : null,
      waitingSteps: all.flatMap((p) => (p.persist ? [p.persist] : [])),
      waitStepIds: all.filter((p) => p.kind === "wait").map((p) => p.stepId),
      childKeys: all.flatMap((p) => (p.childKey ? [p.childKey] : [])),
      waitingFor: all.map((p) => ({ stepId: p.stepId, kind: p.kind, until: p.until === null ? null : new Date(p.until).toISOString() })),
    };
  }

  /** Clears timers a stopped or finished execution left behind. */
  dispose(): void {
    for (const pending of this.pending.values()) if (pending.timer) clearTimeout(pending.timer);
    this.pending.clear();
  }

  // Work that must finish before the run may count as idle (journaling a completion, registering a wait).
  private async settle<T>(work: () => Promise<T>): Promise<T> {
    this.settling++;
    try {
      return await work();
    } finally {
      this.settling--;
      this.idleCheck();
    }
  }

  private addPending(kind: PendingKind, stepId: string, until: number | null, childKey: string | null, persist: JournalStepInput | null): Promise<Json | null> {
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise<Json | null>((resolve, reject) => {
      const pending: Pending = { kind, stepId, until, childKey, persist, resolve, reject, timer: null };
      if (until !== null) {
        const delay = until - Date.now();
        if (delay < MAX_TIMER_MS) {
          pending.timer = setTimeout(() => void this.resolvePending(pending, () => this.completeStep(stepId, null)), Math.max(0, delay));
        }
      }
      this.pending.set(stepId, pending);
      this.idleCheck();
    });
  }

  private async resolvePending(pending: Pending, work: () => Promise<Json | null>): Promise<void> {
    if (this.pending.get(pending.stepId) !== pending) return;
    this.pending.delete(pending.stepId);
    if (pending.timer) clearTimeout(pending.timer);
    try {
      pending.resolve(await this.settle(work));
    } catch (error) {
      pending.reject(error);
    }
  }

  /** Journals a durable call's completion and returns the stored result (an event may have won against a timeout). */
  private async completeStep(stepId: string, output: Json | null, error: SerializedError | null = null): Promise<Json | null> {
    const now = Date.now();
    const stored = await this.store({
      runId: this.host.runId,
      stepId,
      status: error ? "failed" : "succeeded",
      output,
      error,
      finishedAt: now,
    });
    if (stored === null) return output;
    if (stored.status === "failed" && stored.error) throw deserializeError(stored.error as SerializedError);
    return stored.output;
  }

  /** Journals a row; null when this write stored it, else the entry stored before. */
  private async store(row: JournalStepInput): Promise<JournalEntry | null> {
    const outcome = await this.host.writer.writeStep(row);
    if (outcome.kind === "written") return null;
    if (outcome.kind === "existing") return outcome.entry;
    this.host.onLeaseLost();
    throw new ExecutionStopped("lease-lost");
  }

  private async registerWait(stepId: string, options: WaitForEventOptions): Promise<{ expiresAt: number; done: JournalEntry | null }> {
    const parsed = parseStepId(stepId);
    const [row] = await this.host.sql.query<{ leased: unknown; expires_at: unknown; done: [JournalEntry["status"], Json | null, Json | null] | null }>(
      registerWaitStatement,
      [
        this.host.runId,
        this.host.leaseOwner,
        stepId,
        options.event,
        options.match === undefined ? null : JSON.stringify(options.match),
        Math.max(0, Math.round(options.timeoutMs)),
        parsed?.nodeId ?? null,
        parsed?.attempt ?? 1,
      ],
    );
    if (!row || Number(row.leased) === 0) {
      this.host.onLeaseLost();
      throw new ExecutionStopped("lease-lost");
    }
    const done = row.done ? { status: row.done[0], output: row.done[1] ?? null, error: row.done[2] ?? null } : null;
    return { expiresAt: toDate(row.expires_at).getTime(), done };
  }

  private idleCheck(): void {
    if (this.idleCheckScheduled || this.stopped) return;
    if (this.inflight > 0 || this.settling > 0 || this.pending.size === 0) return;
    this.idleCheckScheduled = true;
    // After the microtasks the interpreter queued: if it started no step by then, nothing can progress.
    setImmediate(() => {
      this.idleCheckScheduled = false;
      if (this.stopped || this.inflight > 0 || this.settling > 0 || this.pending.size === 0) return;
      const untils = [...this.pending.values()].map((p) => p.until).filter((u): u is number => u !== null);
      if (untils.length > 0 && Math.min(...untils) - Date.now() <= INLINE_WAIT_MS) return;
      this.host.onQuiescent();
    });
  }
}
