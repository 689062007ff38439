import { randomUUID } from "node:crypto";
import type { Json } from "@trellis/engine";
import { AppError, badRequest, fieldErrorsFromIssues, notFound } from "@trellis/config/errors";
import { ConfigCache } from "../bus/config-cache";
import { sharedPlanCache, VersionCompileError, type CompiledVersion, type PlanCache } from "../embedded/plan-cache";
import type { InlineRun } from "../embedded/inline-execution";
import { findLocalWorker } from "../embedded/local-workers";
import { selectedDriver } from "../inngest/selection";
import { createGuardedRuns, EMBEDDED_DRIVER, type CreatedRun, type GuardedRun, type NewRun, type RunGuard } from "../records/runs";
import type { TriggerKind } from "../records/run-record";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";
import { dispatchNewInngestRuns } from "./inngest-bridge";
import { isUuid } from "./run-loader";

/** Bounds of `priority`: higher runs are claimed first. */
export const PRIORITY_RANGE = { min: -1000, max: 1000 } as const;
/** Most runs one batch start may create. */
export const MAX_BATCH_RUNS = 1000;

export interface StartRunItem {
  input?: Json | null;
  /** Unique per workspace: starting again with the same key returns the run it started. */
  idempotencyKey?: string | null;
  priority?: number;
}

export interface StartRunInput extends StartRunItem {
  workspaceId: string;
  workflowId: string;
  /** A version of the workflow; its latest published version by default. */
  versionId?: string;
  triggerKind?: TriggerKind;
  /**
   * The driver to run on; the configured one (`selectedDriver()`) by default,
   * in which case runs on Inngest are also sent to it once committed.
   */
  driver?: string;
  /** The plan cache to validate with (tests with custom node types pass theirs). */
  planCache?: PlanCache;
  /**
   * The workflow's latest version and concurrency limit as the caller has just
   * read them with the live workflow (webhook ingress does): spares looking
   * them up again. Ignored when `versionId` names a version.
   */
  latest?: { versionId: string; concurrencyLimit: number | null };
}

export interface StartRunsInput extends Omit<StartRunInput, keyof StartRunItem> {
  items: readonly StartRunItem[];
}

const selectVersion = statement(
  "select_run_version",
  `SELECT w.id AS workflow_id, w.workspace_id, v.id AS version_id, w.concurrency_limit
   FROM workflows w
   LEFT JOIN workflow_versions v ON v.workflow_id = w.id AND v.id = coalesce($3::uuid, w.latest_version_id)
   WHERE w.id = $1 AND w.workspace_id = $2 AND w.deleted_at IS NULL`,
);

interface VersionRow {
  workflow_id: string;
  workspace_id: string;
  version_id: string | null;
  concurrency_limit: number | null;
}

/**
 * Workflows' latest version and concurrency limit, the lookup every start of
 * a workflow's latest version makes; a publish, a limit change or a delete
 * announces itself on the configuration channel.
 */
const workflowHeads = new ConfigCache<VersionRow>("workflow-head", {
  affected: (head, change) => change.table === "workflows" && change.id === head.workflow_id,
});

/** The version a run starts on, compiled: NOT_FOUND / CONFLICT when there is none to run. */
export async function versionToRun(
  sql: Sql,
  options: { workspaceId: string; workflowId: string; versionId?: string; planCache?: PlanCache },
): Promise<CompiledVersion & { concurrencyLimit: number | null }> {
  if (!isUuid(options.workflowId) || !isUuid(options.workspaceId)) throw notFound("Workflow");
  if (options.versionId !== undefined && !isUuid(options.versionId)) throw notFound("Workflow version");
  const load = async () => {
    const [row] = await sql.query<VersionRow>(selectVersion, [options.workflowId, options.workspaceId, options.versionId ?? null]);
    return row ?? null;
  };
  // A named version is looked up each time: only the latest is what a workflow's head says.
  const row = options.versionId === undefined ? await workflowHeads.get(sql.scope, options.workflowId, load) : await load();
  if (!row || row.workspace_id !== options.workspaceId) throw notFound("Workflow");
  if (!row.version_id) {
    if (options.versionId) throw notFound("Workflow version");
    throw new AppError("CONFLICT", "The workflow has no published version: publish it before running it");
  }
  return compiledVersion(sql, row.version_id, row.concurrency_limit, options.planCache);
}

async function compiledVersion(
  sql: Sql,
  versionId: string,
  concurrencyLimit: number | null,
  planCache: PlanCache | undefined,
): Promise<CompiledVersion & { concurrencyLimit: number | null }> {
  try {
    const compiled = await (planCache ?? sharedPlanCache()).get(sql, versionId);
    return { ...compiled, concurrencyLimit };
  } catch (error) {
    if (error instanceof VersionCompileError) {
      throw new AppError("UNPROCESSABLE_CONTENT", "This workflow version no longer compiles; publish a corrected version", { cause: error });
    }
    throw error;
  }
}

function checkItem(item: StartRunItem, compiled: CompiledVersion, index: number | null): void {
  const at = index === null ? "" : `items.${index}.`;
  if (item.priority !== undefined && (!Number.isInteger(item.priority) || item.priority < PRIORITY_RANGE.min || item.priority > PRIORITY_RANGE.max)) {
    throw badRequest(`priority must be an integer from ${PRIORITY_RANGE.min} to ${PRIORITY_RANGE.max}`, { [`${at}priority`]: ["Out of range"] });
  }
  if (item.idempotencyKey !== undefined && item.idempotencyKey !== null && (item.idempotencyKey.length === 0 || item.idempotencyKey.length > 255)) {
    throw badRequest("idempotencyKey must have 1 to 255 characters", { [`${at}idempotencyKey`]: ["Use 1 to 255 characters"] });
  }
  const issues = compiled.validateInput(item.input ?? null);
  if (issues) {
    const fieldErrors = fieldErrorsFromIssues(issues.map((issue) => ({ path: [...`${at}input`.split("."), ...issue.path], message: issue.message })));
    throw new AppError("UNPROCESSABLE_CONTENT", "The input does not match the trigger's input schema", { fieldErrors });
  }
}

/**
 * Starts runs of a workflow's version (its latest by default): validates each
 * input against the trigger's input schema, creates the queued runs in one
 * statement and wakes a worker. Runs whose idempotency key was used before
 * come back as the runs that key started (`created: false`).
 */
export async function startRuns(db: Db, input: StartRunsInput): Promise<CreatedRun[]> {
  const launched = await launchRuns(db, await prepareRunStarts(db, input));
  return launched.map((run) => run.created as CreatedRun);
}

/** A run start checked and ready to launch: its version compiled, its input valid. */
export interface PreparedStart {
  run: NewRun;
  /** An idle worker of this process may take it as it is created (embedded, no concurrency limit to count). */
  adoptable: boolean;
  /** Runs on the configured Inngest driver: sent there once committed. */
  dispatch: boolean;
  /** Executed to success already (`executeBeforeCreating`): created finished. */
  inline?: InlineRun;
}

/**
 * Has an idle worker of this process execute an adoptable run before it is
 * created, when every node of its version is pure (see
 * embedded/inline-execution.ts): `launchRuns` then creates it finished, its
 * journal, timeline and notifications in the same statement, one commit for
 * the whole run. Otherwise (or when no worker has a free slot) the start is
 * returned as it was and the run executes the usual way.
 */
export async function executeBeforeCreating(db: Db, start: PreparedStart): Promise<PreparedStart> {
  if (!start.adoptable || start.inline) return start;
  const sql = toSql(db);
  const local = findLocalWorker(sql.scope);
  if (!local) return start;
  const { run } = start;
  const id = run.id ?? randomUUID();
  const inline = await local.executeInline({ id, workspaceId: run.workspaceId, workflowId: run.workflowId, versionId: run.versionId, input: run.input ?? null });
  return inline ? { ...start, run: { ...run, id }, inline } : start;
}

/**
 * The first half of `startRuns`: resolves the version and validates every
 * item (NOT_FOUND, CONFLICT, BAD_REQUEST, UNPROCESSABLE_CONTENT as
 * `startRuns` throws them), creating nothing. `launchRuns` creates what it
 * returns, possibly together with other workflows' starts.
 */
export async function prepareRunStarts(db: Db, input: StartRunsInput & { runIds?: readonly string[] }): Promise<PreparedStart[]> {
  if (input.items.length === 0) return [];
  if (input.items.length > MAX_BATCH_RUNS) throw badRequest(`Start at most ${MAX_BATCH_RUNS} runs at once`);
  const sql = toSql(db);
  const compiled =
    input.latest && input.versionId === undefined
      ? await compiledVersion(sql, input.latest.versionId, input.latest.concurrencyLimit, input.planCache)
      : await versionToRun(sql, input);
  input.items.forEach((item, i) => checkItem(item, compiled, input.items.length === 1 ? null : i));
  const embedded = (input.driver ?? selectedDriver()) === EMBEDDED_DRIVER;
  return input.items.map((item, i) => ({
    run: {
      id: input.runIds?.[i],
      workspaceId: input.workspaceId,
      workflowId: input.workflowId,
      versionId: compiled.versionId,
      triggerKind: input.triggerKind ?? "manual",
      input: item.input ?? null,
      priority: item.priority ?? 0,
      idempotencyKey: item.idempotencyKey ?? null,
      driver: input.driver,
    },
    // Not for workflows with a concurrency limit, whose room only the claim's locked count may decide.
    adoptable: embedded && compiled.concurrencyLimit === null,
    dispatch: input.driver === undefined && !embedded,
  }));
}

/**
 * Creates prepared runs in one statement, under `guard` when given (see
 * `RunGuard`), and sets them going: an idle worker of this process takes as
 * many as it has free slots for, created already claimed (no claim round
 * trip); the rest are queued and workers woken; runs for Inngest are sent
 * there once committed. One result per start, in order.
 */
export async function launchRuns(db: Db, starts: readonly PreparedStart[], guard?: RunGuard): Promise<GuardedRun[]> {
  if (starts.length === 0) return [];
  const sql = toSql(db);
  const adoptable = (start: PreparedStart) => start.adoptable && !start.inline;
  const local = starts.some(adoptable) ? findLocalWorker(sql.scope) : undefined;
  // Slots are held while the statement runs, so concurrent starts cannot promise the same free slot twice.
  const reserved = local ? local.reserve(starts.filter(adoptable).length) : 0;
  let launched: GuardedRun[];
  try {
    // The worker takes the highest-priority runs (first given among equals); the others wait in the queue.
    const taken = new Set(
      starts
        .map((start, i) => ({ start, i }))
        .filter(({ start }) => adoptable(start))
        .sort((a, b) => (b.start.run.priority ?? 0) - (a.start.run.priority ?? 0) || a.i - b.i)
        .slice(0, reserved)
        .map(({ i }) => i),
    );
    const claimedBy = local ? { leaseOwner: local.leaseOwner, leaseMs: local.leaseMs } : undefined;
    launched = await createGuardedRuns(
      sql,
      starts.map((start, i) => {
        const { inline } = start;
        return inline ? { ...start.run, succeeded: inline, seedSteps: inline.steps } : { ...start.run, claimedBy: taken.has(i) ? claimedBy : undefined };
      }),
      guard,
    );
  } finally {
    local?.release(reserved);
  }
  const adopted = launched.flatMap(({ created }) => (created?.created && created.run.status === "running" && created.run.driver === EMBEDDED_DRIVER ? [created.run] : []));
  if (local && adopted.length > 0) {
    sql.afterCommit(() => {
      for (const run of adopted) {
        local.adopt({
          id: run.id,
          workspaceId: run.workspaceId,
          workflowId: run.workflowId,
          versionId: run.versionId,
          input: run.input,
          attempt: run.attempt,
          priority: run.priority,
          originRunId: run.originRunId,
          startedAt: run.startedAt ?? new Date(),
          resumed: false,
          cancelRequested: false,
          pauseRequested: false,
          journal: new Map(),
          timeline: new Set(),
        });
      }
    });
  }
  launched.forEach(({ created }, i) => {
    if (created && !created.created && created.run.workflowId !== starts[i]?.run.workflowId) {
      throw new AppError("CONFLICT", `The idempotency key "${created.run.idempotencyKey}" was already used for a run of another workflow`);
    }
  });
  // Runs the configured driver put on Inngest (a caller naming a driver dispatches itself, as the Inngest driver does).
  // Inside a caller's transaction this waits for its commit; should the send fail, the outbox sweep sends them.
  const dispatched = launched.flatMap(({ created }, i) => (created && starts[i]?.dispatch ? [created] : []));
  if (dispatched.length > 0) sql.afterCommit(() => void dispatchNewInngestRuns(sql, dispatched));
  return launched;
}

/** Starts one run; see `startRuns`. */
export async function startRun(db: Db, input: StartRunInput): Promise<CreatedRun> {
  const { input: runInput, idempotencyKey, priority, ...rest } = input;
  const [created] = await startRuns(db, { ...rest, items: [{ input: runInput, idempotencyKey, priority }] });
  if (!created) throw new AppError("INTERNAL_SERVER_ERROR", "The run was not created");
  return created;
}
