import type { Json, JsonObject } from "@trellis/engine";
import { publishRunEvents } from "../bus/publish";
import { lockLimitedRoom } from "../embedded/claim";
import { isTransientDatabaseError } from "../embedded/journal-writer";
import { eventParamRows, noticesSql, parseNotices, type RunEventInput } from "../records/run-events";
import type { RunStatus } from "../records/run-record";
import { statement, type Sql } from "../sql/sql-client";
import { INNGEST_DRIVER } from "./events";

// Status changes of runs the Inngest function executes. The embedded driver
// makes the same changes under its lease (claim, park, release); Inngest
// holds no lease, so these statements guard on the run's current status
// instead, and each appends the same timeline entry the embedded driver does.

const FINISHED = `('succeeded', 'failed', 'cancelled')`;

/** What a step learnt about its run when it committed: stop (cancelled or gone) and pause requests. */
export interface RunControl {
  /** `live`: carry on; `cancel`: a cancel was requested; `gone`: finished (or deleted) meanwhile. */
  s: "live" | "cancel" | "gone";
  /** A pause was requested. */
  p: boolean;
}

const selectControl = statement(
  "inngest_run_control",
  `SELECT status, cancel_requested_at IS NOT NULL AS cancel, pause_requested_at IS NOT NULL AS pause FROM runs WHERE id = $1`,
);

export interface ControlRow {
  status: RunStatus | null;
  control: RunControl;
}

export function controlOf(state: { leased: boolean; cancelRequested: boolean; pauseRequested: boolean } | undefined): RunControl {
  if (!state?.leased) return { s: "gone", p: false };
  return { s: state.cancelRequested ? "cancel" : "live", p: state.pauseRequested };
}

export async function readControl(sql: Sql, runId: string): Promise<ControlRow> {
  const [row] = await sql.query<{ status: RunStatus; cancel: boolean; pause: boolean }>(selectControl, [runId]);
  if (!row || ["succeeded", "failed", "cancelled"].includes(row.status)) return { status: row?.status ?? null, control: { s: "gone", p: false } };
  return { status: row.status, control: { s: row.cancel ? "cancel" : "live", p: row.pause } };
}

const lockRunStatement = statement(
  "inngest_lock_run",
  `SELECT status, cancel_requested_at IS NOT NULL AS cancel, pause_requested_at IS NOT NULL AS pause FROM runs WHERE id = $1 FOR UPDATE`,
);

/**
 * Locks the run row for the rest of the transaction and reads its control
 * state. Every step commit takes this lock first, so the commits of a run's
 * parallel steps (separate Inngest requests) follow one another and each sees
 * the timeline entries the previous one wrote.
 */
export async function lockRun(sql: Sql, runId: string): Promise<ControlRow> {
  const [row] = await sql.query<{ status: RunStatus; cancel: boolean; pause: boolean }>(lockRunStatement, [runId]);
  if (!row || ["succeeded", "failed", "cancelled"].includes(row.status)) return { status: row?.status ?? null, control: { s: "gone", p: false } };
  return { status: row.status, control: { s: row.cancel ? "cancel" : "live", p: row.pause } };
}

/**
 * Appends timeline entries in order. Entries marked `once` are the ones the
 * engine emits again whenever a replay passes them (completions, skips,
 * retries, waits): two parallel steps replaying past the same node both hold
 * its entry, and only the first to commit writes it. Call under `lockRun`.
 */
const appendOnceStatement = statement(
  "inngest_append_events_once",
  `WITH input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(i int, r uuid, ty text, n text, s text, d jsonb, at timestamptz, once boolean)
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT e.r, runs.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now())
     FROM input e JOIN runs ON runs.id = e.r AND runs.status NOT IN ${FINISHED}
     WHERE NOT e.once OR NOT EXISTS (
       SELECT 1 FROM run_events x
       WHERE x.run_id = e.r AND x.type = e.ty AND x.step_id = e.s
         AND coalesce(x.data->>'backoffStepId', '') = coalesce(e.d->>'backoffStepId', ''))
     ORDER BY e.i
     RETURNING id, run_id, workspace_id, type
   )
   SELECT ${noticesSql("inserted")} AS notices`,
);

export async function appendEventsOnce(sql: Sql, events: readonly { row: RunEventInput; once: boolean }[]): Promise<void> {
  if (events.length === 0) return;
  const rows = eventParamRows(events.map((event) => event.row)).map((row, i) => ({ ...row, once: events[i]?.once ?? false }));
  const [result] = await sql.query<{ notices: unknown }>(appendOnceStatement, [JSON.stringify(rows)]);
  const notices = parseNotices(result?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
}

const setExternalRunIdStatement = statement(
  "inngest_set_external_run_id",
  `UPDATE runs SET external_run_id = $2, updated_at = now() WHERE id = $1 AND status NOT IN ${FINISHED}`,
);

/** Records which Inngest function run executes the run (its dashboard link). */
export async function setExternalRunId(sql: Sql, runId: string, externalRunId: string): Promise<void> {
  await sql.query(setExternalRunIdStatement, [runId, externalRunId]);
}

/**
 * The run is executing again: its first start (`run.started`) or the end of a
 * sleep, a wait, a child run or a pause (`run.resumed`). A paused run stays
 * paused: only its resume ends that.
 */
const markRunningStatement = statement(
  "inngest_mark_running",
  `WITH before AS (
     SELECT id, started_at IS NOT NULL AS was_started FROM runs WHERE id = $1
   ), changed AS (
     UPDATE runs SET status = 'running', wake_at = NULL, started_at = coalesce(started_at, now()), updated_at = now()
     WHERE id = $1 AND status IN ('queued', 'sleeping', 'waiting')
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT c.id, c.workspace_id, CASE WHEN b.was_started THEN 'run.resumed' ELSE 'run.started' END, $2::jsonb
     FROM changed c JOIN before b ON b.id = c.id
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, ${noticesSql("inserted")} AS notices`,
);

export async function markRunning(sql: Sql, runId: string, data: JsonObject): Promise<boolean> {
  const [row] = await sql.query<{ changed: unknown; notices: unknown }>(markRunningStatement, [runId, JSON.stringify(data)]);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
  return Number(row?.changed ?? 0) > 0;
}

/** The run waits on a sleep, an event or a child run (`run.sleeping` / `run.waiting`, as the embedded driver parks). */
const parkStatement = statement(
  "inngest_park_run",
  `WITH changed AS (
     UPDATE runs SET status = $2::run_status, wake_at = $3::timestamptz, updated_at = now()
     WHERE id = $1 AND status IN ('running', 'queued', 'sleeping', 'waiting')
     RETURNING id, workspace_id
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT id, workspace_id, 'run.' || $2, $4::jsonb FROM changed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, ${noticesSql("inserted")} AS notices`,
);

export interface Parking {
  status: "sleeping" | "waiting";
  wakeAt: Date | null;
  waitingFor: { stepId: string; kind: "sleep" | "wait" | "invoke"; until: string | null };
}

export async function parkRun(sql: Sql, runId: string, parking: Parking): Promise<void> {
  const data = { wakeAt: parking.wakeAt?.toISOString() ?? null, waitingFor: [parking.waitingFor] };
  const [row] = await sql.query<{ notices: unknown }>(parkStatement, [
    runId,
    parking.status,
    parking.wakeAt,
    JSON.stringify(data),
  ]);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
}

/**
 * Pauses a run whose pause was requested (`run.paused`, unless the lifecycle
 * service already paused it while it was parked). Answers what the run is now.
 */
const pauseStatement = statement(
  "inngest_pause_run",
  `WITH before AS (
     SELECT id, status, pause_requested_at IS NOT NULL AS pause, cancel_requested_at IS NOT NULL AS cancel FROM runs WHERE id = $1 FOR UPDATE
   ), changed AS (
     UPDATE runs r SET status = 'paused', updated_at = now()
     FROM before b WHERE r.id = b.id AND b.pause AND NOT b.cancel AND b.status NOT IN ${FINISHED}
     RETURNING r.id, r.workspace_id, b.status AS previous
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT id, workspace_id, 'run.paused', $2::jsonb FROM changed WHERE previous <> 'paused'
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT status FROM before) AS status, (SELECT cancel FROM before) AS cancel, (SELECT pause FROM before) AS pause,
     (SELECT count(*) FROM changed) AS paused, ${noticesSql("inserted")} AS notices`,
);

export type PauseState = "paused" | "resumed" | "stopped";

export async function pauseRun(sql: Sql, runId: string): Promise<{ state: PauseState; control: RunControl }> {
  const [row] = await sql.query<{ status: RunStatus | null; cancel: boolean | null; pause: boolean | null; paused: unknown; notices: unknown }>(
    pauseStatement,
    [runId, JSON.stringify({ driver: INNGEST_DRIVER })],
  );
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => publishRunEvents(sql, notices));
  if (!row?.status || ["succeeded", "failed", "cancelled"].includes(row.status)) return { state: "stopped", control: { s: "gone", p: false } };
  if (row.cancel) return { state: "stopped", control: { s: "cancel", p: row.pause === true } };
  if (Number(row.paused) > 0) return { state: "paused", control: { s: "live", p: true } };
  // The pause was withdrawn (resumed) before the function got here.
  return { state: "resumed", control: { s: "live", p: false } };
}

const registerWaiterStatement = statement(
  "inngest_register_waiter",
  `INSERT INTO event_waiters (workspace_id, run_id, step_id, event, match, expires_at)
   SELECT workspace_id, id, $2, $3, $4::jsonb, $5::timestamptz FROM runs WHERE id = $1 AND status NOT IN ${FINISHED}
   ON CONFLICT (run_id, step_id) DO NOTHING`,
);

/**
 * Registers a wait where `sendEvent` and the approval services look for it:
 * they match payloads with jsonb containment for both drivers, and list the
 * approvals a run waits for from here.
 */
export async function registerWaiter(
  sql: Sql,
  wait: { runId: string; stepId: string; event: string; match: JsonObject | undefined; expiresAt: Date },
): Promise<void> {
  await sql.query(registerWaiterStatement, [
    wait.runId,
    wait.stepId,
    wait.event,
    wait.match === undefined ? null : JSON.stringify(wait.match),
    wait.expiresAt,
  ]);
}

const closeWaiterStatement = statement(
  "inngest_close_waiter",
  `UPDATE event_waiters SET resolved_at = now(), payload = coalesce(payload, $3::jsonb)
   WHERE run_id = $1 AND step_id = $2 AND resolved_at IS NULL`,
);

/** A wait ended (event or timeout): later events must not resolve it again. */
export async function closeWaiter(sql: Sql, runId: string, stepId: string, payload: Json | null): Promise<void> {
  await sql.query(closeWaiterStatement, [runId, stepId, payload === null ? null : JSON.stringify(payload)]);
}

const selectChildWorkflow = statement(
  "inngest_select_child_workflow",
  `SELECT latest_version_id FROM workflows WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL`,
);

/** The version `workflow.invoke` starts: the workflow's latest; undefined when the workflow is not in the workspace. */
export async function childWorkflowVersion(sql: Sql, workspaceId: string, workflowId: string): Promise<string | null | undefined> {
  const [row] = await sql.query<{ latest_version_id: string | null }>(selectChildWorkflow, [workflowId, workspaceId]);
  return row ? row.latest_version_id : undefined;
}

const selectDrivers = statement("inngest_run_drivers", `SELECT id, workspace_id, status, driver FROM runs WHERE id = ANY($1::uuid[])`);

export interface RunDriverRow {
  id: string;
  workspace_id: string;
  status: RunStatus;
  driver: string;
}

export async function inngestRunsAmong(sql: Sql, runIds: readonly string[]): Promise<RunDriverRow[]> {
  if (runIds.length === 0) return [];
  const rows = await sql.query<RunDriverRow>(selectDrivers, [[...runIds]]);
  return rows.filter((row) => row.driver === INNGEST_DRIVER);
}

const RETRY_DELAYS_MS = [25, 100, 250, 1_000];

/**
 * Retries a database call that failed for a passing reason (connection reset,
 * deadlock). The function runs with Inngest retries off — node failures are
 * the engine's to retry — so without this a blip would fail the whole run.
 * Only for calls that are safe to repeat (all of this driver's are: guarded
 * updates, conflict-ignoring inserts, the journal's first-write-wins).
 */
export async function withDatabaseRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || !isTransientDatabaseError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

const workflowRoomStatement = statement(
  "inngest_workflow_room",
  `SELECT w.concurrency_limit AS "limit",
     (SELECT count(*) FROM runs x WHERE x.workflow_id = w.id AND x.status = 'running' AND x.id <> $2) AS running
   FROM workflows w WHERE w.id = $1`,
);

/**
 * Whether a run of `workflowId` may start now under the workflow's
 * `concurrency_limit` (none: always). Call inside the transaction that then
 * marks the run running: it takes the lock embedded claims of limited
 * workflows take, so two starts (or a start and a claim) never both count the
 * same free room. Like the embedded driver it counts `running` runs: parked
 * runs hold no slot.
 */
export async function workflowHasRoom(tx: Sql, workflowId: string, runId: string): Promise<{ limited: boolean; room: boolean }> {
  const [row] = await tx.query<{ limit: number | null; running: unknown }>(workflowRoomStatement, [workflowId, runId]);
  if (row?.limit === null || row?.limit === undefined) return { limited: false, room: true };
  await lockLimitedRoom(tx);
  // Counted again under the lock: the first read only decided whether the lock is needed.
  const [locked] = await tx.query<{ limit: number | null; running: unknown }>(workflowRoomStatement, [workflowId, runId]);
  return { limited: true, room: Number(locked?.running ?? 0) < Number(locked?.limit ?? row.limit) };
}
