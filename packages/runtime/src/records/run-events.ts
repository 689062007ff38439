import type { Json, JsonObject, RunEvent as EngineRunEvent } from "@trellis/engine";
import type { RunEventNotice } from "../bus/channels";
import { publishRunEvents } from "../bus/publish";
import { statement, toSql, type Db } from "../sql/sql-client";
import { toDate, toNumber } from "../sql/values";

/**
 * The timeline types of `run_events`. Node events carry the engine's names;
 * run events say what happened to the run as a whole.
 */
export const runEventTypes = [
  "run.queued",
  "run.started",
  "run.resumed",
  "run.sleeping",
  "run.waiting",
  "run.paused",
  "run.pause_requested",
  "run.resume_requested",
  "run.cancel_requested",
  "run.cancelled",
  "run.succeeded",
  "run.failed",
  "run.lease_expired",
  "run.released",
  "run.event_received",
  "run.retried",
  "run.replayed",
  "run.dismissed",
  "node.started",
  "node.completed",
  "node.failed",
  "node.retrying",
  "node.skipped",
  "node.waiting",
  "node.log",
] as const;
export type RunEventType = (typeof runEventTypes)[number];

/** A timeline entry to append; `at` defaults to the database's clock. */
export interface RunEventInput {
  runId: string;
  type: RunEventType;
  nodeId?: string | null;
  stepId?: string | null;
  data?: Json | null;
  at?: Date | number;
}

/** A stored timeline entry. */
export interface RunEventRecord {
  id: number;
  runId: string;
  workspaceId: string;
  type: string;
  nodeId: string | null;
  stepId: string | null;
  data: Json | null;
  createdAt: Date;
}

/** The JSON row shape that `jsonb_to_recordset` reads in the runtime's statements. */
export interface EventParamRow {
  i: number;
  r: string;
  ty: string;
  n: string | null;
  s: string | null;
  d: Json | null;
  at: string | null;
}

export function eventParamRows(events: readonly RunEventInput[]): EventParamRow[] {
  return events.map((event, i) => ({
    i,
    r: event.runId,
    ty: event.type,
    n: event.nodeId ?? null,
    s: event.stepId ?? null,
    d: event.data ?? null,
    at: event.at === undefined ? null : new Date(event.at).toISOString(),
  }));
}

/** SQL reading event rows from a `jsonb` parameter. */
export const EVENT_RECORDSET = `jsonb_to_recordset($EVENTS::jsonb) AS e(i int, r uuid, ty text, n text, s text, d jsonb, at timestamptz)`;

/**
 * The newest event per run among rows a CTE named `from` inserted (id,
 * run_id, workspace_id, type), and whether one of them ended the run, as JSON
 * for `parseNotices`.
 */
export function noticesSql(from: string): string {
  return `coalesce((SELECT json_agg(json_build_array(run_id, workspace_id, id, finished)) FROM (
    SELECT run_id, workspace_id, max(id) AS id, bool_or(type IN ('run.succeeded', 'run.failed', 'run.cancelled')) AS finished
    FROM ${from} GROUP BY run_id, workspace_id) latest), '[]'::json)`;
}

export function parseNotices(value: unknown): RunEventNotice[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry) => {
    const [runId, workspaceId, id, finished] = entry as [string, string, unknown, unknown];
    return finished === true ? { runId, workspaceId, eventId: toNumber(id), finished: true } : { runId, workspaceId, eventId: toNumber(id) };
  });
}

const appendEvents = statement(
  "append_run_events",
  `WITH inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT e.r, runs.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now())
     FROM ${EVENT_RECORDSET.replace("$EVENTS", "$1")} JOIN runs ON runs.id = e.r
     WHERE runs.id = ANY(ARRAY(SELECT (jsonb_array_elements($1::jsonb)->>'r')::uuid))
     ORDER BY e.i
     RETURNING id, run_id, workspace_id, type
   )
   SELECT ${noticesSql("inserted")} AS notices`,
);

/**
 * Appends timeline entries (in the order given) and announces them on the run
 * event bus once committed. Entries of runs that do not exist are dropped.
 */
export async function appendRunEvents(db: Db, events: readonly RunEventInput[]): Promise<RunEventNotice[]> {
  if (events.length === 0) return [];
  const sql = toSql(db);
  const [row] = await sql.query<{ notices: unknown }>(appendEvents, [JSON.stringify(eventParamRows(events))]);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
  return notices;
}

const readEvents = statement(
  "read_run_events",
  `SELECT id, run_id, workspace_id, type, node_id, step_id, data, created_at FROM run_events
   WHERE run_id = $1 AND workspace_id = $2 AND id > $3 ORDER BY id LIMIT $4`,
);

interface EventRow {
  id: unknown;
  run_id: string;
  workspace_id: string;
  type: string;
  node_id: string | null;
  step_id: string | null;
  data: Json | null;
  created_at: unknown;
}

/** A run's timeline after `afterId` (exclusive), oldest first: what a live view fetches on a notice. */
export async function readRunEvents(
  db: Db,
  options: { workspaceId: string; runId: string; afterId?: number; limit?: number },
): Promise<RunEventRecord[]> {
  const rows = await toSql(db).query<EventRow>(readEvents, [options.runId, options.workspaceId, options.afterId ?? 0, options.limit ?? 1000]);
  return rows.map((row) => ({
    id: toNumber(row.id),
    runId: row.run_id,
    workspaceId: row.workspace_id,
    type: row.type,
    nodeId: row.node_id,
    stepId: row.step_id,
    data: row.data,
    createdAt: toDate(row.created_at),
  }));
}

/**
 * The timeline entry an engine event becomes. Deduplicating replayed entries
 * is the driver's business (each knows what its timeline already holds).
 * Outputs stay in the journal (run_steps), not in the timeline.
 */
export function engineEventToRunEvent(runId: string, event: EngineRunEvent): RunEventInput {
  const base = { runId, nodeId: event.nodeId, stepId: event.stepId };
  const tag: JsonObject = event.compensates === undefined ? {} : { compensates: event.compensates };
  switch (event.type) {
    case "node.started":
      return { ...base, type: event.type, at: Date.parse(event.startedAt), data: { attempt: event.attempt, ...tag } };
    case "node.completed":
      return { ...base, type: event.type, data: { attempt: event.attempt, durationMs: event.durationMs, handles: event.handles, ...tag } };
    case "node.failed":
      return {
        ...base,
        type: event.type,
        data: { attempt: event.attempt, durationMs: event.durationMs, error: event.error, willRetry: event.willRetry, continued: event.continued, ...tag },
      };
    case "node.retrying":
      return { ...base, type: event.type, data: { attempt: event.attempt, delayMs: event.delayMs, backoffStepId: event.backoffStepId, ...tag } };
    case "node.skipped":
      return { ...base, type: event.type, data: Object.keys(tag).length > 0 ? tag : null };
    case "node.waiting":
      return { ...base, type: event.type, data: { attempt: event.attempt, kind: event.kind, detail: event.detail, ...tag } };
    case "node.log":
      return { ...base, type: event.type, at: Date.parse(event.at), data: { level: event.level, message: event.message, data: event.data } };
  }
}
