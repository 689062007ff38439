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
import { finishRun, findRun } from "../records/runs";
import type { Sql } from "../sql/sql-client";
import { INNGEST_DRIVER, type RunRequestedData } from "./events";
import { markRunning, readControl, setExternalRunId, withDatabaseRetries } from "./run-records";
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

/** The run as the `$start` step found it; memoized, so every replay executes the same run. */
type StartMemo =
  | { kind: "skip"; status: RunStatus | "missing" }
  | {
      kind: "run";
      versionId: string;
      workflowId: string;
      input: Json;
      attempt: number;
      priority: number;
      originRunId: string | null;
      startedAt: string;
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
      await markRunning(tx, run.id, { driver: INNGEST_DRIVER, inngestRunId });
      const { control } = await readControl(tx, run.id);
      const started = await findRun(tx, data.workspaceId, data.runId);
      return {
        r: {
          kind: "run",
          versionId: run.versionId,
          workflowId: run.workflowId,
          input: run.input,
          attempt: run.attempt,
          priority: run.priority,
          originRunId: run.originRunId,
          // A run paused before it started has no start time yet; its deadline counts from now.
          startedAt: (started?.startedAt ?? new Date()).toISOString(),
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
  });
  tools.absorb("$start", start);

  let result: RunResult | null = null;
  let failure: unknown = null;
  try {
    const compiled = await withDatabaseRetries(() => env.planCache.get(sql, run.versionId));
    // Secrets are resolved by every execution and never cross a step boundary, so Inngest never stores them.
    const extras = env.resolveContext
      ? await env.resolveContext({ runId: data.runId, workspaceId: data.workspaceId, workflowId: run.workflowId })
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
  return steps.run("$finish", () => finishStep(data.runId, data.workspaceId, tools, result, failure));
}
