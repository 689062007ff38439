import type { WorkflowSettings } from "../definition/schema";
import type { NetworkPolicy, RunContext, RunMetadata } from "../context";
import { RunCancelled, type SerializedError } from "../errors";
import type { Json } from "../json";
import { createMasker, type Masker } from "../secrets/mask";
import type { StepTools } from "../step-tools/types";
import type { RNode } from "./runtime-plan";
import { Scope } from "./scope";
import { Semaphore } from "./semaphore";
import type { RunControl, RunEvent, RunObserver } from "./types";

/** Thrown through the interpreter's own frames to unwind work once the run has stopped. */
export class Halted extends Error {
  constructor() {
    super("run halted");
  }
}
const HALTED = new Halted();

export type Halt =
  | { kind: "failed"; error: SerializedError; nodeId: string; stepId: string }
  | { kind: "interrupt"; error: unknown };

export interface CompletedStep {
  node: RNode;
  stepId: string;
  scope: Scope;
  output: Json;
  /** Journaled (startedAt + duration), so compensation order is the same on replay. */
  finishedAt: number;
}

export interface RunSetup {
  tools: StepTools;
  context: RunContext;
  input: Json;
  settings: WorkflowSettings;
  observer?: RunObserver;
  control?: RunControl;
}

/** Shared state of one execution: halting, step admission, the journal of completions. */
export class Run {
  readonly tools: StepTools;
  readonly meta: RunMetadata;
  readonly input: Json;
  readonly vars: Readonly<Record<string, Json>>;
  readonly secrets: Readonly<Record<string, string>>;
  readonly network: NetworkPolicy;
  readonly signal: AbortSignal | undefined;
  readonly masker: Masker;
  readonly deadline: number | null;
  readonly runTimeoutMs: number;
  readonly rootScope = Scope.root();
  readonly completed: CompletedStep[] = [];
  /** False when nobody listens: hot paths then skip building event objects. */
  readonly observed: boolean;
  halt: Halt | null = null;
  phase: "running" | "compensating" = "running";

  private readonly observer: RunObserver | undefined;
  private readonly control: RunControl | undefined;
  private readonly permits: Semaphore;
  private active = 0;
  private rootDone = false;
  private settledFlag = false;
  private resolveSettled!: () => void;
  readonly settled = new Promise<void>(
    (resolve) => (this.resolveSettled = resolve),
  );
  /** Durable calls in progress, each with a way to give up on it when the run stops. */
  private readonly waiting = new Set<{ compensating: boolean; stop(): void }>();

  constructor(setup: RunSetup) {
    const { context, settings } = setup;
    this.tools = setup.tools;
    this.meta = context.run;
    this.input = setup.input;
    this.vars = context.vars ?? {};
    this.secrets = context.secrets ?? {};
    this.network = { allowedHosts: context.network?.allowedHosts ?? [] };
    this.signal = context.signal;
    this.masker = createMasker(context.secrets);
    this.observer = setup.observer;
    this.observed = setup.observer !== undefined;
    this.control = setup.control;
    this.permits = new Semaphore(settings.maxParallelism);
    this.runTimeoutMs = settings.runTimeoutMs ?? 0;
    const started = Date.parse(context.run.startedAt);
    this.deadline =
      settings.runTimeoutMs === undefined || Number.isNaN(started)
        ? null
        : started + settings.runTimeoutMs;
  }

  emit(event: RunEvent): void {
    if (!this.observer) return;
    try {
      this.observer(event);
    } catch (error) {
      console.error("run observer threw; the run continues", error);
    }
  }

  /** Throws Halted when no new step may start (failed runs may still compensate). */
  assertCanStep(): void {
    if (
      this.halt &&
      !(this.phase === "compensating" && this.halt.kind === "failed")
    )
      throw HALTED;
  }

  /**
   * The between-steps hook: halts, cancellation through the signal, and the
   * driver's control. Returns undefined when there is nothing to await, so the
   * common path costs no promise.
   */
  beforeStep(): Promise<void> | undefined {
    this.assertCanStep();
    if (this.signal?.aborted) {
      this.interrupt(
        new RunCancelled(String(this.signal.reason ?? "run cancelled")),
      );
      throw HALTED;
    }
    return this.control ? this.checkpoint(this.control) : undefined;
  }

  private async checkpoint(control: RunControl): Promise<void> {
    try {
      await control.checkpoint();
    } catch (error) {
      this.interrupt(error);
      throw HALTED;
    }
    this.assertCanStep();
  }

  acquire(): Promise<void> | undefined {
    return this.permits.acquire();
  }

  release(): void {
    this.permits.release();
  }

  /** Waits on a durable call unless the run stops first (a sleeping branch must not hold up a failure). */
  durable<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = {
        compensating: this.phase === "compensating",
        stop: () => reject(HALTED),
      };
      this.waiting.add(entry);
      promise.then(
        (value) => {
          this.waiting.delete(entry);
          resolve(value);
        },
        (error: unknown) => {
          this.waiting.delete(entry);
          reject(error as Error);
        },
      );
    });
  }

  /** Gives up on durable calls: all of them on an interrupt, only the forward ones on a failure. */
  private stopWaiting(interrupt: boolean): void {
    for (const entry of [...this.waiting]) {
      if (interrupt || !entry.compensating) {
        this.waiting.delete(entry);
        entry.stop();
      }
    }
  }

  fail(nodeId: string, stepId: string, error: SerializedError): void {
    if (this.halt) return;
    this.halt = { kind: "failed", error, nodeId, stepId };
    this.stopWaiting(false);
    this.maybeSettle();
  }

  /**
   * A StepTools call rejected for the driver's own reason (it parks the run,
   * lost its lease, lost the database): the run stops with that error, which
   * `execute` rejects with; it is never recorded as the node's failure.
   */
  stopForDriver(error: unknown): never {
    if (error instanceof Halted) throw error;
    this.interrupt(error);
    throw HALTED;
  }

  interrupt(error: unknown): void {
    if (error instanceof Halted) return;
    if (this.halt?.kind === "interrupt") return;
    this.halt = { kind: "interrupt", error };
    this.stopWaiting(true);
    this.maybeSettle();
  }

  /** Counts work that must finish (and be journaled) before a halted run settles. */
  track<T>(work: Promise<T>, then: (value: T) => void): void {
    this.active++;
    work.then(
      (value) => {
        try {
          then(value);
        } catch (error) {
          this.interrupt(error);
        }
        this.active--;
        this.maybeSettle();
      },
      (error: unknown) => {
        this.interrupt(error);
        this.active--;
        this.maybeSettle();
      },
    );
  }

  markRootDone(): void {
    this.rootDone = true;
    this.maybeSettle();
  }

  private maybeSettle(): void {
    if (this.settledFlag) return;
    if (this.rootDone || (this.halt !== null && this.active === 0)) {
      this.settledFlag = true;
      this.resolveSettled();
    }
  }
}
