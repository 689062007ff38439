import { AppError, badRequest } from "@trellis/config/errors";
import { publishRunEvents } from "../bus/publish";
import { noticesSql, parseNotices } from "../records/run-events";
import type { CreatedRun } from "../records/runs";
import { runColumns, toRunRecord, type RunRecord, type RunRow } from "../records/run-record";
import { statement, toSql, type Db } from "../sql/sql-client";
import { rerunWhole } from "./retry";
import { getRunOrThrow, isUuid, type RunRef } from "./run-loader";

const listStatement = statement(
  "list_dead_lettered_runs",
  `SELECT ${runColumns("runs")} FROM runs
   WHERE workspace_id = $1 AND dead_lettered_at IS NOT NULL AND dismissed_at IS NULL
     AND ($2::uuid IS NULL OR (dead_lettered_at, id) < (SELECT c.dead_lettered_at, c.id FROM runs c WHERE c.id = $2))
     AND ($4::uuid IS NULL OR workflow_id = $4)
   ORDER BY dead_lettered_at DESC, id DESC
   LIMIT $3`,
);

const dismissStatement = statement(
  "dismiss_dead_lettered_run",
  `WITH changed AS (
     UPDATE runs SET dismissed_at = now(), updated_at = now()
     WHERE id = $1 AND workspace_id = $2 AND dead_lettered_at IS NOT NULL AND dismissed_at IS NULL
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type) SELECT id, workspace_id, 'run.dismissed' FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, ${noticesSql("inserted")} AS notices`,
);

export interface DeadLetterPage {
  items: RunRecord[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Runs that failed after their retries and nobody has replayed or dismissed
 * yet, newest first.
 */
export async function listDeadLetteredRuns(
  db: Db,
  input: { workspaceId: string; workflowId?: string; limit?: number; cursor?: string },
): Promise<DeadLetterPage> {
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw badRequest("limit must be from 1 to 200");
  if (!isUuid(input.workspaceId) || (input.workflowId !== undefined && !isUuid(input.workflowId))) return { items: [], nextCursor: null };
  // The cursor is the last run's id: its own timestamp (to the microsecond) positions the next page.
  if (input.cursor !== undefined && !isUuid(input.cursor)) throw badRequest("Pass the nextCursor of a previous page");
  const rows = await toSql(db).query<RunRow>(listStatement, [input.workspaceId, input.cursor ?? null, limit + 1, input.workflowId ?? null]);
  const items = rows.slice(0, limit).map(toRunRecord);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? last.id : null,
  };
}

function assertDeadLettered(run: RunRecord): void {
  if (!run.deadLetteredAt || run.dismissedAt) throw new AppError("CONFLICT", "The run is not on the dead-letter list");
}

/** Replays a dead-lettered run as a new run (same version and input) and takes it off the list. */
export async function replayDeadLetteredRun(db: Db, ref: RunRef): Promise<CreatedRun> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  assertDeadLettered(run);
  return rerunWhole(sql, run, "replay");
}

/** Takes a dead-lettered run off the list without running it again. */
export async function dismissDeadLetteredRun(db: Db, ref: RunRef): Promise<RunRecord> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  assertDeadLettered(run);
  const [row] = await sql.query<{ changed: unknown; notices: unknown }>(dismissStatement, [run.id, run.workspaceId]);
  if (Number(row?.changed ?? 0) === 0) throw new AppError("CONFLICT", "The run is not on the dead-letter list");
  publishRunEvents(sql, parseNotices(row?.notices));
  return getRunOrThrow(sql, ref);
}
