import { parseStepId, type Json } from "@trellis/engine";
import type { StepStatus } from "@trellis/db/schema";
import type { RunEventNotice } from "../bus/channels";
import { publishRunEvents } from "../bus/publish";
import { statement, toSql, type Db } from "../sql/sql-client";
import { EVENT_RECORDSET, eventParamRows, noticesSql, parseNotices, type RunEventInput } from "./run-events";

export type { StepStatus };

/** A journal row as replay reads it. `waiting` rows are durable parts still pending (a sleep's until, a wait's event). */
export interface JournalEntry {
  status: StepStatus;
  output: Json | null;
  error: Json | null;
}

/** A row to write into the journal (`run_steps`). */
export interface JournalStepInput {
  runId: string;
  stepId: string;
  status: StepStatus;
  /** Defaults to the node id parsed from the step id. */
  nodeId?: string | null;
  attempt?: number;
  /** The exact value the step returned: what a replay gets back. */
  output?: Json | null;
  error?: Json | null;
  startedAt?: Date | number;
  finishedAt?: Date | number | null;
  durationMs?: number | null;
}

interface StepParamRow {
  r: string;
  s: string;
  n: string | null;
  st: StepStatus;
  a: number;
  o: Json | null;
  e: Json | null;
  t0: string | null;
  t1: string | null;
  d: number | null;
}

/** ISO 8601 with the microseconds a fractional millisecond carries (see the engine's step clock). */
function iso(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  const ms = Math.floor(value);
  const micros = Math.round((value - ms) * 1000);
  const text = new Date(ms).toISOString();
  return micros > 0 && micros < 1000 ? `${text.slice(0, -1)}${String(micros).padStart(3, "0")}Z` : text;
}

export function stepParamRows(steps: readonly JournalStepInput[]): StepParamRow[] {
  return steps.map((step) => {
    const parsed = step.nodeId === undefined || step.attempt === undefined ? parseStepId(step.stepId) : null;
    return {
      r: step.runId,
      s: step.stepId,
      n: step.nodeId === undefined ? (parsed?.nodeId ?? null) : step.nodeId,
      st: step.status,
      a: step.attempt ?? parsed?.attempt ?? 1,
      o: step.output ?? null,
      e: step.error ?? null,
      t0: iso(step.startedAt),
      t1: iso(step.finishedAt),
      d: step.durationMs === undefined || step.durationMs === null ? null : Math.max(0, Math.round(step.durationMs)),
    };
  });
}

/** SQL reading step rows from a `jsonb` parameter. */
export const STEP_RECORDSET = `jsonb_to_recordset($STEPS::jsonb) AS s(r uuid, s text, n text, st step_status, a int, o jsonb, e jsonb, t0 timestamptz, t1 timestamptz, d int)`;

/** Column list and values of a run_steps insert from STEP_RECORDSET joined to a CTE `target` with workspace_id. */
export const STEP_INSERT_COLUMNS = "(run_id, workspace_id, step_id, node_id, status, attempt, output, error, started_at, finished_at, duration_ms)";
export function stepInsertValues(target: string): string {
  return `s.r, ${target}.workspace_id, s.s, s.n, s.st, s.a, s.o, s.e, coalesce(s.t0, now()),
    CASE WHEN s.st = 'waiting' THEN NULL ELSE coalesce(s.t1, now()) END,
    CASE WHEN s.st = 'waiting' THEN NULL ELSE coalesce(s.d, (extract(epoch FROM coalesce(s.t1, now()) - coalesce(s.t0, now())) * 1000)::int) END`;
}

/**
 * Journals steps and appends events in one statement. With `$1` (a lease
 * owner) the write is fenced: only runs whose lease that owner still holds are
 * written, and the lock taken on their run rows means a worker reclaiming the
 * run waits for this write (and then sees it) instead of racing it. A row that
 * already holds a completed result is never overwritten; `waiting` rows are
 * completed in place.
 */
const writeJournalStatement = statement(
  "write_journal",
  `WITH leased AS (
     SELECT id, workspace_id, cancel_requested_at IS NOT NULL AS cancel, pause_requested_at IS NOT NULL AS pause
     FROM runs
     WHERE id = ANY($4::uuid[]) AND ($1::text IS NULL OR (lease_owner = $1 AND status = 'running')) AND status NOT IN ('succeeded', 'failed', 'cancelled')
     -- Every statement locking several runs takes them in id order, so two never deadlock.
     ORDER BY id
     FOR SHARE
   ), written AS (
     INSERT INTO run_steps AS rs ${STEP_INSERT_COLUMNS}
     SELECT ${stepInsertValues("leased")}
     FROM ${STEP_RECORDSET.replace("$STEPS", "$2")} JOIN leased ON leased.id = s.r
     ON CONFLICT (run_id, step_id) DO UPDATE SET
       status = excluded.status, attempt = excluded.attempt, output = excluded.output, error = excluded.error,
       finished_at = excluded.finished_at,
       duration_ms = CASE WHEN excluded.status = 'waiting' THEN NULL
         ELSE (extract(epoch FROM coalesce(excluded.finished_at, now()) - rs.started_at) * 1000)::int END
     WHERE rs.status = 'waiting'
     RETURNING rs.run_id, rs.step_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT e.r, leased.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now())
     FROM ${EVENT_RECORDSET.replace("$EVENTS", "$3")} JOIN leased ON leased.id = e.r
     ORDER BY e.i
     RETURNING id, run_id, workspace_id, type
   )
   SELECT
     coalesce((SELECT json_agg(json_build_array(id, cancel, pause)) FROM leased), '[]'::json) AS leased,
     coalesce((SELECT json_agg(json_build_array(run_id, step_id)) FROM written), '[]'::json) AS written,
     ${noticesSql("inserted")} AS notices`,
);

const readCompletedSteps = statement(
  "read_completed_steps",
  `SELECT run_id, step_id, status, output, error FROM run_steps
   WHERE run_id = ANY($1::uuid[]) AND step_id = ANY($2::text[]) AND status <> 'waiting'`,
);

/** What the database said about one run of a journal write. */
export interface LeaseState {
  /** False when the write was fenced off: the lease is gone (expired and reclaimed, or the run finished). */
  leased: boolean;
  cancelRequested: boolean;
  pauseRequested: boolean;
}

export type StepWriteResult =
  | { written: true }
  /** The step already had a completed result (another execution won): use `existing`. */
  | { written: false; existing: JournalEntry | null };

export interface JournalWriteResult {
  runs: Map<string, LeaseState>;
  /** In the order of the steps written. */
  steps: StepWriteResult[];
  notices: RunEventNotice[];
}

export interface JournalWrite {
  steps?: readonly JournalStepInput[];
  events?: readonly RunEventInput[];
  /** Fence the write to runs this lease owner holds (the embedded driver); omit for drivers without leases. */
  leaseOwner?: string | null;
}

const key = (runId: string, stepId: string) => `${runId}\u0000${stepId}`;

/**
 * Journals completed (or pending) steps and appends timeline events, in one
 * round trip, and announces the events once committed. Each step's result
 * says whether this write stored it or which result was stored before.
 */
export async function writeJournal(db: Db, write: JournalWrite): Promise<JournalWriteResult> {
  const sql = toSql(db);
  const steps = write.steps ?? [];
  const events = write.events ?? [];
  const runIds = [...new Set([...steps.map((s) => s.runId), ...events.map((e) => e.runId)])];
  if (runIds.length === 0) return { runs: new Map(), steps: [], notices: [] };
  const [row] = await sql.query<{ leased: unknown; written: unknown; notices: unknown }>(writeJournalStatement, [
    write.leaseOwner ?? null,
    JSON.stringify(stepParamRows(steps)),
    JSON.stringify(eventParamRows(events)),
    runIds,
  ]);
  const runs = new Map<string, LeaseState>();
  for (const runId of runIds) runs.set(runId, { leased: false, cancelRequested: false, pauseRequested: false });
  for (const [id, cancel, pause] of (row?.leased ?? []) as [string, boolean, boolean][]) {
    runs.set(id, { leased: true, cancelRequested: cancel, pauseRequested: pause });
  }
  const written = new Set(((row?.written ?? []) as [string, string][]).map(([runId, stepId]) => key(runId, stepId)));
  const missing = steps.filter((s) => runs.get(s.runId)?.leased && !written.has(key(s.runId, s.stepId)));
  const existing = new Map<string, JournalEntry>();
  if (missing.length > 0) {
    const rows = await sql.query<{ run_id: string; step_id: string; status: StepStatus; output: Json | null; error: Json | null }>(
      readCompletedSteps,
      [[...new Set(missing.map((s) => s.runId))], missing.map((s) => s.stepId)],
    );
    for (const r of rows) existing.set(key(r.run_id, r.step_id), { status: r.status, output: r.output ?? null, error: r.error ?? null });
  }
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
  return {
    runs,
    steps: steps.map((s) =>
      written.has(key(s.runId, s.stepId)) ? { written: true } : { written: false, existing: existing.get(key(s.runId, s.stepId)) ?? null },
    ),
    notices,
  };
}

const readJournalStatement = statement(
  "read_journal",
  `SELECT step_id, status, output, error FROM run_steps WHERE run_id = $1`,
);

/** A run's whole journal by step id. */
export async function readJournal(db: Db, runId: string): Promise<Map<string, JournalEntry>> {
  const rows = await toSql(db).query<{ step_id: string; status: StepStatus; output: Json | null; error: Json | null }>(readJournalStatement, [runId]);
  return new Map(rows.map((r) => [r.step_id, { status: r.status, output: r.output ?? null, error: r.error ?? null }]));
}

/**
 * The journal row for a value a step function returned. Node steps return the
 * engine's envelope (`{ ok, output | error, startedAt, durationMs }`): its
 * failure becomes the row's status and error, its timing the row's; the row's
 * output is the whole value, which is what a replay must return.
 */
export function journalRowForStepResult(runId: string, stepId: string, value: Json, now = Date.now()): JournalStepInput {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && typeof value.ok === "boolean") {
    const startedAt = typeof value.startedAt === "number" ? value.startedAt : now;
    const durationMs = typeof value.durationMs === "number" ? value.durationMs : 0;
    return {
      runId,
      stepId,
      status: value.ok ? "succeeded" : "failed",
      output: value,
      error: value.ok ? null : (value.error ?? null),
      startedAt,
      finishedAt: startedAt + durationMs,
      durationMs,
    };
  }
  return { runId, stepId, status: "succeeded", output: value, startedAt: now, finishedAt: now, durationMs: 0 };
}
