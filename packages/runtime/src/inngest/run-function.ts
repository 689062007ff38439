import {
  ErrorCodes,
  execute,
  isRunInterruption,
  serializeError,
  type Json,
  type NodeRegistry,
  type RunResult,
} from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { VersionCompileError, type PlanCache } from "../embedded/plan-cache";
import type { ResolveRunContext } from "../embedded/run-execution";
import { isFinished, type RunError, type RunStatus } from "../records/run-record";
import { readJournal } from "../records/journal";
import { finishRun, findRun } from "../records/runs";
import type { Sql } from "../sql/sql-client";
import type { InngestSender } from "./dispatch";
import { INNGEST_DRIVER, INNGEST_EVENTS, type RunRequestedData } from "./events";
import { slotExpression } from "./expressions";
import { markRunning, readControl, setExternalRunId, withDatabaseRetries, workflowHasRoom } from "./run-records";
import { InngestStepTools, type InngestSteps, type StepMemo } from "./step-tools";

/** What the function needs to execute runs: resolved when an execution starts, not when the module loads. */
export interface WorkflowRunEnvironment {
  sql: Sql;
  planCache: PlanCache;
  registry?: NodeRegistry;
  resolveContext?: ResolveRunContext;
  logger: Logger;
  /** How long a paused run waits for its resume event between looks at the database (tests shorten it). */
  pauseRecheckMs?: readonly number[];
  /** How long a run waiting for room in its workflow's concurrency limit waits for a freed slot between looks (tests shorten it). */
  slotRecheckMs?: readonly number[];
  /** Sends events to Inngest (a finished run of a limited workflow announces its freed slot). */
  send?: InngestSender;
}

/** What the `workflow-run` function returns to Inngest (and to a parent's `step.invoke`). */
export interface WorkflowRunOutcome {
  runId: string;
  status: RunStatus | "missing";
  output?: Json | null;
  error?: RunError | null;
}

/**
 * A run record the function cannot find may belong to a transaction that has
 * not committed yet (its creator sent the event from inside it). The function
 * looks again after these delays before it gives up: giving up consumes the
 * run id's idempotency key, so the run could not be started again for a day.
 */
export const START_RECHECK_MS = [2_000, 10_000, 60_000] as const;

/**
 * A run of a workflow whose `concurrencyLimit` is reached waits for a
 * `trellis/workflow.slot_freed` of its workflow, looking at the database again
 * after each of these (the last repeats), in case a slot was freed without one
 * (a run parked, or the event was lost). Two steps per look: a run can wait
 * about 40 hours before Inngest's 1,000 steps run out.
 */
export const SLOT_RECHECK_MS = [5_000, 15_000, 30_000, 60_000, 300_000] as const;

/** The run as the `$start` step found it; memoized, so every replay executes the same run. */
type StartMemo =
  | { kind: "skip"; status: RunStatus | "missing" }
  /** Its workflow's concurrency limit is reached: the run stays queued and waits for room. */
  | { kind: "full" }
  | {
      kind: "run";
      /** Its workflow has a concurrency limit: finishing frees a slot others may wait for. */
      limited: boolean;
      versionId: string;
      workflowId: string;
      input: Json;
      attempt: number;
      priority: number;
      originRunId: string | null;
      startedAt: string;
      /**
       * A retry from a node starts with its origin's results upstream of that
       * node journaled (seeded): those steps are answered from here, never run.
       */
      seeded?: Record<string, Json>;
    };

async function startStep(sql: Sql, data: RunRequestedData, inngestRunId: string): Promise<StepMemo<StartMemo>> {
  return withDatabaseRetries(() =>
    sql.transaction(async (tx): Promise<StepMemo<StartMemo>> => {
      const run = await findRun(tx, data.workspaceId, data.runId);
      if (!run) return { r: { kind: "skip", status: "missing" }, c: { s: "gone", p: false } };
      if (isFinished(run.status)) return { r: { kind: "skip", status: run.status }, c: { s: "gone", p: false } };
      if (run.cancelRequestedAt) {
        await finishRun(tx, { runId: run.id, status: "cancelled" });
        return { r: { kind: "skip", status: "cancelled" }, c: { s: "gone", p: false } };
      }
      await setExternalRunId(tx, run.id, inngestRunId);
      // The workflow's own concurrency limit, which Inngest's static per-workflow limit cannot carry (see ARCHITECTURE.md).
      const admission = run.status === "queued" ? await workflowHasRoom(tx, run.workflowId, run.id) : { limited: false, room: true };
      if (!admission.room) return { r: { kind: "full" }, c: { s: "live", p: false } };
      await markRunning(tx, run.id, { driver: INNGEST_DRIVER, inngestRunId });
      const { control } = await readControl(tx, run.id);
      const started = await findRun(tx, data.workspaceId, data.runId);
      const seeded = run.restartFromNodeId === null ? null : await readJournal(tx, run.id);
      return {
        r: {
          kind: "run",
          limited: admission.limited,
          versionId: run.versionId,
          workflowId: run.workflowId,
          input: run.input,
          attempt: run.attempt,
          priority: run.priority,
          originRunId: run.originRunId,
          // A run paused before it started has no start time yet; its deadline counts from now.
          startedAt: (started?.startedAt ?? new Date()).toISOString(),
          ...(seeded
            ? { seeded: Object.fromEntries([...seeded].filter(([, entry]) => entry.status !== "waiting").map(([stepId, entry]) => [stepId, entry.output])) }
            : {}),
        },
        // A run paused while queued is still paused: the first checkpoint holds it.
        c: { ...control, p: control.p || run.status === "paused" },
      };
    }),
  );
}

/** Ends the run in our records: the engine's result, a cancellation, or a failure of the driver itself. */
async function finishStep(
  runId: string,
  workspaceId: string,
  tools: InngestStepTools,
  result: RunResult | null,
  failure: unknown,
): Promise<WorkflowRunOutcome> {
  return tools.commitWith(async (tx) => {
    if (result?.status === "succeeded") {
      await finishRun(tx, { runId, status: "succeeded", output: result.output });
    } else if (result?.status === "failed") {
      await finishRun(tx, {
        runId,
        status: "failed",
        output: result.output,
        error: { ...result.error, nodeId: result.failedNodeId, stepId: result.failedStepId },
        data: { compensations: result.compensations as unknown as Json },
      });
    } else if (isRunInterruption(failure)) {
      await finishRun(tx, { runId, status: "cancelled" });
    } else {
      // Anything else would fail again on every replay (a version that no longer compiles, a database that refuses a write).
      const serialized = serializeError(failure);
      const error: RunError =
        failure instanceof VersionCompileError
          ? { ...serialized, code: ErrorCodes.invalidPlan, retryable: false, details: { problems: failure.problems as Json } }
          : { ...serialized, retryable: false };
      await finishRun(tx, { runId, status: "failed", error });
    }
    const run = await findRun(tx, workspaceId, runId);
    return { runId, status: run?.status ?? "missing", output: run?.output ?? null, error: run?.error ?? null };
  });
}

/**
 * The body of the `workflow-run` function: executes one run record with the
 * engine, every node a step, and keeps the record current from inside those
 * steps. Safe to replay from the top, which is how Inngest resumes it.
 */
export async function runWorkflowOnInngest(
  input: { data: RunRequestedData; steps: InngestSteps; inngestRunId: string },
  env: WorkflowRunEnvironment,
): Promise<WorkflowRunOutcome> {
  const { data, steps } = input;
  const { sql } = env;
  let start = await steps.run("$start", () => startStep(sql, data, input.inngestRunId));
  for (const [i, delayMs] of START_RECHECK_MS.entries()) {
    if (start.r.kind !== "skip" || start.r.status !== "missing") break;
    await steps.sleep(`$start:recheck#${i + 1}`, delayMs);
    start = await steps.run(`$start#${i + 2}`, () => startStep(sql, data, input.inngestRunId));
  }
  for (let round = 1; start.r.kind === "full"; round++) {
    const recheck = env.slotRecheckMs ?? SLOT_RECHECK_MS;
    await steps.waitForEvent(`$slot#${round}`, {
      event: INNGEST_EVENTS.slotFreed,
      if: slotExpression(data.workflowId),
      timeout: recheck[Math.min(round, recheck.length) - 1] ?? SLOT_RECHECK_MS[0],
    });
    start = await steps.run(`$start:slot#${round}`, () => startStep(sql, data, input.inngestRunId));
  }
  if (start.r.kind === "skip") return { runId: data.runId, status: start.r.status };
  const run = start.r;

  const tools = new InngestStepTools({
    sql,
    runId: data.runId,
    workspaceId: data.workspaceId,
    priority: run.priority,
    planCache: env.planCache,
    steps,
    logger: env.logger.child({ runId: data.runId }),
    pauseRecheckMs: env.pauseRecheckMs,
    seeded: new Map(Object.entries(run.seeded ?? {})),
  });
  tools.absorb("$start", start);

  let result: RunResult | null = null;
  let failure: unknown = null;
  try {
    const compiled = await withDatabaseRetries(() => env.planCache.get(sql, run.versionId));
    // Secrets are resolved by every execution and never cross a step boundary, so Inngest never stores them.
    const extras = env.resolveContext
      ? await env.resolveContext({ runId: data.runId, workspaceId: data.workspaceId, workflowId: run.workflowId, usesSecrets: compiled.usesSecrets })
      : {};
    result = await execute({
      plan: compiled.plan,
      input: run.input,
      tools,
      registry: env.registry,
      context: {
        ...extras,
        run: {
          id: data.runId,
          attempt: run.attempt,
          startedAt: run.startedAt,
          workflowId: run.workflowId,
          ...(run.originRunId ? { originRunId: run.originRunId } : {}),
        },
      },
      observer: tools.observe,
      control: { checkpoint: () => tools.checkpoint() },
    });
  } catch (error) {
    failure = error;
  }

  if (tools.stopReason === "gone") {
    // Finished elsewhere (a cancel ends the record at once): nothing may be written any more, as for an embedded run whose lease is lost.
    return steps.run("$finish", async (): Promise<WorkflowRunOutcome> => {
      const current = await withDatabaseRetries(() => findRun(sql, data.workspaceId, data.runId));
      return { runId: data.runId, status: current?.status ?? "missing" };
    });
  }
  return steps.run("$finish", async () => {
    const outcome = await finishStep(data.runId, data.workspaceId, tools, result, failure);
    if (run.limited) await announceFreedSlot(env, data);
    return outcome;
  });
}

/** Tells runs waiting for room in the workflow's concurrency limit to look again; a lost event only delays them to their next look. */
async function announceFreedSlot(env: WorkflowRunEnvironment, data: RunRequestedData): Promise<void> {
  try {
    await env.send?.([{ name: INNGEST_EVENTS.slotFreed, data: { workflowId: data.workflowId, runId: data.runId } }]);
  } catch (error) {
    env.logger.warn({ err: error, workflowId: data.workflowId }, "announcing a freed concurrency slot failed; waiting runs look again later");
  }
}
