import { postgresErrorCode } from "@trellis/db";
import { logger } from "@trellis/config/logger";
import { writeJournal, type JournalEntry, type JournalStepInput, type LeaseState } from "../records/journal";
import type { RunEventInput } from "../records/run-events";
import type { Sql } from "../sql/sql-client";

export type StepWriteOutcome = { kind: "written" } | { kind: "existing"; entry: JournalEntry } | { kind: "lease-lost" };

interface PendingStep {
  row: JournalStepInput;
  resolve(outcome: StepWriteOutcome): void;
  reject(error: unknown): void;
}

interface Batch {
  steps: PendingStep[];
  events: RunEventInput[];
  runIds: Set<string>;
}

/** Errors worth retrying: the connection or the server went away, or a deadlock / serialization conflict. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = postgresErrorCode(error);
  if (code) return code.startsWith("08") || code.startsWith("57") || code.startsWith("53") || code === "40P01" || code === "40001";
  const text = error instanceof Error ? `${error.message} ${String((error as { code?: unknown }).code ?? "")}` : String(error);
  return /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|Connection terminated|connection.*(closed|ended|lost)|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    text,
  );
}

const RETRY_DELAYS_MS = [25, 50, 100, 250, 500, 1_000, 2_000, 4_000];

/**
 * Group commit for the journal. Every step completion of every run this
 * worker executes joins the next batch: one statement (one round trip, one
 * commit) journals all steps that finished while the previous batch was in
 * flight, with the timeline events emitted meanwhile. At low load a batch is
 * a single step and costs exactly one round trip.
 *
 * Events alone (a step that started and has not finished) are flushed after
 * `eventFlushMs`, so a long step still shows up live.
 */
export class JournalWriter {
  private steps: PendingStep[] = [];
  private events: RunEventInput[] = [];
  /** Unwritten `node.started` entries by run and step, and those a completion made redundant. */
  private readonly pendingStarts = new Map<string, RunEventInput>();
  private readonly redundant = new WeakSet<RunEventInput>();
  private flushing: Promise<void> | null = null;
  private flushingRuns = new Set<string>();
  private scheduled = false;
  private eventTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly leaseOwner: string,
    private readonly onLeaseState: (runId: string, state: LeaseState) => void,
    private readonly eventFlushMs = 25,
  ) {}

  /**
   * A step finished: its journal row (written now or with the run's finish)
   * records when it started, so an unwritten start entry adds nothing to it.
   */
  stepCompleted(runId: string, stepId: string): void {
    const key = `${runId}\u0000${stepId}`;
    const started = this.pendingStarts.get(key);
    if (started) {
      this.redundant.add(started);
      this.pendingStarts.delete(key);
    }
  }

  /** Journals a step; resolves once committed (or with the result another execution stored first). */
  writeStep(row: JournalStepInput): Promise<StepWriteOutcome> {
    this.stepCompleted(row.runId, row.stepId);
    return new Promise((resolve, reject) => {
      this.steps.push({ row, resolve, reject });
      this.schedule();
    });
  }

  addEvent(event: RunEventInput): void {
    // A step that finishes before its start entry was written gets no start entry: its journal
    // row holds the start, its completion entry the duration. That saves a row on most steps.
    if (event.type === "node.started") this.pendingStarts.set(`${event.runId}\u0000${event.stepId}`, event);
    this.events.push(event);
    if (!this.eventTimer && !this.scheduled && !this.flushing) {
      this.eventTimer = setTimeout(() => {
        this.eventTimer = null;
        this.schedule();
      }, this.eventFlushMs);
      this.eventTimer.unref();
    }
  }

  /**
   * Hands over a run's unwritten events (for the statement that finishes or
   * parks it) once no batch holding earlier events of the run is in flight,
   * so the timeline keeps its order.
   */
  async takeEvents(runId: string): Promise<RunEventInput[]> {
    while (this.flushing && this.flushingRuns.has(runId)) await this.flushing.catch(() => undefined);
    const taken = this.events.filter((event) => event.runId === runId && !this.redundant.has(event));
    this.events = this.events.filter((event) => event.runId !== runId);
    return taken;
  }

  /** Drops a run's unwritten events (its lease is gone). */
  discardEvents(runId: string): void {
    this.events = this.events.filter((event) => event.runId !== runId);
  }

  /** Resolves when nothing is pending or in flight. */
  async drain(): Promise<void> {
    while (this.flushing || this.pending) {
      if (!this.flushing) this.schedule();
      await this.flushing?.catch(() => undefined);
    }
  }

  private get pending(): boolean {
    return this.steps.length > 0 || this.events.length > 0;
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    // A microtask lets steps finishing in the same tick share the batch.
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.flushing || !this.pending) return;
      const flushing = this.loop();
      this.flushing = flushing;
      void flushing.finally(() => {
        if (this.flushing === flushing) this.flushing = null;
        // Written while the last batch was finishing: nothing else would schedule it.
        if (this.pending) this.schedule();
      });
    });
  }

  private async loop(): Promise<void> {
    if (this.eventTimer) {
      clearTimeout(this.eventTimer);
      this.eventTimer = null;
    }
    try {
      while (this.pending) {
        const batch: Batch = { steps: this.steps, events: this.events.filter((event) => !this.redundant.has(event)), runIds: new Set() };
        this.steps = [];
        this.events = [];
        this.pendingStarts.clear();
        for (const step of batch.steps) batch.runIds.add(step.row.runId);
        for (const event of batch.events) batch.runIds.add(event.runId);
        this.flushingRuns = batch.runIds;
        await this.flush(batch);
      }
    } finally {
      this.flushingRuns = new Set();
    }
  }

  private async flush(batch: Batch): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(batch);
        return;
      } catch (error) {
        if (!isTransientDatabaseError(error)) {
          // One run's bad data (say a NUL character jsonb refuses) must not fail the others' steps.
          if (batch.runIds.size > 1) {
            for (const runId of batch.runIds) {
              await this.flush({
                steps: batch.steps.filter((s) => s.row.runId === runId),
                events: batch.events.filter((e) => e.runId === runId),
                runIds: new Set([runId]),
              });
            }
            return;
          }
          for (const step of batch.steps) step.reject(error);
          if (batch.steps.length === 0) logger().warn({ err: error }, "run events could not be written; dropped");
          return;
        }
        const delay = RETRY_DELAYS_MS[attempt];
        if (delay === undefined) {
          for (const step of batch.steps) step.reject(error);
          logger().error({ err: error }, "journal write failed after retries");
          return;
        }
        logger().warn({ err: error, attempt: attempt + 1 }, "journal write failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async write(batch: Batch): Promise<void> {
    const result = await writeJournal(this.sql, {
      steps: batch.steps.map((s) => s.row),
      events: batch.events,
      leaseOwner: this.leaseOwner,
    });
    for (const [runId, state] of result.runs) this.onLeaseState(runId, state);
    batch.steps.forEach((step, i) => {
      const outcome = result.steps[i];
      if (!result.runs.get(step.row.runId)?.leased) step.resolve({ kind: "lease-lost" });
      else if (!outcome || outcome.written) step.resolve({ kind: "written" });
      else if (outcome.existing) step.resolve({ kind: "existing", entry: outcome.existing });
      // Unreachable in practice (the conflicting row is committed before the read); replaying from the journal is the safe answer.
      else step.reject(new Error(`step ${step.row.stepId} was journaled concurrently and could not be read back`));
    });
  }
}
