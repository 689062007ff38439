import { AppError, badRequest, notFound } from "@trellis/config/errors";
import { sharedPlanCache, type PlanCache } from "../embedded/plan-cache";
import { readJournal } from "../records/journal";
import { createRun, type CreatedRun } from "../records/runs";
import type { RunRecord, TriggerKind } from "../records/run-record";
import { noticesSql, parseNotices } from "../records/run-events";
import { publishRunEvents } from "../bus/publish";
import { statement, toSql, type Sql, type Db } from "../sql/sql-client";
import { dispatchNewInngestRuns } from "./inngest-bridge";
import { differingUpstreamNodes, reusableSteps, upstreamNodes, type ReusedSteps } from "./retry-from-node";
import { assertFinished, getRunOrThrow, type RunRef } from "./run-loader";

/**
 * Marks the run a retry or replay started from: a timeline entry naming the
 * new run, and, if it was dead-lettered, off the dead-letter list.
 */
const markRetriedStatement = statement(
  "mark_run_retried",
  `WITH changed AS (
     UPDATE runs SET dismissed_at = CASE WHEN dead_lettered_at IS NOT NULL THEN coalesce(dismissed_at, now()) ELSE dismissed_at END,
       updated_at = now()
     WHERE id = $1
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT id, workspace_id, $2, jsonb_build_object('newRunId', $3::text) FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT ${noticesSql("inserted")} AS notices`,
);

export async function markRetried(sql: Sql, runId: string, type: "run.retried" | "run.replayed", newRunId: string): Promise<void> {
  const [row] = await sql.query<{ notices: unknown }>(markRetriedStatement, [runId, type, newRunId]);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
}

/** Starts a finished run again from the beginning: same version and input, attempt + 1. */
export async function rerunWhole(sql: Sql, run: RunRecord, triggerKind: Extract<TriggerKind, "retry" | "replay">): Promise<CreatedRun> {
  // On the configured driver (createRun's default): a retry of a run made before Inngest was configured runs on Inngest.
  const created = await sql.transaction(async (tx) => {
    const created = await createRun(tx, {
      workspaceId: run.workspaceId,
      workflowId: run.workflowId,
      versionId: run.versionId,
      triggerKind,
      input: run.input,
      priority: run.priority,
      attempt: run.attempt + 1,
      queuedEventData: { [triggerKind === "retry" ? "retryOf" : "replayOf"]: run.id },
    });
    await markRetried(tx, run.id, triggerKind === "retry" ? "run.retried" : "run.replayed", created.run.id);
    return created;
  });
  await dispatchNewInngestRuns(sql, [created]);
  return created;
}

/** Retries a finished run as a whole: a new run of the same version and input. CONFLICT while it is in progress. */
export async function retryRun(db: Db, ref: RunRef): Promise<CreatedRun> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  assertFinished(run, "be retried");
  return rerunWhole(sql, run, "retry");
}

export interface RetryFromNodeInput extends RunRef {
  nodeId: string;
  /** The run's own version (default), or the workflow's latest, which is allowed only if the nodes upstream are unchanged. */
  version?: "original" | "latest";
  planCache?: PlanCache;
}

/** What a retry from a node would do. */
export interface RetryFromNodePreview {
  runId: string;
  nodeId: string;
  /** The version the new run would be pinned to. */
  versionId: string;
  /** Nodes that will run (again): the node, everything downstream of it and every branch not upstream of it. */
  rerun: string[];
  /** Upstream nodes whose journaled results the new run reuses, with their step ids. */
  reused: ReusedSteps[];
  /** Upstream nodes that differ in the chosen version; a retry is refused unless this is empty. */
  differingNodes: string[];
}

const selectLatestVersion = statement(
  "select_latest_version",
  `SELECT latest_version_id FROM workflows WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
);

async function plan(sql: Sql, input: RetryFromNodeInput) {
  const run = await getRunOrThrow(sql, input);
  assertFinished(run, "be retried");
  const cache = input.planCache ?? sharedPlanCache();
  const original = await cache.get(sql, run.versionId);
  const node = original.plan.nodes[input.nodeId];
  if (!node) throw notFound(`Node "${input.nodeId}" of this run's workflow version`);
  if (node.role === "compensation") throw badRequest(`"${input.nodeId}" is a compensation node; it runs only when a run fails`);
  let versionId = run.versionId;
  if (input.version === "latest") {
    const [row] = await sql.query<{ latest_version_id: string | null }>(selectLatestVersion, [run.workflowId, run.workspaceId]);
    if (!row?.latest_version_id) throw new AppError("CONFLICT", "The workflow has no published version to retry on");
    versionId = row.latest_version_id;
  }
  const target = versionId === run.versionId ? original : await cache.get(sql, versionId);
  const upstream = upstreamNodes(original.plan, input.nodeId);
  const journal = await readJournal(sql, run.id);
  const preview: RetryFromNodePreview = {
    runId: run.id,
    nodeId: input.nodeId,
    versionId,
    rerun: target.plan.order.filter((id) => !upstream.has(id)),
    reused: reusableSteps(journal, upstream),
    differingNodes: versionId === run.versionId ? [] : differingUpstreamNodes(original.plan, target.plan, input.nodeId),
  };
  return { run, preview, journal };
}

/** Lists what `retryFromNode` would re-run and reuse (and, for the latest version, which upstream nodes block it). */
export async function previewRetryFromNode(db: Db, input: RetryFromNodeInput): Promise<RetryFromNodePreview> {
  return (await plan(toSql(db), input)).preview;
}

/**
 * Retries a finished run from one node: a new run (origin: this run's origin,
 * so re-executed steps send the same idempotency keys downstream) that starts
 * with the journaled results of every node upstream of it, so only the node
 * and what follows run again. On the latest version only when the upstream
 * nodes are unchanged; otherwise CONFLICT naming them.
 */
export async function retryFromNode(db: Db, input: RetryFromNodeInput): Promise<CreatedRun> {
  const sql = toSql(db);
  const { run, preview, journal } = await plan(sql, input);
  if (preview.differingNodes.length > 0) {
    throw new AppError(
      "CONFLICT",
      `Cannot retry from "${input.nodeId}" on the latest version: nodes upstream of it changed (${preview.differingNodes.join(", ")}). Retry on the run's own version instead.`,
      { fieldErrors: { version: [`Upstream nodes differ: ${preview.differingNodes.join(", ")}`] } },
    );
  }
  const seedSteps = preview.reused.flatMap(({ stepIds }) =>
    stepIds.map((stepId) => {
      const entry = journal.get(stepId);
      return { stepId, status: entry?.status ?? "succeeded", output: entry?.output ?? null, error: entry?.error ?? null };
    }),
  );
  const created = await sql.transaction(async (tx) => {
    const created = await createRun(tx, {
      workspaceId: run.workspaceId,
      workflowId: run.workflowId,
      versionId: preview.versionId,
      triggerKind: "retry",
      input: run.input,
      priority: run.priority,
      attempt: run.attempt + 1,
      originRunId: run.originRunId ?? run.id,
      restartFromNodeId: input.nodeId,
      seedSteps,
      queuedEventData: { retryOf: run.id, fromNodeId: input.nodeId, reusedNodes: preview.reused.map((r) => r.nodeId) },
    });
    await markRetried(tx, run.id, "run.retried", created.run.id);
    return created;
  });
  await dispatchNewInngestRuns(sql, [created]);
  return created;
}
