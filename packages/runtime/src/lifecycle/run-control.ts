import { AppError } from "@trellis/config/errors";
import { publishRunControl, publishRunEvents, publishRunsQueued } from "../bus/publish";
import { finishRun } from "../records/runs";
import { isFinished, PARKED_STATUSES, type RunRecord, type RunStatus } from "../records/run-record";
import { noticesSql, parseNotices } from "../records/run-events";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";
import { tellInngestOfCancel, tellInngestOfResume } from "./inngest-bridge";
import { getRunOrThrow, type RunRef } from "./run-loader";

// A run changes status under a service's feet (a worker claims or parks it): re-read and decide again, a few times.
const MAX_ATTEMPTS = 5;

/**
 * Asks the worker holding a running run to cancel or pause it at its next
 * step boundary, and tells that worker (in this process or through NOTIFY).
 */
const requestStopStatement = statement(
  "request_run_stop",
  `WITH changed AS (
     UPDATE runs SET updated_at = now(),
       cancel_requested_at = CASE WHEN $2 = 'cancel' THEN coalesce(cancel_requested_at, now()) ELSE cancel_requested_at END,
       pause_requested_at = CASE WHEN $2 = 'pause' THEN coalesce(pause_requested_at, now()) ELSE pause_requested_at END
     WHERE id = $1 AND status = 'running'
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type)
     SELECT id, workspace_id, CASE WHEN $2 = 'cancel' THEN 'run.cancel_requested' ELSE 'run.pause_requested' END FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, ${noticesSql("inserted")} AS notices`,
);

/** Pauses a run no worker holds; its wake-up time stays for when it resumes. */
const pauseParkedStatement = statement(
  "pause_parked_run",
  `WITH changed AS (
     UPDATE runs SET status = 'paused', pause_requested_at = coalesce(pause_requested_at, now()), updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'sleeping', 'waiting')
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type) SELECT id, workspace_id, 'run.paused' FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, ${noticesSql("inserted")} AS notices`,
);

/** Resumes a paused run (queues it) or withdraws a pause a running run has not reached yet. */
const resumeStatement = statement(
  "resume_run",
  `WITH changed AS (
     UPDATE runs SET status = CASE WHEN status = 'paused' THEN 'queued'::run_status ELSE status END,
       wake_at = CASE WHEN status = 'paused' THEN NULL ELSE wake_at END,
       pause_requested_at = NULL, updated_at = now()
     WHERE id = $1 AND (status = 'paused' OR (status = 'running' AND pause_requested_at IS NOT NULL))
     RETURNING id, workspace_id, status, driver
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type) SELECT id, workspace_id, 'run.resume_requested' FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, (SELECT status FROM changed) AS status, ${noticesSql("inserted")} AS notices`,
);

const unfinishedDescendants = statement(
  "unfinished_descendants",
  `WITH RECURSIVE tree AS (
     SELECT id, status, 1 AS depth FROM runs WHERE parent_run_id = $1 AND workspace_id = $2
     UNION ALL
     SELECT r.id, r.status, tree.depth + 1 FROM runs r JOIN tree ON r.parent_run_id = tree.id WHERE tree.depth < 20
   )
   SELECT id FROM tree WHERE status NOT IN ('succeeded', 'failed', 'cancelled')`,
);

const deleteStatement = statement(
  "delete_finished_run",
  `DELETE FROM runs WHERE id = $1 AND workspace_id = $2 AND status IN ('succeeded', 'failed', 'cancelled') RETURNING id`,
);

async function runStatement(sql: Sql, st: typeof requestStopStatement, params: unknown[]): Promise<{ changed: boolean; status: RunStatus | null }> {
  const [row] = await sql.query<{ changed: unknown; status?: RunStatus | null; notices: unknown }>(st, params);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
  return { changed: Number(row?.changed ?? 0) > 0, status: row?.status ?? null };
}

async function cancelOne(sql: Sql, ref: RunRef): Promise<RunRecord> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const run = await getRunOrThrow(sql, ref);
    if (isFinished(run.status)) throw new AppError("CONFLICT", `The run already ${run.status === "cancelled" ? "was cancelled" : run.status}; there is nothing to cancel`);
    if (run.status === "running") {
      const { changed } = await runStatement(sql, requestStopStatement, [run.id, "cancel"]);
      if (changed) {
        sql.afterCommit(() => publishRunControl(sql, [run.id]));
        return getRunOrThrow(sql, ref);
      }
    } else {
      const { finished } = await finishRun(sql, { runId: run.id, status: "cancelled", onlyFrom: PARKED_STATUSES, data: { requested: true } });
      if (finished) return getRunOrThrow(sql, ref);
    }
  }
  throw new AppError("CONFLICT", "The run kept changing state; try again");
}

/**
 * Cancels a run and its unfinished child runs. A run no worker holds ends at
 * once; a running one is asked to stop at its next step boundary (in-flight
 * node work is aborted) and ends as cancelled shortly after. CONFLICT for a
 * finished run.
 */
export async function cancelRun(db: Db, ref: RunRef): Promise<RunRecord> {
  const sql = toSql(db);
  const run = await cancelOne(sql, ref);
  const children = await sql.query<{ id: string }>(unfinishedDescendants, [run.id, run.workspaceId]);
  for (const child of children) {
    await cancelOne(sql, { workspaceId: run.workspaceId, runId: child.id }).catch((error: unknown) => {
      // A child that finished in the meantime needs no cancelling.
      if (!(error instanceof AppError && error.code === "CONFLICT")) throw error;
    });
  }
  // Runs on the Inngest driver end at once (no worker holds them) and their function runs are cancelled.
  if (await tellInngestOfCancel(sql, [run.id, ...children.map((child) => child.id)])) return getRunOrThrow(sql, ref);
  return run;
}

/**
 * Pauses a run: one no worker holds is paused at once; a running one pauses
 * at its next step boundary (steps in flight finish and are journaled).
 * Pausing a paused run changes nothing; CONFLICT for a finished run.
 */
export async function pauseRun(db: Db, ref: RunRef): Promise<RunRecord> {
  const sql = toSql(db);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const run = await getRunOrThrow(sql, ref);
    if (isFinished(run.status)) throw new AppError("CONFLICT", `The run already ${run.status}; it cannot be paused`);
    if (run.status === "paused") return run;
    if (run.status === "running") {
      const { changed } = await runStatement(sql, requestStopStatement, [run.id, "pause"]);
      if (changed) {
        sql.afterCommit(() => publishRunControl(sql, [run.id]));
        return getRunOrThrow(sql, ref);
      }
    } else {
      const { changed } = await runStatement(sql, pauseParkedStatement, [run.id]);
      if (changed) return getRunOrThrow(sql, ref);
    }
  }
  throw new AppError("CONFLICT", "The run kept changing state; try again");
}

/** Resumes a paused run (it is queued and replays from its journal). CONFLICT when it is not paused. */
export async function resumeRun(db: Db, ref: RunRef): Promise<RunRecord> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  const { changed, status } = await runStatement(sql, resumeStatement, [run.id]);
  if (!changed) throw new AppError("CONFLICT", `The run is ${run.status}, not paused`);
  if (status === "queued") sql.afterCommit(() => publishRunsQueued(sql));
  // A paused Inngest run waits for its resume event.
  await tellInngestOfResume(sql, run.id);
  return getRunOrThrow(sql, ref);
}

/** Deletes a finished run with its steps and timeline. CONFLICT for a run still in progress. */
export async function deleteRun(db: Db, ref: RunRef): Promise<void> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  const deleted = await sql.query<{ id: string }>(deleteStatement, [run.id, run.workspaceId]);
  if (deleted.length === 0) throw new AppError("CONFLICT", `The run is ${run.status}; cancel it before deleting it`);
}
