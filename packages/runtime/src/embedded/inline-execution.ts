import {
  DuplicateStepIdError,
  execute,
  type InvokeOptions,
  type Json,
  type NodeRegistry,
  type RunEvent,
  type SleepOptions,
  type StepTools,
  type WaitForEventOptions,
} from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { journalRowForStepResult, type JournalStepInput } from "../records/journal";
import { engineEventToRunEvent, type RunEventInput } from "../records/run-events";
import type { ExecutedRun } from "../records/runs";
import type { Sql } from "../sql/sql-client";
import { replayableStep, type PlanCache } from "./plan-cache";
import type { ResolveRunContext } from "./run-execution";

/**
 * Past this much wall time an inline execution gives up at its next step and
 * the run is created queued instead: a request must not wait on a long
 * workflow, and what was computed is only pure work to do again.
 */
export const INLINE_BUDGET_MS = 100;

/** A run about to be created, as its inline execution needs it. */
export interface InlineRunRequest {
  id: string;
  workspaceId: string;
  workflowId: string;
  versionId: string;
  input: Json | null;
}

/** A run executed to success before it was created: what creating it finished needs, with its journal. */
export interface InlineRun extends ExecutedRun {
  /** Its journal: every step's result. */
  steps: JournalStepInput[];
}

/** What an inline execution shares with the worker it borrows a slot from. */
export interface InlineEnv {
  sql: Sql;
  leaseOwner: string;
  planCache: PlanCache;
  registry?: NodeRegistry;
  resolveContext?: ResolveRunContext;
  logger: Logger;
}

/** Thrown by the tools at a step that cannot run before the run exists: the execution is abandoned. */
class NotInline extends Error {}

/**
 * Step tools that run pure steps (and the trigger's) and refuse everything
 * else: a sleep, a wait, a child run or a step with effects needs the run to
 * exist, so the execution stops there and the run starts the usual way.
 */
class InlineStepTools implements StepTools {
  readonly steps: JournalStepInput[] = [];
  private readonly seen = new Set<string>();

  constructor(
    private readonly runId: string,
    private readonly runsInline: (stepId: string) => boolean,
    private readonly deadline: number,
  ) {}

  async run<T extends Json>(stepId: string, fn: () => Promise<T>): Promise<T> {
    if (this.seen.has(stepId)) throw new DuplicateStepIdError(stepId);
    this.seen.add(stepId);
    if (!this.runsInline(stepId)) throw new NotInline(`step ${stepId} is not pure`);
    if (Date.now() > this.deadline) throw new NotInline("the inline budget is spent");
    const value = await fn();
    this.steps.push(journalRowForStepResult(this.runId, stepId, value));
    return value;
  }

  sleep(stepId: string, _options: SleepOptions): Promise<void> {
    return Promise.reject(new NotInline(`step ${stepId} sleeps`));
  }

  waitForEvent(stepId: string, _options: WaitForEventOptions): Promise<Json | null> {
    return Promise.reject(new NotInline(`step ${stepId} waits for an event`));
  }

  invoke(stepId: string, _options: InvokeOptions): Promise<Json> {
    return Promise.reject(new NotInline(`step ${stepId} invokes a workflow`));
  }

  isJournaled(): boolean {
    return false;
  }
}

/**
 * Executes a run of a version whose nodes are all pure before the run is
 * created, so the statement that creates it can create it finished, with its
 * journal and timeline: one commit instead of a creation and a finish. Null
 * when it cannot (a version with effects, a step that sleeps to retry, a
 * failure, the budget spent): nothing happened outside the run, so the run is
 * created queued and executes the usual way, from its first step.
 */
export async function executeInline(request: InlineRunRequest, env: InlineEnv): Promise<InlineRun | null> {
  const startedAt = new Date();
  try {
    const compiled = await env.planCache.get(env.sql, request.versionId);
    if (!compiled.pureThroughout) return null;
    const tools = new InlineStepTools(request.id, (stepId) => replayableStep(compiled, stepId) !== null, startedAt.getTime() + INLINE_BUDGET_MS);
    const extras = env.resolveContext
      ? await env.resolveContext({ runId: request.id, workspaceId: request.workspaceId, workflowId: request.workflowId, usesSecrets: compiled.usesSecrets })
      : {};
    const events: RunEventInput[] = [];
    const observe = (event: RunEvent) => {
      // Every step finishes inside this execution: its journal row holds its start, as the journal writer's rows do.
      if (event.type !== "node.started") events.push(engineEventToRunEvent(request.id, event));
    };
    const result = await execute({
      plan: compiled.plan,
      input: request.input,
      tools,
      registry: env.registry,
      context: {
        ...extras,
        run: { id: request.id, attempt: 1, startedAt: startedAt.toISOString(), workflowId: request.workflowId },
        signal: new AbortController().signal,
      },
      observer: observe,
    });
    // A failure is recorded by the usual path, with its retries, compensations and dead-lettering.
    if (result.status !== "succeeded") return null;
    return { startedAt, worker: env.leaseOwner, output: result.output, steps: tools.steps, events };
  } catch (error) {
    if (!(error instanceof NotInline)) env.logger.debug({ err: error, runId: request.id }, "inline execution gave up; the run starts queued");
    return null;
  }
}
