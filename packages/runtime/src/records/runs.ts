import { randomUUID } from "node:crypto";
import type { Json, JsonObject } from "@trellis/engine";
import type { RunEventNotice } from "../bus/channels";
import { publishRunControl, publishRunEvents, publishRunsQueued } from "../bus/publish";
import { selectedDriver } from "../inngest/selection";
import { OUTBOX_RUN_COLUMNS, outboxCtes } from "../notifications/enqueue";
import { announceDue } from "../notifications/wake";
import { statement, toSql, type Db } from "../sql/sql-client";
import { STEP_INSERT_COLUMNS, STEP_RECORDSET, stepInsertValues, stepParamRows, type JournalStepInput } from "./journal";
import { outcomeOf, runColumns, toRunRecord, type FinishedStatus, type RunError, type RunRecord, type RunRow, type RunStatus, type TriggerKind } from "./run-record";
import { EVENT_RECORDSET, eventParamRows, noticesSql, parseNotices, type RunEventInput } from "./run-events";

/** The value of `runs.driver` for runs the embedded workers execute. */
export const EMBEDDED_DRIVER = "embedded";

/** A run to create, pinned to a version. */
export interface NewRun {
  /** Chosen by the caller when something written with the run must name it (a random one otherwise). */
  id?: string;
  workspaceId: string;
  workflowId: string;
  versionId: string;
  triggerKind: TriggerKind;
  input?: Json | null;
  /** Higher runs first. */
  priority?: number;
  /** Unique per workspace: creating a run with a used key returns the existing run. */
  idempotencyKey?: string | null;
  parentRunId?: string | null;
  originRunId?: string | null;
  restartFromNodeId?: string | null;
  attempt?: number;
  /** The driver to execute on; the configured one (`selectedDriver()`) by default. */
  driver?: string;
  /** Extra fields for the `run.queued` timeline entry (e.g. `{ retryOf }`). */
  queuedEventData?: JsonObject;
  /** Journal rows the run starts with (retry from a node reuses its origin's outputs this way). */
  seedSteps?: readonly Omit<JournalStepInput, "runId">[];
  /**
   * Create the run already claimed by this worker (`running`, leased): an
   * idle worker of the same process takes a new run without the claim's
   * round trip.
   */
  claimedBy?: { leaseOwner: string; leaseMs: number };
  /**
   * Create the run succeeded: it was executed before it was created (see
   * embedded/inline-execution.ts), its journal in `seedSteps`. Its timeline
   * and its notifications' outbox rows are written with it.
   */
  succeeded?: ExecutedRun;
}

/** A run executed to success before it was created (see `NewRun.succeeded`). */
export interface ExecutedRun {
  output: Json;
  startedAt: Date;
  /** The worker that executed it (the `run.started` entry names it). */
  worker: string;
  /** Its timeline between `run.started` and `run.succeeded`. */
  events: readonly RunEventInput[];
}

export interface CreatedRun {
  run: RunRecord;
  /** False when the idempotency key returned an existing run. */
  created: boolean;
}

/**
 * A condition each run is created under, checked by the statement that
 * creates them: one statement (one round trip, atomic without a transaction)
 * instead of a transaction around several. Webhook ingress claims deliveries'
 * dedupe keys and logs them this way, many deliveries to one statement.
 */
export interface RunGuard {
  /** Names the statement (prepared once per connection): one name per SQL text. */
  name: string;
  /** CTEs written before the runs' own (`cte AS (…), …`); their parameters are numbered from $3. */
  ctes: string;
  /**
   * A boolean SQL expression over those CTEs and the run's row of `input`
   * (`input.i`: its position among the runs, from 0; `input.id`): the run is
   * created only when it holds.
   */
  when: string;
  /** What the statement returns of the guard for each run (one value, over the CTEs and `input`). */
  result: string;
  params: readonly unknown[];
}

/** A run's fate under a guard: created (or found by its idempotency key) when `passed`. */
export interface GuardedRun {
  passed: boolean;
  /** The guard's `result` for this run. */
  guard: unknown;
  created: CreatedRun | null;
}

function insertRunsSql(guard?: Omit<RunGuard, "params">): string {
  const ctes = `input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(i int, id uuid, workspace_id uuid, workflow_id uuid, version_id uuid,
       trigger_kind trigger_kind, input jsonb, priority int, idempotency_key text, parent_run_id uuid, origin_run_id uuid,
       restart_from_node_id text, attempt int, driver text, queued jsonb, lease_owner text, lease_ms int, worker text,
       status run_status, output jsonb, started_at timestamptz, events jsonb)
   ), inserted AS (
     INSERT INTO runs (id, workspace_id, workflow_id, version_id, status, trigger_kind, input, output, priority, idempotency_key,
       parent_run_id, origin_run_id, restart_from_node_id, attempt, driver, lease_owner, lease_expires_at, started_at, finished_at)
     SELECT id, workspace_id, workflow_id, version_id, coalesce(status, CASE WHEN lease_owner IS NULL THEN 'queued' ELSE 'running' END::run_status),
       trigger_kind, input, output, priority, idempotency_key, parent_run_id, origin_run_id, restart_from_node_id, attempt, driver,
       lease_owner, CASE WHEN lease_owner IS NOT NULL THEN now() + (lease_ms * interval '1 millisecond') END,
       coalesce(started_at, CASE WHEN lease_owner IS NOT NULL THEN now() END), CASE WHEN status IS NOT NULL THEN now() END
     FROM input ${guard ? `WHERE ${guard.when}` : ""} ORDER BY i
     ON CONFLICT (workspace_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${runColumns("runs")}
   ), seeded AS (
     INSERT INTO run_steps ${STEP_INSERT_COLUMNS}
     SELECT ${stepInsertValues("inserted")}
     FROM ${STEP_RECORDSET.replace("$STEPS", "$2")} JOIN inserted ON inserted.id = s.r
     ON CONFLICT (run_id, step_id) DO NOTHING
     RETURNING 1
   ), events AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT run_id, workspace_id, type, node_id, step_id, data, created_at FROM (
       SELECT r.id AS run_id, r.workspace_id, 'run.queued' AS type, NULL AS node_id, NULL AS step_id,
         jsonb_build_object('triggerKind', r.trigger_kind, 'priority', r.priority) || coalesce(x.queued, '{}'::jsonb) AS data,
         now() AS created_at, x.i, 0 AS o, 0 AS k
       FROM inserted r JOIN input x ON x.id = r.id
       UNION ALL
       SELECT r.id, r.workspace_id, 'run.started', NULL, NULL, jsonb_build_object('worker', x.worker), now(), x.i, 1, 0
       FROM inserted r JOIN input x ON x.id = r.id WHERE x.worker IS NOT NULL
       UNION ALL
       -- A run created finished: its execution's entries, its final one last.
       SELECT r.id, r.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now()), x.i, 2, e.i
       FROM inserted r JOIN input x ON x.id = r.id, ${EVENT_RECORDSET.replace("$EVENTS", "x.events")}
       WHERE x.events IS NOT NULL
     ) entries
     ORDER BY i, o, k
     RETURNING id, run_id, workspace_id, type
   ), created_finished AS (
     SELECT ${OUTBOX_RUN_COLUMNS.replace("callback_url", "NULL::text AS callback_url")} FROM inserted WHERE status = 'succeeded'
   ), ${outboxCtes("created_finished")}`;
  const runs = `SELECT ${runColumns("r")}, ${noticesSql("events")} AS notices, (SELECT count(*) FROM seeded) AS seeded,
     (SELECT count(*) FROM notification_rows) AS notifications FROM inserted r`;
  if (!guard) return `WITH ${ctes}\n   ${runs}`;
  // One row per run even when the guard kept it out: the guard's result, with null run columns.
  return `WITH ${guard.ctes}, ${ctes}
   SELECT (${guard.result}) AS guard, (${guard.when}) AS passed, x.* FROM input LEFT JOIN (${runs}) x ON x.id = input.id ORDER BY input.i`;
}

const insertRuns = statement("insert_runs", insertRunsSql());
const guardedStatements = new Map<string, { name: string; text: string }>();

function guardedInsertRuns(guard: RunGuard): { name: string; text: string } {
  let prepared = guardedStatements.get(guard.name);
  if (!prepared) {
    prepared = statement(`insert_runs_${guard.name}`, insertRunsSql(guard));
    guardedStatements.set(guard.name, prepared);
  }
  return prepared;
}

const selectByKeys = statement(
  "select_runs_by_keys",
  `SELECT ${runColumns("runs")} FROM runs WHERE workspace_id = $1 AND idempotency_key = ANY($2::text[])`,
);

/**
 * Creates queued runs in one statement (with their `run.queued` entries),
 * tells idle workers once committed, and returns them in the order given. A
 * run whose idempotency key is taken comes back as the existing run.
 */
export async function createRuns(db: Db, runs: readonly NewRun[]): Promise<CreatedRun[]> {
  return (await createGuardedRuns(db, runs)).map((run) => run.created as CreatedRun);
}

/**
 * `createRuns` under a guard (see `RunGuard`): a run whose condition did not
 * hold is not created (`passed` false, `created` null). One result per run,
 * in the order given.
 */
export async function createGuardedRuns(db: Db, runs: readonly NewRun[], guard?: RunGuard): Promise<GuardedRun[]> {
  if (runs.length === 0) return [];
  const sql = toSql(db);
  const ids = runs.map((run) => run.id ?? randomUUID());
  // Runs created by retries, replays, schedules and webhooks execute where new runs do.
  const configured = runs.some((run) => run.driver === undefined) ? selectedDriver() : EMBEDDED_DRIVER;
  const rows = runs.map((run, i) => ({
    i,
    id: ids[i],
    workspace_id: run.workspaceId,
    workflow_id: run.workflowId,
    version_id: run.versionId,
    trigger_kind: run.triggerKind,
    input: run.input ?? null,
    priority: run.priority ?? 0,
    idempotency_key: run.idempotencyKey ?? null,
    parent_run_id: run.parentRunId ?? null,
    origin_run_id: run.originRunId ?? null,
    restart_from_node_id: run.restartFromNodeId ?? null,
    attempt: run.attempt ?? 1,
    driver: run.driver ?? configured,
    queued: run.queuedEventData ?? null,
    lease_owner: run.claimedBy?.leaseOwner ?? null,
    lease_ms: run.claimedBy?.leaseMs ?? null,
    worker: run.claimedBy?.leaseOwner ?? run.succeeded?.worker ?? null,
    status: run.succeeded ? "succeeded" : null,
    output: run.succeeded?.output ?? null,
    started_at: run.succeeded?.startedAt.toISOString() ?? null,
    events: run.succeeded ? eventParamRows([...run.succeeded.events, finalEvent({ runId: ids[i] as string, status: "succeeded" })]) : null,
  }));
  const seeds = runs.flatMap((run, i) => (run.seedSteps ?? []).map((step) => ({ ...step, runId: ids[i] as string })));
  const params = [JSON.stringify(rows), JSON.stringify(stepParamRows(seeds))];
  type Row = RunRow & { notices: unknown; notifications: unknown; guard?: unknown; passed?: boolean };
  const result = guard ? await sql.query<Row>(guardedInsertRuns(guard), [...params, ...guard.params]) : await sql.query<Row>(insertRuns, params);
  const inserted = guard ? result.filter((row) => row.id !== null) : result;
  const byId = new Map(inserted.map((row) => [row.id, toRunRecord(row)]));
  // A run created finished tells in-process waiters how it ended, as a finish does.
  const notices = parseNotices(inserted[0]?.notices).map((notice) => {
    const run = notice.finished ? byId.get(notice.runId) : undefined;
    const outcome = run ? outcomeOf(run) : null;
    return outcome ? { ...notice, outcome } : notice;
  });
  const queued = inserted.some((row) => row.driver === EMBEDDED_DRIVER && row.status === "queued");
  const notified = Number(inserted[0]?.notifications ?? 0) > 0;
  sql.afterCommit(() => {
    publishRunEvents(sql, notices);
    if (queued) publishRunsQueued(sql);
    if (notified) announceDue(sql);
  });

  const passed = (i: number) => (guard ? result[i]?.passed === true : true);
  const conflicts = runs.filter((run, i) => passed(i) && !byId.has(ids[i] as string) && run.idempotencyKey);
  const existing = new Map<string, RunRecord>();
  for (const workspaceId of new Set(conflicts.map((run) => run.workspaceId))) {
    const keys = conflicts.filter((run) => run.workspaceId === workspaceId).map((run) => run.idempotencyKey as string);
    for (const row of await sql.query<RunRow>(selectByKeys, [workspaceId, keys])) {
      existing.set(`${workspaceId}:${row.idempotency_key}`, toRunRecord(row));
    }
  }
  return runs.map((run, i) => {
    const guardResult = guard ? result[i]?.guard : undefined;
    if (!passed(i)) return { passed: false, guard: guardResult, created: null };
    const created = byId.get(ids[i] as string);
    if (created) return { passed: true, guard: guardResult, created: { run: created, created: true } };
    const found = existing.get(`${run.workspaceId}:${run.idempotencyKey}`);
    // Only a concurrent delete of the run holding the key gets here.
    if (!found) throw new Error(`run with idempotency key "${run.idempotencyKey}" vanished while it was being created`);
    return { passed: true, guard: guardResult, created: { run: found, created: false } };
  });
}

export async function createRun(db: Db, run: NewRun): Promise<CreatedRun> {
  const [created] = await createRuns(db, [run]);
  if (!created) throw new Error("creating a run returned nothing");
  return created;
}

export interface FinishRun {
  runId: string;
  status: FinishedStatus;
  output?: Json | null;
  error?: RunError | null;
  /** The embedded driver's lease: the run is finished only if this owner still holds it. */
  leaseOwner?: string | null;
  /** Timeline entries still to write, before the final `run.<status>` entry. */
  events?: readonly RunEventInput[];
  /** Data of the final entry. */
  data?: JsonObject;
  /** Finish only from one of these statuses (a parked run being cancelled must not be one a worker just claimed). */
  onlyFrom?: readonly RunStatus[];
  /**
   * Journal rows written with the finish, only if it finishes the run (the
   * embedded driver's last step rides along: one commit instead of two).
   * An existing row is kept.
   */
  steps?: readonly JournalStepInput[];
}

export interface FinishedRun {
  /** False when the run was already finished or the lease was lost. */
  finished: boolean;
  notices: RunEventNotice[];
}

const finishRunsStatement = statement(
  "finish_runs",
  `WITH input AS (
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, owner text, status run_status, output jsonb, error jsonb, only_from run_status[])
   ), locked AS (
     -- Every statement locking several runs takes them in id order, so two never deadlock.
     -- "= ANY(ARRAY(…))" finds the runs by their primary key, whatever the planner guesses of the input's size.
     SELECT r.id FROM runs r WHERE r.id = ANY(ARRAY(SELECT id FROM input)) ORDER BY r.id FOR UPDATE OF r
   ), done AS (
     UPDATE runs r SET status = x.status, output = x.output, error = x.error, finished_at = now(), updated_at = now(),
       lease_owner = NULL, lease_expires_at = NULL, wake_at = NULL,
       dead_lettered_at = CASE WHEN x.status = 'failed' THEN now() ELSE NULL END
     FROM input x
     WHERE r.id = x.id AND r.id = ANY(ARRAY(SELECT id FROM locked)) AND r.status NOT IN ('succeeded', 'failed', 'cancelled')
       AND (x.owner IS NULL OR (r.lease_owner = x.owner AND r.status = 'running'))
       AND (x.only_from IS NULL OR r.status = ANY(x.only_from))
     RETURNING r.id, r.workspace_id, r.parent_run_id, r.workflow_id, r.version_id, r.status, r.trigger_kind, r.output, r.error,
       r.callback_url, r.finished_at, r.dead_lettered_at
   ), journaled AS (
     INSERT INTO run_steps ${STEP_INSERT_COLUMNS}
     SELECT ${stepInsertValues("done")}
     FROM ${STEP_RECORDSET.replace("$STEPS", "$3")} JOIN done ON done.id = s.r
     ON CONFLICT (run_id, step_id) DO NOTHING
     RETURNING 1
   ), ${outboxCtes("done")}, closed_waiters AS (
     UPDATE event_waiters w SET resolved_at = now() FROM done WHERE w.run_id = done.id AND w.resolved_at IS NULL RETURNING 1
   ), closed_steps AS (
     -- Durable parts still pending when the run ended (a branch's sleep when another failed) never complete.
     UPDATE run_steps s SET status = 'skipped', finished_at = now() FROM done WHERE s.run_id = done.id AND s.status = 'waiting' RETURNING 1
   ), parent AS (
     -- Locks the parent row even when it is still running, so a parent parking concurrently sees this run finished (see ARCHITECTURE.md).
     UPDATE runs p SET status = CASE WHEN p.status = 'waiting' THEN 'queued'::run_status ELSE p.status END,
       wake_at = CASE WHEN p.status = 'waiting' THEN NULL ELSE p.wake_at END, updated_at = now()
     FROM done WHERE p.id = done.parent_run_id AND p.status NOT IN ('succeeded', 'failed', 'cancelled')
     RETURNING p.id, p.status
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT done.id, done.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now())
     FROM ${EVENT_RECORDSET.replace("$EVENTS", "$2")} JOIN done ON done.id = e.r
     ORDER BY e.i
     RETURNING id, run_id, workspace_id, type
   )
   SELECT coalesce((SELECT json_agg(id) FROM done), '[]'::json) AS finished,
     coalesce((SELECT json_agg(json_build_array(id, status)) FROM parent), '[]'::json) AS parent,
     ${noticesSql("inserted")} AS notices,
     (SELECT count(*) FROM closed_waiters) + (SELECT count(*) FROM closed_steps) AS closed,
     (SELECT count(*) FROM notification_rows) AS notifications,
     (SELECT count(*) FROM journaled) AS journaled`,
);

function finalEvent(finish: FinishRun): RunEventInput {
  return {
    runId: finish.runId,
    type: `run.${finish.status}`,
    data: {
      ...(finish.error ? { error: finish.error } : {}),
      ...(finish.status === "failed" ? { deadLettered: true } : {}),
      ...finish.data,
    },
  };
}

/**
 * Ends runs (succeeded, failed, cancelled) with their output or error, in one
 * statement: closes their open waits, dead-letters the failed ones, wakes
 * parents waiting on them (`workflow.invoke`) and writes the outbox rows of
 * their notifications (notifications/enqueue.ts), so a finished run and its
 * notifications commit together, without another round trip. Results in the
 * order given.
 */
export async function finishRuns(db: Db, finishes: readonly FinishRun[]): Promise<FinishedRun[]> {
  if (finishes.length === 0) return [];
  const sql = toSql(db);
  const [row] = await sql.query<{ finished: unknown; parent: unknown; notices: unknown; notifications: unknown }>(finishRunsStatement, [
    JSON.stringify(
      finishes.map((finish) => ({
        id: finish.runId,
        owner: finish.leaseOwner ?? null,
        status: finish.status,
        output: finish.output ?? null,
        error: finish.error ?? null,
        only_from: finish.onlyFrom ? [...finish.onlyFrom] : null,
      })),
    ),
    JSON.stringify(eventParamRows(finishes.flatMap((finish) => [...(finish.events ?? []), finalEvent(finish)]))),
    JSON.stringify(stepParamRows(finishes.flatMap((finish) => finish.steps ?? []))),
  ]);
  const finished = new Set((row?.finished ?? []) as string[]);
  const outcomes = new Map(finishes.map((finish) => [finish.runId, { status: finish.status, output: finish.output ?? null, error: finish.error ?? null }]));
  const notices = parseNotices(row?.notices).map((notice) => {
    const outcome = notice.finished && finished.has(notice.runId) ? outcomes.get(notice.runId) : undefined;
    return outcome ? { ...notice, outcome } : notice;
  });
  const parent = (row?.parent ?? []) as [string, RunStatus][];
  const notified = Number(row?.notifications ?? 0) > 0;
  sql.afterCommit(() => {
    publishRunEvents(sql, notices);
    if (notified) announceDue(sql);
    if (parent.some(([, status]) => status === "queued")) publishRunsQueued(sql);
    publishRunControl(
      sql,
      parent.map(([id]) => id),
    );
  });
  return finishes.map((finish) => ({ finished: finished.has(finish.runId), notices: notices.filter((n) => n.runId === finish.runId) }));
}

/** Ends one run; see `finishRuns`. */
export async function finishRun(db: Db, finish: FinishRun): Promise<FinishedRun> {
  const [result] = await finishRuns(db, [finish]);
  return result ?? { finished: false, notices: [] };
}

/** A state change that keeps a run alive: parked, paused, released back to the queue, or (drivers without leases) running. */
export interface TransitionRun {
  runId: string;
  status: Exclude<RunStatus, FinishedStatus>;
  wakeAt?: Date | null;
  /** With a lease owner the change applies only while that owner holds the run, and releases the lease. */
  leaseOwner?: string | null;
  /** Pending durable parts to journal as `waiting` (a sleep's until), written only if absent. */
  waitingSteps?: readonly JournalStepInput[];
  events?: readonly RunEventInput[];
}

const transitionRunStatement = statement(
  "transition_run",
  `WITH changed AS (
     UPDATE runs SET
       -- A worker parking a run that was asked to stop meanwhile queues it (to be finished as cancelled) or pauses it;
       -- one pausing a run whose pause was withdrawn meanwhile queues it to go on.
       status = CASE
         WHEN $2::text IS NOT NULL AND cancel_requested_at IS NOT NULL THEN 'queued'::run_status
         WHEN $2::text IS NOT NULL AND pause_requested_at IS NOT NULL AND $3::run_status IN ('sleeping', 'waiting') THEN 'paused'::run_status
         WHEN $2::text IS NOT NULL AND pause_requested_at IS NULL AND $3::run_status = 'paused' THEN 'queued'::run_status
         ELSE $3::run_status END,
       wake_at = $4::timestamptz, updated_at = now(),
       lease_owner = CASE WHEN $2::text IS NULL THEN lease_owner ELSE NULL END,
       lease_expires_at = CASE WHEN $2::text IS NULL THEN lease_expires_at ELSE NULL END,
       started_at = CASE WHEN $3::run_status = 'running' THEN coalesce(started_at, now()) ELSE started_at END,
       pause_requested_at = CASE WHEN $3::run_status = 'paused' AND $2::text IS NULL THEN coalesce(pause_requested_at, now()) ELSE pause_requested_at END
     WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'cancelled')
       AND ($2::text IS NULL OR (lease_owner = $2 AND status = 'running'))
     RETURNING id, workspace_id, status
   ), steps AS (
     INSERT INTO run_steps ${STEP_INSERT_COLUMNS}
     SELECT ${stepInsertValues("changed")}
     FROM ${STEP_RECORDSET.replace("$STEPS", "$5")} JOIN changed ON changed.id = s.r
     ON CONFLICT (run_id, step_id) DO NOTHING
     RETURNING 1
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, node_id, step_id, data, created_at)
     SELECT changed.id, changed.workspace_id, e.ty, e.n, e.s, e.d, coalesce(e.at, now())
     FROM changed, ${EVENT_RECORDSET.replace("$EVENTS", "$6")}
     ORDER BY e.i
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM changed) AS changed, (SELECT status FROM changed) AS status, ${noticesSql("inserted")} AS notices,
     (SELECT count(*) FROM steps) AS steps`,
);

/** Changes a live run's status (and wake-up time); false when it was finished or the lease was lost. */
export async function transitionRun(db: Db, change: TransitionRun): Promise<boolean> {
  const sql = toSql(db);
  const [row] = await sql.query<{ changed: unknown; status: RunStatus | null; notices: unknown }>(transitionRunStatement, [
    change.runId,
    change.leaseOwner ?? null,
    change.status,
    change.wakeAt ?? null,
    JSON.stringify(stepParamRows(change.waitingSteps ?? [])),
    JSON.stringify(eventParamRows(change.events ?? [])),
  ]);
  const notices = parseNotices(row?.notices);
  sql.afterCommit(() => {
    publishRunEvents(sql, notices);
    if (row?.status === "queued") publishRunsQueued(sql);
  });
  return Number(row?.changed ?? 0) > 0;
}

const selectRun = statement("select_run", `SELECT ${runColumns("runs")} FROM runs WHERE id = $1 AND workspace_id = $2`);

/** A run of the workspace, or null (another workspace's run is as absent as a missing one). */
export async function findRun(db: Db, workspaceId: string, runId: string): Promise<RunRecord | null> {
  const [row] = await toSql(db).query<RunRow>(selectRun, [runId, workspaceId]);
  return row ? toRunRecord(row) : null;
}
