import {
  deserializeError,
  DuplicateStepIdError,
  EngineError,
  ErrorCodes,
  matchesEvent,
  RunCancelled,
  serializeError,
  type InvokeOptions,
  type Json,
  type JsonObject,
  type RunEvent,
  type SerializedError,
  type SleepOptions,
  type StepTools,
  type WaitForEventOptions,
} from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { childFailure, childRunKey, INLINE_WAIT_MS } from "../embedded/durable-step-tools";
import { VersionCompileError, type PlanCache } from "../embedded/plan-cache";
import { journalRowForStepResult, writeJournal, type JournalEntry, type JournalStepInput } from "../records/journal";
import { isFinished } from "../records/run-record";
import { engineEventToRunEvent, type RunEventInput } from "../records/run-events";
import { createRun, finishRun, findRun } from "../records/runs";
import type { Sql } from "../sql/sql-client";
import { INNGEST_DRIVER, INNGEST_EVENTS, inngestPriority, type RunRequestedData } from "./events";
import { runSignalExpression, waitExpression } from "./expressions";
import {
  childWorkflowVersion,
  closeWaiter,
  appendEventsOnce,
  lockRun,
  markRunning,
  parkRun,
  pauseRun,
  registerWaiter,
  withDatabaseRetries,
  type Parking,
  type PauseState,
  type RunControl,
} from "./run-records";

/**
 * The part of Inngest's `step` the driver uses, in the driver's own types.
 * Results cross Inngest as JSON, which every value here already is.
 */
export interface InngestSteps {
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
  sleep(id: string, durationMs: number): Promise<void>;
  sleepUntil(id: string, until: Date): Promise<void>;
  waitForEvent(id: string, options: { event: string; if: string; timeout: number }): Promise<{ data: Record<string, unknown> } | null>;
  /** Runs the `workflow-run` function for another run and resolves when it returns. */
  invokeRun(id: string, data: RunRequestedData): Promise<unknown>;
}

/**
 * What each of the driver's steps returns to Inngest, which memoizes it: the
 * step's result, what the database said about the run when the step
 * committed, and the keys of the timeline entries the step wrote.
 */
export interface StepMemo<T> {
  r: T;
  c: RunControl;
  k?: string[];
}

/**
 * How long a paused run waits for its resume event before it looks at the
 * database again (a resume whose event was lost is found this way). Growing,
 * so a long pause costs few of Inngest's per-run steps.
 */
export const PAUSE_RECHECK_MS = [60_000, 600_000, 3_600_000, 21_600_000, 86_400_000] as const;

/** A step still running after this long has its pending timeline entries written, so live views show it (as the embedded driver's writer does). */
export const EARLY_FLUSH_MS = 25;

/** Durable waits shorter than this are waited out inside a step, like the embedded driver does. */
export const INLINE_SLEEP_MS = INLINE_WAIT_MS;

export interface InngestToolsHost {
  sql: Sql;
  runId: string;
  workspaceId: string;
  /** The run's priority, inherited by the child runs it invokes. */
  priority: number;
  planCache: PlanCache;
  steps: InngestSteps;
  logger: Logger;
  /** Overrides PAUSE_RECHECK_MS (tests). */
  pauseRecheckMs?: readonly number[];
  /** Steps journaled before the run started (a retry from a node reuses its origin's results): answered without running. */
  seeded?: ReadonlyMap<string, Json>;
}

interface Buffered {
  row: RunEventInput;
  /** Set on entries the engine emits again on every replay; null on those emitted only when a step really runs. */
  key: string | null;
}

type StepOutcome = { ok: true; output: Json } | { ok: false; error: SerializedError };

const noop = () => undefined;

/**
 * The engine's timeline entries that it emits again whenever it replays past
 * them. `node.started` and `node.log` are emitted inside a step's function,
 * which only runs when the step really executes, so they need no key.
 */
function replayKey(event: RunEvent): string | null {
  switch (event.type) {
    case "node.completed":
    case "node.failed":
    case "node.skipped":
      return `${event.type}|${event.stepId}`;
    case "node.retrying":
      return `${event.type}|${event.backoffStepId}`;
    case "node.waiting":
      return `${event.type}|${event.stepId}|${event.kind}`;
    case "node.started":
    case "node.log":
      return null;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * The engine's StepTools over Inngest's `step`: every node attempt is
 * `step.run(<step id>)`, delays and back-offs `step.sleepUntil`, waits
 * `step.waitForEvent`, invocations `step.invoke` — so a run reads node by node
 * in the Inngest dashboard.
 *
 * Inngest replays the function from the top for every step, so nothing here
 * writes outside a step: each step's function journals its result
 * (`run_steps`), appends the timeline entries emitted since the last step
 * (`run_events`) and changes the run's status, in one transaction, exactly as
 * the embedded driver records them. Durable calls get a `<id>$park` step
 * before them (the pending journal row, the wait's registration, the status)
 * and a `<id>$done` step after (the result), because Inngest's own sleep,
 * wait and invoke steps run no code of ours.
 *
 * Cancel and pause requests are read from the database by every step and
 * memoized with its result, so the control checkpoint decides the same way on
 * every replay.
 */
export class InngestStepTools implements StepTools {
  private buffer: Buffered[] = [];
  /** Keys of entries already in the timeline (from the memoized results of earlier steps). */
  private readonly written = new Set<string>();
  private readonly seen = new Set<string>();
  private stopped: "cancel" | "gone" | null = null;
  /** The step that first reported the pause now in force; it names that pause's steps. */
  private pauseKey: string | null = null;
  private readonly gates = new Map<string, Promise<void>>();

  constructor(private readonly host: InngestToolsHost) {}

  /** Why the run stops, once a step reported it cancelled or finished elsewhere. */
  get stopReason(): "cancel" | "gone" | null {
    return this.stopped;
  }

  /** The engine's observer: buffers timeline entries for the next step to write. */
  readonly observe = (event: RunEvent): void => {
    const key = replayKey(event);
    if (key !== null && this.written.has(key)) return;
    // Inngest replays from the top for every step, so the key (from the memos of earlier steps) dedupes entries, not the flag.
    const row = engineEventToRunEvent(this.host.runId, event);
    this.buffer.push({ row: row.at === undefined ? { ...row, at: Date.now() } : row, key });
  };

  /** Learns from a step's memoized result: entries it wrote, and whether the run must stop or pause. */
  absorb(stepId: string, memo: StepMemo<unknown>): void {
    if (memo.k && memo.k.length > 0) {
      for (const key of memo.k) this.written.add(key);
      this.buffer = this.buffer.filter((entry) => entry.key === null || !this.written.has(entry.key));
    }
    if (memo.c.s !== "live") this.stopped ??= memo.c.s;
    this.pauseKey = memo.c.p ? (this.pauseKey ?? stepId) : null;
  }

  /** The engine's control checkpoint, awaited before every step. */
  async checkpoint(): Promise<void> {
    for (;;) {
      if (this.stopped) throw new RunCancelled(this.stopped === "gone" ? "the run ended elsewhere" : "run cancelled");
      const key = this.pauseKey;
      if (key === null) return;
      let gate = this.gates.get(key);
      if (!gate) {
        gate = this.waitWhilePaused(key);
        this.gates.set(key, gate);
      }
      await gate;
      if (this.pauseKey === key) this.pauseKey = null;
    }
  }

  /** Only seeded steps are known to be journaled here; Inngest's memo is not visible before a step is asked for. */
  isJournaled(stepId: string): boolean {
    return this.host.seeded?.has(stepId) ?? false;
  }

  async run<T extends Json>(stepId: string, fn: () => Promise<T>): Promise<T> {
    this.claim(stepId);
    const seeded = this.host.seeded?.get(stepId);
    if (seeded !== undefined) return seeded as T;
    const memo = await this.host.steps.run(stepId, async (): Promise<StepMemo<Json>> => {
      const early: { flushing: Promise<string[]> | null } = { flushing: null };
      const timer = setTimeout(() => (early.flushing = this.flushEarly()), EARLY_FLUSH_MS);
      let value: T;
      try {
        value = await fn();
      } finally {
        clearTimeout(timer);
      }
      if (early.flushing === null) {
        // Finished before its start entry was written: as on the embedded driver, the journal row records the start instead.
        this.buffer = this.buffer.filter((entry) => !(entry.row.type === "node.started" && entry.row.stepId === stepId));
      }
      const earlyKeys = (await early.flushing) ?? [];
      const committed = await this.commit([journalRowForStepResult(this.host.runId, stepId, value)], value);
      return { ...committed, k: [...earlyKeys, ...(committed.k ?? [])] };
    });
    this.absorb(stepId, memo);
    return memo.r as T;
  }

  async sleep(stepId: string, options: SleepOptions): Promise<void> {
    this.claim(stepId);
    if ("durationMs" in options && options.durationMs <= INLINE_SLEEP_MS) {
      // A back-off this short costs less waited out in one step than parked (and Inngest sleeps at least a second).
      const memo = await this.host.steps.run(stepId, async () => {
        await delay(options.durationMs);
        return this.complete(stepId, { ok: true, output: null });
      });
      this.absorb(stepId, memo);
      return;
    }
    const park = await this.host.steps.run(`${stepId}$park`, () => this.parkSleep(stepId, options));
    this.absorb(`${stepId}$park`, park);
    if (park.r.done) return;
    await this.host.steps.sleepUntil(stepId, new Date(park.r.until));
    const done = await this.host.steps.run(`${stepId}$done`, () => this.complete(stepId, { ok: true, output: null }));
    this.absorb(`${stepId}$done`, done);
  }

  async waitForEvent(stepId: string, options: WaitForEventOptions): Promise<Json | null> {
    this.claim(stepId);
    const { event, match, timeoutMs } = options;
    if (timeoutMs <= 0) {
      const memo = await this.host.steps.run(`${stepId}$park`, () => this.complete(stepId, { ok: true, output: null }, { closeWait: true }));
      this.absorb(`${stepId}$park`, memo);
      return memo.r;
    }
    // Created before the `$park` step, in the same tick, so Inngest registers the wait before that step runs:
    // every event our `sendEvent` can deliver (it needs the waiter `$park` registers) then reaches the wait.
    const wait = this.host.steps.waitForEvent(stepId, {
      event: INNGEST_EVENTS.runEvent,
      if: waitExpression({ workspaceId: this.host.workspaceId, runId: this.host.runId, event, match }),
      timeout: timeoutMs,
    });
    wait.catch(noop);
    const park = await this.host.steps.run(`${stepId}$park`, () => this.parkWait(stepId, event, match, timeoutMs));
    this.absorb(`${stepId}$park`, park);
    if (park.r.done) return park.r.payload;
    const received = await wait;
    const payload = (received?.data.payload ?? null) as Json | null;
    const done = await this.host.steps.run(`${stepId}$done`, () => this.completeWait(stepId, payload, match));
    this.absorb(`${stepId}$done`, done);
    return done.r;
  }

  async invoke(stepId: string, options: InvokeOptions): Promise<Json> {
    this.claim(stepId);
    const park = await this.host.steps.run(`${stepId}$park`, () => this.startChild(stepId, options));
    this.absorb(`${stepId}$park`, park);
    const started = park.r;
    if ("ok" in started) return settle(started);
    let invokeError: SerializedError | null = null;
    try {
      await this.host.steps.invokeRun(stepId, {
        runId: started.childRunId,
        workspaceId: this.host.workspaceId,
        workflowId: options.workflowId,
        priority: inngestPriority(this.host.priority),
      });
    } catch (error) {
      // The child's records say how it ended; Inngest's error only matters when they do not.
      invokeError = serializeError(error);
    }
    const done = await this.host.steps.run(`${stepId}$done`, () => this.completeInvoke(stepId, started.childRunId, invokeError));
    this.absorb(`${stepId}$done`, done);
    return settle(done.r);
  }

  /**
   * Runs `work` in one transaction after writing the pending timeline
   * entries, under the run's lock: for the step that finishes the run.
   */
  commitWith<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const taken = this.take();
    return withDatabaseRetries(() =>
      this.host.sql.transaction(async (tx) => {
        const { control } = await lockRun(tx, this.host.runId);
        if (control.s !== "gone") await appendEventsOnce(tx, taken.entries);
        return work(tx);
      }),
    );
  }

  private claim(stepId: string): void {
    // Inngest would quietly number a repeated id (`a:1`); the engine's contract is that a step id is used once.
    if (this.seen.has(stepId)) throw new DuplicateStepIdError(stepId);
    this.seen.add(stepId);
  }

  private take(): { taken: Buffered[]; entries: { row: RunEventInput; once: boolean }[]; keys: string[] } {
    const taken = this.buffer;
    this.buffer = [];
    return {
      taken,
      entries: taken.map((entry) => ({ row: entry.row, once: entry.key !== null })),
      keys: taken.flatMap((entry) => (entry.key === null ? [] : [entry.key])),
    };
  }

  /** Writes the pending timeline entries while a step is still running; on failure they wait for the step's commit. */
  private async flushEarly(): Promise<string[]> {
    const taken = this.take();
    if (taken.entries.length === 0) return [];
    try {
      await this.host.sql.transaction(async (tx) => {
        const { control } = await lockRun(tx, this.host.runId);
        if (control.s !== "gone") await appendEventsOnce(tx, taken.entries);
      });
      return taken.keys;
    } catch (error) {
      this.host.logger.warn({ err: error, runId: this.host.runId }, "writing timeline entries early failed; the step's commit writes them");
      this.buffer.unshift(...taken.taken);
      return [];
    }
  }

  /**
   * Journals rows and the pending timeline entries in one transaction with
   * `also` (status changes), under the run's lock. `existing` is the result
   * another execution of the same step journaled first: it wins, as a replay
   * would see it. Nothing is written for a run that ended meanwhile.
   */
  private async write(rows: JournalStepInput[], also?: (sql: Sql) => Promise<void>): Promise<{ c: RunControl; k: string[]; existing: JournalEntry | null }> {
    const taken = this.take();
    return withDatabaseRetries(() =>
      this.host.sql.transaction(async (tx) => {
        const { control } = await lockRun(tx, this.host.runId);
        if (control.s === "gone") return { c: control, k: taken.keys, existing: null };
        let existing: JournalEntry | null = null;
        if (rows.length > 0) {
          const result = await writeJournal(tx, { steps: rows });
          const first = result.steps[0];
          existing = first && !first.written ? (first.existing ?? null) : null;
        }
        await appendEventsOnce(tx, taken.entries);
        if (also) await also(tx);
        return { c: control, k: taken.keys, existing };
      }),
    );
  }

  /** Journals one step's value; the memo holds what the journal holds. */
  private async commit<T extends Json | null>(rows: JournalStepInput[], value: T, also?: (sql: Sql) => Promise<void>): Promise<StepMemo<T>> {
    const { c, k, existing } = await this.write(rows, also);
    return { r: existing ? (existing.output as T) : value, c, k };
  }

  /** Completes a durable call's journal row and puts the run back to running. */
  private async complete(stepId: string, outcome: StepOutcome, options: { closeWait?: boolean } = {}): Promise<StepMemo<Json>> {
    const row: JournalStepInput = {
      runId: this.host.runId,
      stepId,
      status: outcome.ok ? "succeeded" : "failed",
      output: outcome.ok ? outcome.output : null,
      error: outcome.ok ? null : outcome.error,
      finishedAt: Date.now(),
    };
    return this.commit([row], outcome.ok ? outcome.output : null, async (tx) => {
      if (options.closeWait) await closeWaiter(tx, this.host.runId, stepId, outcome.ok ? outcome.output : null);
      await markRunning(tx, this.host.runId, { driver: INNGEST_DRIVER });
    });
  }

  private async parkSleep(stepId: string, options: SleepOptions): Promise<StepMemo<{ done: true } | { done: false; until: string }>> {
    const now = Date.now();
    const until = "until" in options ? new Date(options.until).getTime() : now + options.durationMs;
    if (until - now <= INLINE_SLEEP_MS) {
      await delay(until - now);
      const memo = await this.complete(stepId, { ok: true, output: null });
      return { ...memo, r: { done: true } };
    }
    const at = new Date(until).toISOString();
    const row: JournalStepInput = { runId: this.host.runId, stepId, status: "waiting", output: { until: at }, startedAt: now };
    const memo = await this.commit([row], null, (tx) => this.park(tx, { status: "sleeping", wakeAt: new Date(until), waitingFor: { stepId, kind: "sleep", until: at } }));
    return { ...memo, r: { done: false, until: at } };
  }

  private async parkWait(
    stepId: string,
    event: string,
    match: JsonObject | undefined,
    timeoutMs: number,
  ): Promise<StepMemo<{ done: true; payload: Json | null } | { done: false }>> {
    const expiresAt = new Date(Date.now() + timeoutMs);
    const row: JournalStepInput = {
      runId: this.host.runId,
      stepId,
      status: "waiting",
      output: { event, match: match ?? null, expiresAt: expiresAt.toISOString() },
    };
    const { c, k, existing } = await this.write([row], async (tx) => {
      await registerWaiter(tx, { runId: this.host.runId, stepId, event, match, expiresAt });
      await this.park(tx, { status: "waiting", wakeAt: expiresAt, waitingFor: { stepId, kind: "wait", until: expiresAt.toISOString() } });
    });
    // A completed row means this wait already ended in an execution whose memo was lost: its result stands.
    return { r: existing ? { done: true, payload: existing.output } : { done: false }, c, k };
  }

  /**
   * Ends a wait. Our database decides between event and timeout, as it does
   * for the embedded driver: `sendEvent` journals the payload for every
   * waiter whose match it contains (jsonb @>), so a payload journaled there
   * wins over what Inngest delivered — including over Inngest's timeout, when
   * the event arrived at the last moment.
   */
  private completeWait(stepId: string, received: Json | null, match: JsonObject | undefined): Promise<StepMemo<Json | null>> {
    const payload = received !== null && matchesEvent(received, match) ? received : null;
    if (received !== null && payload === null) {
      this.host.logger.warn({ runId: this.host.runId, stepId }, "Inngest delivered an event whose payload does not contain the wait's match; treated as not received");
    }
    return this.complete(stepId, { ok: true, output: payload }, { closeWait: true });
  }

  private async park(tx: Sql, parking: Parking): Promise<void> {
    await parkRun(tx, this.host.runId, parking);
  }

  /** Creates (or finds, by its idempotency key) the child run of an invoke step, as the embedded driver does. */
  private async startChild(stepId: string, options: InvokeOptions): Promise<StepMemo<StepOutcome | { childRunId: string }>> {
    const { sql, workspaceId, runId } = this.host;
    let versionId: string;
    try {
      versionId = await this.childVersion(options);
    } catch (error) {
      // What the embedded driver also records as the invoke node's failure; database errors fail the step instead.
      if (!(error instanceof EngineError || error instanceof VersionCompileError)) throw error;
      const failed = { ok: false as const, error: serializeError(error) };
      return { ...(await this.complete(stepId, failed)), r: failed };
    }
    const { run: child } = await withDatabaseRetries(() =>
      createRun(sql, {
        workspaceId,
        workflowId: options.workflowId,
        versionId,
        triggerKind: "invoke",
        input: options.input,
        priority: this.host.priority,
        parentRunId: runId,
        idempotencyKey: childRunKey(runId, stepId),
        driver: INNGEST_DRIVER,
      }),
    );
    if (isFinished(child.status)) return this.finishInvoke(stepId, child.id);
    const row: JournalStepInput = { runId, stepId, status: "waiting", output: { childRunId: child.id } };
    const memo = await this.commit([row], null, (tx) => this.park(tx, { status: "waiting", wakeAt: null, waitingFor: { stepId, kind: "invoke", until: null } }));
    return { ...memo, r: { childRunId: child.id } };
  }

  private async childVersion(options: InvokeOptions): Promise<string> {
    const notFound = () =>
      new EngineError(ErrorCodes.invokeFailed, `workflow "${options.workflowId}" was not found in this workspace`, { retryable: false });
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(options.workflowId)) throw notFound();
    const versionId = await withDatabaseRetries(() => childWorkflowVersion(this.host.sql, this.host.workspaceId, options.workflowId));
    if (versionId === undefined) throw notFound();
    if (versionId === null) {
      throw new EngineError(ErrorCodes.invokeFailed, `workflow "${options.workflowId}" has no published version`, { retryable: false });
    }
    const compiled = await this.host.planCache.get(this.host.sql, versionId);
    const issues = compiled.validateInput(options.input);
    if (issues) {
      throw new EngineError(ErrorCodes.invalidInput, `the input does not match the input schema of workflow "${options.workflowId}"`, {
        retryable: false,
        details: { issues },
      });
    }
    return versionId;
  }

  private async completeInvoke(stepId: string, childRunId: string, invokeError: SerializedError | null): Promise<StepMemo<StepOutcome>> {
    const child = await withDatabaseRetries(() => findRun(this.host.sql, this.host.workspaceId, childRunId));
    if (child && !isFinished(child.status)) {
      // Inngest ended the invocation without the child's function finishing its record (it failed outside its steps).
      await finishRun(this.host.sql, {
        runId: child.id,
        status: "failed",
        error: {
          ...(invokeError ?? serializeError(new EngineError(ErrorCodes.invokeFailed, "the child run's Inngest function ended before the run did"))),
          retryable: false,
        },
      });
    }
    return this.finishInvoke(stepId, childRunId);
  }

  private async finishInvoke(stepId: string, childRunId: string): Promise<StepMemo<StepOutcome>> {
    const child = await withDatabaseRetries(() => findRun(this.host.sql, this.host.workspaceId, childRunId));
    let outcome: StepOutcome;
    if (child?.status === "succeeded") outcome = { ok: true, output: child.output ?? null };
    else if (child) outcome = { ok: false, error: serializeError(childFailure({ id: child.id, status: child.status, output: child.output, error: child.error })) };
    else outcome = { ok: false, error: serializeError(new EngineError(ErrorCodes.invokeFailed, `child run ${childRunId} was deleted`, { retryable: false })) };
    // The child's record decides, so an execution repeating this step reaches the same outcome.
    return { ...(await this.complete(stepId, outcome)), r: outcome };
  }

  /**
   * Holds the run while it is paused: marks it paused, then waits for its
   * resume event. The wait is created together with the step that marks the
   * run paused, so Inngest has registered it before `resumeRun` can see the
   * run paused; the database is still checked after every slice, for a
   * resume whose event was lost.
   */
  private async waitWhilePaused(key: string): Promise<void> {
    const recheck = this.host.pauseRecheckMs ?? PAUSE_RECHECK_MS;
    for (let slice = 0; ; slice++) {
      const timeout = recheck[Math.min(slice, recheck.length - 1)] ?? PAUSE_RECHECK_MS[0];
      const resumed = this.host.steps.waitForEvent(`$resume:${key}#${slice}`, {
        event: INNGEST_EVENTS.runResumed,
        if: runSignalExpression(this.host.runId),
        timeout,
      });
      resumed.catch(noop);
      const checkId = slice === 0 ? `$pause:${key}` : `$paused:${key}#${slice}`;
      const check = await this.host.steps.run(checkId, () => (slice === 0 ? this.markPaused() : this.pauseState()));
      this.absorb(checkId, check);
      if (check.r !== "paused") return;
      if ((await resumed) !== null) {
        const afterId = `$resumed:${key}#${slice}`;
        const after = await this.host.steps.run(afterId, () => this.pauseState());
        this.absorb(afterId, after);
        if (after.r !== "paused") return;
      }
    }
  }

  private async markPaused(): Promise<StepMemo<PauseState>> {
    const taken = this.take();
    return withDatabaseRetries(() =>
      this.host.sql.transaction(async (tx) => {
        await lockRun(tx, this.host.runId);
        // Entries emitted before the pause belong before `run.paused`.
        await appendEventsOnce(tx, taken.entries);
        const { state, control } = await pauseRun(tx, this.host.runId);
        if (state === "resumed") await markRunning(tx, this.host.runId, { driver: INNGEST_DRIVER });
        return { r: state, c: control, k: taken.keys };
      }),
    );
  }

  private async pauseState(): Promise<StepMemo<PauseState>> {
    return withDatabaseRetries(() =>
      this.host.sql.transaction(async (tx) => {
        const { status, control } = await lockRun(tx, this.host.runId);
        if (control.s !== "live") return { r: "stopped" as const, c: control };
        if (status === "paused") return { r: "paused" as const, c: control };
        await markRunning(tx, this.host.runId, { driver: INNGEST_DRIVER });
        return { r: "resumed" as const, c: control };
      }),
    );
  }
}

function settle(outcome: StepOutcome): Json {
  if (outcome.ok) return outcome.output;
  throw deserializeError(outcome.error);
}
