import { approvalEventName, isJsonObject, type Json, type JsonObject } from "@trellis/engine";
import { AppError, badRequest, forbidden } from "@trellis/config/errors";
import { publishRunControl, publishRunEvents, publishRunsQueued } from "../bus/publish";
import { noticesSql, parseNotices } from "../records/run-events";
import { statement, toSql, type Db } from "../sql/sql-client";
import { toDate } from "../sql/values";
import { tellInngestOfEvent } from "./inngest-bridge";
import { isUuid, getRunOrThrow, type RunRef } from "./run-loader";

const MATCHING_WAITERS = `w.workspace_id = $1 AND w.event = $2 AND w.resolved_at IS NULL AND w.expires_at > now()
  AND (w.match IS NULL OR $3::jsonb @> w.match) AND ($4::uuid IS NULL OR w.run_id = $4)`;

/** Locks the runs an event will resume, in id order (as every multi-run statement does), before anything else. */
const lockWaitingRuns = statement(
  "lock_waiting_runs",
  `SELECT r.id FROM runs r WHERE r.id IN (SELECT w.run_id FROM event_waiters w WHERE ${MATCHING_WAITERS}) ORDER BY r.id FOR UPDATE`,
);

/**
 * Resolves the matching waits (jsonb containment, as the engine's
 * `containsJson`), journals the payload as each wait step's result, queues
 * the parked runs and tells the workers holding running ones. Touching every
 * matched run row — even one still running — is what lets a run parking
 * concurrently see the event (see ARCHITECTURE.md).
 */
const deliverStatement = statement(
  "deliver_event",
  `WITH hit AS (
     UPDATE event_waiters w SET resolved_at = now(), payload = $3::jsonb
     WHERE ${MATCHING_WAITERS}
     RETURNING w.run_id, w.step_id, w.workspace_id
   ), journaled AS (
     INSERT INTO run_steps AS rs (run_id, workspace_id, step_id, node_id, status, output, finished_at, duration_ms)
     SELECT run_id, workspace_id, step_id, substring(step_id FROM '^[A-Za-z0-9_-]+'), 'succeeded', $3::jsonb, now(), 0 FROM hit
     ON CONFLICT (run_id, step_id) DO UPDATE SET status = 'succeeded', output = excluded.output, finished_at = now(),
       duration_ms = (extract(epoch FROM now() - rs.started_at) * 1000)::int
     WHERE rs.status = 'waiting'
     RETURNING rs.run_id, rs.step_id
   ), touched AS (
     UPDATE runs r SET status = CASE WHEN r.status = 'waiting' THEN 'queued'::run_status ELSE r.status END,
       wake_at = CASE WHEN r.status = 'waiting' THEN NULL ELSE r.wake_at END, updated_at = now()
     WHERE r.id IN (SELECT run_id FROM journaled)
     RETURNING r.id, r.status
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data)
     SELECT h.run_id, h.workspace_id, 'run.event_received', substring(h.step_id FROM '^[A-Za-z0-9_-]+'), h.step_id, jsonb_build_object('event', $2::text)
     FROM hit h JOIN journaled j ON j.run_id = h.run_id AND j.step_id = h.step_id
     RETURNING id, run_id, workspace_id, type
   )
   SELECT coalesce((SELECT json_agg(json_build_array(id, status)) FROM touched), '[]'::json) AS runs,
     ${noticesSql("inserted")} AS notices`,
);

export interface SendEventInput {
  workspaceId: string;
  /** The event name a `wait.event` node (or `approval:<step>`) waits for. */
  name: string;
  payload: Json;
  /** Only this run's waits (approvals); any run of the workspace by default. */
  runId?: string;
}

export interface SentEvent {
  /** Waiting runs the event resumed (a run waiting twice counts once). */
  runIds: string[];
}

/**
 * Delivers an event to the runs of the workspace waiting for it whose `match`
 * the payload contains (PostgreSQL `@>`). Like Inngest's `waitForEvent`, an
 * event nobody waits for is not kept for later waits.
 */
export async function sendEvent(db: Db, input: SendEventInput): Promise<SentEvent> {
  if (input.name.length === 0 || input.name.length > 200) throw badRequest("The event name must have 1 to 200 characters");
  if (!isUuid(input.workspaceId) || (input.runId !== undefined && !isUuid(input.runId))) return { runIds: [] };
  const sql = toSql(db);
  const params = [input.workspaceId, input.name, JSON.stringify(input.payload ?? null), input.runId ?? null];
  const row = await sql.transaction(async (tx) => {
    await tx.query(lockWaitingRuns, params);
    const [delivered] = await tx.query<{ runs: unknown; notices: unknown }>(deliverStatement, params);
    return delivered;
  });
  const runs = (row?.runs ?? []) as [string, string][];
  publishRunEvents(sql, parseNotices(row?.notices));
  if (runs.some(([, status]) => status === "queued")) publishRunsQueued(sql);
  publishRunControl(
    sql,
    runs.filter(([, status]) => status === "running").map(([id]) => id),
  );
  const sent: SentEvent = { runIds: runs.map(([id]) => id) };
  // Inngest runs' waits are `step.waitForEvent`: the event itself makes their functions go on.
  await tellInngestOfEvent(sql, input, sent);
  return sent;
}

const openApprovals = statement(
  "open_approvals",
  `SELECT w.step_id, w.event, w.expires_at, s.output AS request
   FROM event_waiters w
   LEFT JOIN run_steps s ON s.run_id = w.run_id AND s.step_id = substring(w.step_id FROM '^(.*):wait$')
   WHERE w.run_id = $1 AND w.workspace_id = $2 AND w.event LIKE 'approval:%' AND w.resolved_at IS NULL AND w.expires_at > now()
   ORDER BY w.created_at`,
);

/** An approval a run waits for, with what the approval node asked. */
export interface PendingApproval {
  /** The approval's base step id (`review`, `review[3]`): what `decideApproval` takes. */
  stepId: string;
  title: string;
  instructions: string | null;
  approvers: string[];
  expiresAt: Date;
}

function approvalRequest(output: Json | null): JsonObject {
  // The approval step's journaled envelope: `{ ok, output: { title, instructions, approvers, … } }`.
  const inner = isJsonObject(output) ? output.output : null;
  return isJsonObject(inner) ? inner : {};
}

/** The approvals a run is waiting for. */
export async function listPendingApprovals(db: Db, ref: RunRef): Promise<PendingApproval[]> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, ref);
  const rows = await sql.query<{ step_id: string; event: string; expires_at: unknown; request: Json | null }>(openApprovals, [run.id, run.workspaceId]);
  return rows.map((row) => {
    const request = approvalRequest(row.request);
    return {
      stepId: row.event.slice("approval:".length),
      title: typeof request.title === "string" ? request.title : "Approval required",
      instructions: typeof request.instructions === "string" ? request.instructions : null,
      approvers: Array.isArray(request.approvers) ? request.approvers.filter((a): a is string => typeof a === "string") : [],
      expiresAt: toDate(row.expires_at),
    };
  });
}

export interface DecideApprovalInput extends RunRef {
  /** The approval's base step id, as `listPendingApprovals` gives it. */
  stepId: string;
  decision: "approved" | "rejected";
  /** Who decides (user id or email); must be one of the approvers when the node lists any. */
  by?: string;
  comment?: string;
}

/**
 * Approves or rejects an approval a run waits for (the engine's
 * `approval:<step>` event). CONFLICT when no such approval is waiting,
 * FORBIDDEN when the node names approvers and `by` is not one of them.
 */
export async function decideApproval(db: Db, input: DecideApprovalInput): Promise<void> {
  const sql = toSql(db);
  const run = await getRunOrThrow(sql, input);
  const pending = (await listPendingApprovals(sql, input)).find((approval) => approval.stepId === input.stepId);
  if (!pending) throw new AppError("CONFLICT", `No approval is waiting at step "${input.stepId}" of this run`);
  if (pending.approvers.length > 0 && (input.by === undefined || !pending.approvers.includes(input.by))) {
    throw forbidden("Only the approvers this step names may decide it");
  }
  const { runIds } = await sendEvent(sql, {
    workspaceId: run.workspaceId,
    runId: run.id,
    name: approvalEventName(input.stepId),
    payload: {
      runId: run.id,
      decision: input.decision,
      ...(input.by === undefined ? {} : { by: input.by }),
      ...(input.comment === undefined ? {} : { comment: input.comment }),
    },
  });
  if (runIds.length === 0) throw new AppError("CONFLICT", `The approval at step "${input.stepId}" timed out or was decided meanwhile`);
}
