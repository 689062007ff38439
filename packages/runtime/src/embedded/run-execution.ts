import {
  EngineError,
  ErrorCodes,
  execute,
  RunCancelled,
  RunPaused,
  serializeError,
  type InvokeOptions,
  type Json,
  type NodeRegistry,
  type RunContext,
  type RunEvent,
  type RunResult,
} from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { publishRunsQueued } from "../bus/publish";
import type { JournalEntry, LeaseState } from "../records/journal";
import { isFinished, type RunError } from "../records/run-record";
import { engineEventToRunEvent, type RunEventInput } from "../records/run-events";
import { createRun, transitionRun, type FinishedRun, type FinishRun } from "../records/runs";
import { statement, type Sql } from "../sql/sql-client";
import { timelineKey, type ClaimedRun } from "./claim";
import { childRunKey, DurableStepTools, type ChildRun, type DurableToolsHost, type PendingSnapshot } from "./durable-step-tools";
import { ExecutionStopped, STOP_PRECEDENCE, type StopReason } from "./execution-stopped";
import { isTransientDatabaseError, type JournalWriter } from "./journal-writer";
import { replayableStep, VersionCompileError, type CompiledVersion, type PlanCache } from "./plan-cache";

/** What a run's execution may add to the engine's context: secrets, variables, the network allow-list. */
export type RunContextExtras = Pick<RunContext, "vars" | "secrets" | "network">;

/** Supplies per-run context (the web app wires workspace secrets here). */
/** `usesSecrets`: whether the run's version mentions secrets at all (see `CompiledVersion.usesSecrets`). */
export type ResolveRunContext = (run: { runId: string; workspaceId: string; workflowId: string; usesSecrets: boolean }) => Promise<RunContextExtras> | RunContextExtras;

/** What every execution of one worker shares. */
export interface ExecutionEnv {
  sql: Sql;
  writer: JournalWriter;
  leaseOwner: string;
  planCache: PlanCache;
  registry?: NodeRegistry;
  resolveContext?: ResolveRunContext;
  logger: Logger;
  /** A parked run wants waking at this time (the waker schedules itself for it). */
  wakeHint(at: Date): void;
  /** Finishes the run (group-committed with other runs finishing meanwhile). */
  finish(request: FinishRun): Promise<FinishedRun>;
}

// After a database error the run waits this long before a worker tries it again.
const DATABASE_RETRY_DELAY_MS = 1_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const selectChildWorkflow = statement(
  "select_child_workflow",
  `SELECT latest_version_id FROM workflows WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
);

const selectControl = statement(
  "select_run_control",
  `SELECT cancel_requested_at IS NOT NULL AS cancel, pause_requested_at IS NOT NULL AS pause,
     (lease_owner = $2 AND status = 'running') AS leased
   FROM runs WHERE id = $1`,
);

/**
 * After parking a waiting run: if an event or a child's result arrived while
 * it was being parked, queue it again. The sender locks the run row, so it
 * either sees the run parked (and queues it itself) or commits before this
 * statement runs (and this sees its result).
 */
const requeueIfResolved = statement(
  "requeue_if_resolved",
  `WITH requeued AS (
     UPDATE runs SET status = 'queued', wake_at = NULL, updated_at = now()
     WHERE id = $1 AND status = 'waiting' AND (
       EXISTS (SELECT 1 FROM run_steps WHERE run_id = $1 AND step_id = ANY($3::text[]) AND status <> 'waiting')
       OR EXISTS (SELECT 1 FROM runs c WHERE c.workspace_id = $2 AND c.idempotency_key = ANY($4::text[])
         AND c.status IN ('succeeded', 'failed', 'cancelled')))
     RETURNING id
   )
   SELECT count(*) AS requeued FROM requeued`,
);

/**
 * One execution of one claimed run: replays its journal through the engine,
 * runs what is new, and ends by finishing, parking, pausing or releasing the
 * run. Never rejects: every outcome is recorded (or, if the database is gone,
 * left to the lease to expire).
 */
export class RunExecution implements DurableToolsHost {
  readonly runId: string;
  readonly workspaceId: string;
  readonly journal: ReadonlyMap<string, JournalEntry>;
  /** Once the plan is known: what decides which steps are replayable (see `DurableToolsHost.replayable`). */
  private compiled: CompiledVersion | null = null;
  readonly tools: DurableStepTools;
  private readonly abort = new AbortController();
  private logger: Logger | null = null;
  private stopReason: StopReason | null = null;
  private parkSnapshot: PendingSnapshot | null = null;


  constructor(
    readonly claimed: ClaimedRun,
    private readonly env: ExecutionEnv,
  ) {
    this.runId = claimed.id;
    this.workspaceId = claimed.workspaceId;
    this.journal = claimed.journal;
    this.tools = new DurableStepTools(this);
  }

  // Created on first use: most runs never log, and a child logger per run is measurable garbage.
  private get log(): Logger {
    this.logger ??= this.env.logger.child({ runId: this.runId });
    return this.logger;
  }

  get sql(): Sql {
    return this.env.sql;
  }

  get writer(): JournalWriter {
    return this.env.writer;
  }

  get leaseOwner(): string {
    return this.env.leaseOwner;
  }

  get stopping(): StopReason | null {
    return this.stopReason;
  }

  async run(): Promise<void> {
    try {
      await this.execute();
    } catch (error) {
      this.log.error({ err: error }, "recording the run's outcome failed; its lease will expire and another worker resumes it");
    } finally {
      this.tools.dispose();
    }
  }

  /** Asks the execution to stop at the next step boundary (and at once for pending sleeps and waits). */
  requestStop(reason: StopReason): void {
    if (this.stopReason && STOP_PRECEDENCE[this.stopReason] >= STOP_PRECEDENCE[reason]) return;
    this.stopReason = reason;
    const error = new ExecutionStopped(reason);
    // Cancelled and lost runs abort in-flight node work (an HTTP call in progress); a pause lets it finish.
    if (reason === "cancelled" || reason === "lease-lost") this.abort.abort(error);
    this.tools.stop(error);
  }

  /** What a journal write or heartbeat learnt about the run. */
  applyLeaseState(state: LeaseState): void {
    if (!state.leased) this.requestStop("lease-lost");
    else if (state.cancelRequested) this.requestStop("cancelled");
    else if (state.pauseRequested) this.requestStop("paused");
  }

  /** Something happened to the run outside (cancel or pause asked, an event delivered, a child finished). */
  async onControl(): Promise<void> {
    const [row] = await this.sql.query<{ cancel: boolean; pause: boolean; leased: boolean }>(selectControl, [this.runId, this.leaseOwner]);
    this.applyLeaseState({ leased: row?.leased === true, cancelRequested: row?.cancel === true, pauseRequested: row?.pause === true });
    if (!this.stopReason) await this.tools.recheck();
  }

  replayable(stepId: string): "input" | "pure" | null {
    return this.compiled ? replayableStep(this.compiled, stepId) : null;
  }

  onQuiescent(): void {
    if (this.stopReason) return;
    this.parkSnapshot = this.tools.snapshot();
    this.requestStop("parked");
  }

  onLeaseLost(): void {
    this.requestStop("lease-lost");
  }

  onJournalConflict(): void {
    this.requestStop("conflict");
  }

  async startChild(stepId: string, options: InvokeOptions): Promise<ChildRun> {
    const notFound = () =>
      new EngineError(ErrorCodes.invokeFailed, `workflow "${options.workflowId}" was not found in this workspace`, { retryable: false });
    if (!UUID.test(options.workflowId)) throw notFound();
    const [workflow] = await this.sql.query<{ latest_version_id: string | null }>(selectChildWorkflow, [options.workflowId, this.workspaceId]);
    if (!workflow) throw notFound();
    if (!workflow.latest_version_id) {
      throw new EngineError(ErrorCodes.invokeFailed, `workflow "${options.workflowId}" has no published version`, { retryable: false });
    }
    const compiled = await this.env.planCache.get(this.sql, workflow.latest_version_id);
    const issues = compiled.validateInput(options.input);
    if (issues) {
      throw new EngineError(ErrorCodes.invalidInput, `the input does not match the input schema of workflow "${options.workflowId}"`, {
        retryable: false,
        details: { issues },
      });
    }
    const { run } = await createRun(this.sql, {
      workspaceId: this.workspaceId,
      workflowId: options.workflowId,
      versionId: workflow.latest_version_id,
      triggerKind: "invoke",
      input: options.input,
      priority: this.claimed.priority,
      parentRunId: this.runId,
      idempotencyKey: childRunKey(this.runId, stepId),
    });
    if (!isFinished(run.status)) {
      const outcome = await this.writer.writeStep({ runId: this.runId, stepId, status: "waiting", output: { childRunId: run.id } });
      if (outcome.kind === "lease-lost") {
        this.onLeaseLost();
        throw new ExecutionStopped("lease-lost");
      }
    }
    return { id: run.id, status: run.status, output: run.output, error: run.error };
  }

  private async execute(): Promise<void> {
    const { claimed } = this;
    if (claimed.cancelRequested) {
      this.stopReason = "cancelled";
      return this.finishCancelled();
    }
    if (claimed.pauseRequested) {
      this.stopReason = "paused";
      return this.release("paused", { runId: this.runId, type: "run.paused" });
    }
    let result: RunResult;
    try {
      const compiled = await this.env.planCache.get(this.sql, claimed.versionId);
      this.compiled = compiled;
      const extras = this.env.resolveContext
        ? await this.env.resolveContext({ runId: this.runId, workspaceId: this.workspaceId, workflowId: claimed.workflowId, usesSecrets: compiled.usesSecrets })
        : {};
      result = await execute({
        plan: compiled.plan,
        input: claimed.input,
        tools: this.tools,
        registry: this.env.registry,
        context: {
          ...extras,
          run: {
            id: this.runId,
            attempt: claimed.attempt,
            startedAt: claimed.startedAt.toISOString(),
            workflowId: claimed.workflowId,
            ...(claimed.originRunId ? { originRunId: claimed.originRunId } : {}),
          },
          signal: this.abort.signal,
        },
        observer: (event) => this.observe(event),
        control: {
          checkpoint: async () => {
            if (this.stopReason) throw new ExecutionStopped(this.stopReason);
          },
        },
      });
    } catch (error) {
      return this.afterInterruption(error);
    }
    if (this.stopReason === "lease-lost") return;
    await this.finish(result);
  }

  private observe(event: RunEvent): void {
    if (this.stopReason === "lease-lost") return;
    if (event.type !== "node.started" && event.type !== "node.log") {
      // The engine emits node entries again on replay: write each once. Skipped, retrying and waiting
      // entries carry no replay flag, and a completion answered from the journal (`replayed`) still
      // needs writing when the timeline lacks it (its worker died before writing it, or the run reuses
      // another run's results): the timeline loaded at the claim decides. A completion the engine
      // reports live is new by definition.
      const key = timelineKey(event.type, event.stepId, "attempt" in event ? event.attempt : undefined);
      const live = (event.type === "node.completed" || event.type === "node.failed") && !event.replayed;
      if (!live && this.claimed.timeline.has(key)) return;
      this.claimed.timeline.add(key);
    }
    this.write(event);
  }

  private write(event: RunEvent): void {
    this.writer.addEvent(engineEventToRunEvent(this.runId, event));
  }

  private async finish(result: RunResult): Promise<void> {
    // The last step's result (the engine finished before its write started) is journaled by the finish itself.
    const steps = this.tools.takeUnwritten();
    try {
      await this.tools.journaled();
    } catch (error) {
      return this.afterInterruption(error);
    }
    // A pause or cancel asked after the last step changes nothing any more; a lost lease or a conflicting journal does.
    if (this.stopReason === "lease-lost" || this.stopReason === "conflict") return this.afterInterruption(new ExecutionStopped(this.stopReason));
    const events = await this.writer.takeEvents(this.runId);
    const outcome =
      result.status === "succeeded"
        ? await this.env.finish({ runId: this.runId, status: "succeeded", output: result.output, leaseOwner: this.leaseOwner, events, steps })
        : await this.env.finish({
            runId: this.runId,
            status: "failed",
            output: result.output,
            error: { ...result.error, nodeId: result.failedNodeId, stepId: result.failedStepId },
            leaseOwner: this.leaseOwner,
            events,
            steps,
            data: { compensations: result.compensations as unknown as Json },
          });
    if (!outcome.finished) this.log.warn("the run's lease was lost before it could be finished; its new owner finishes it");
  }

  private async afterInterruption(error: unknown): Promise<void> {
    // Results the engine went on with are journaled before the run parks, pauses or is released (fenced: a lost lease writes nothing).
    if (this.stopReason !== "lease-lost") await this.tools.journaled(true).catch(() => undefined);
    const reason =
      this.stopReason ??
      (error instanceof ExecutionStopped ? error.reason : error instanceof RunCancelled ? "cancelled" : error instanceof RunPaused ? "paused" : null);
    switch (reason) {
      case "parked":
        return this.park();
      case "cancelled":
        return this.finishCancelled();
      case "paused":
        return this.release("paused", { runId: this.runId, type: "run.paused" });
      case "stopping":
        return this.release("queued", { runId: this.runId, type: "run.released", data: { reason: "worker shutting down" } });
      case "conflict":
        return this.release("queued", { runId: this.runId, type: "run.released", data: { reason: "a step was journaled by another execution" } });
      case "lease-lost":
        this.writer.discardEvents(this.runId);
        this.log.warn("the run's lease was lost; another worker owns it now");
        return;
      case null:
        return this.driverFailure(error);
    }
  }

  private async driverFailure(error: unknown): Promise<void> {
    if (isTransientDatabaseError(error)) {
      // The database will likely be back: park briefly and let any worker retry from the journal.
      this.log.warn({ err: error }, "database error while executing; the run is retried from its journal");
      const wakeAt = new Date(Date.now() + DATABASE_RETRY_DELAY_MS);
      await this.release("sleeping", { runId: this.runId, type: "run.released", data: { reason: "database error" } }, wakeAt);
      this.env.wakeHint(wakeAt);
      return;
    }
    // Anything else would fail again on every replay (a version that no longer compiles, an engine bug): end the run.
    this.log.error({ err: error }, "the run cannot be executed");
    const serialized = serializeError(error);
    const runError: RunError =
      error instanceof VersionCompileError
        ? { ...serialized, code: ErrorCodes.invalidPlan, retryable: false, details: { problems: error.problems as Json } }
        : { ...serialized, retryable: false };
    const events = await this.writer.takeEvents(this.runId);
    await this.env.finish({ runId: this.runId, status: "failed", error: runError, leaseOwner: this.leaseOwner, events });
  }

  private async finishCancelled(): Promise<void> {
    const events = await this.writer.takeEvents(this.runId);
    await this.env.finish({ runId: this.runId, status: "cancelled", leaseOwner: this.leaseOwner, events });
  }

  private async release(status: "queued" | "paused" | "sleeping", event: RunEventInput, wakeAt: Date | null = null): Promise<void> {
    const events = await this.writer.takeEvents(this.runId);
    await transitionRun(this.sql, { runId: this.runId, status, wakeAt, leaseOwner: this.leaseOwner, events: [...events, event] });
  }

  private async park(): Promise<void> {
    const snapshot = this.parkSnapshot ?? this.tools.snapshot();
    const events = await this.writer.takeEvents(this.runId);
    const parked = await transitionRun(this.sql, {
      runId: this.runId,
      status: snapshot.status,
      wakeAt: snapshot.wakeAt,
      leaseOwner: this.leaseOwner,
      waitingSteps: snapshot.waitingSteps,
      events: [
        ...events,
        {
          runId: this.runId,
          type: `run.${snapshot.status}`,
          data: { wakeAt: snapshot.wakeAt?.toISOString() ?? null, waitingFor: snapshot.waitingFor },
        },
      ],
    });
    if (!parked) return;
    if (snapshot.waitStepIds.length > 0 || snapshot.childKeys.length > 0) {
      const [row] = await this.sql.query<{ requeued: unknown }>(requeueIfResolved, [
        this.runId,
        this.workspaceId,
        snapshot.waitStepIds,
        snapshot.childKeys,
      ]);
      if (Number(row?.requeued ?? 0) > 0) publishRunsQueued(this.sql);
    }
    if (snapshot.wakeAt) this.env.wakeHint(snapshot.wakeAt);
  }
}
