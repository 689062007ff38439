import type { Logger } from "@trellis/config/logger";
import { fireDueSchedules } from "../scheduler/scheduler";
import type { CreatedRun } from "../records/runs";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";
import { INNGEST_DRIVER, INNGEST_EVENTS, inngestPriority, type RunRequestedData } from "./events";

/** An event as the driver sends it to Inngest. */
export interface InngestEventPayload {
  name: string;
  data: Record<string, unknown>;
  /** Inngest ignores a second event with the same id within 24 hours. */
  id?: string;
}

/** Sends events to Inngest (`client.send` in production; tests capture them). */
export type InngestSender = (events: InngestEventPayload[]) => Promise<{ ids: string[] }>;

export interface DispatchDeps {
  send: InngestSender;
  logger: Logger;
}

/** A run to hand to the `workflow-run` function. */
export interface DispatchableRun {
  id: string;
  workspaceId: string;
  workflowId: string;
  priority: number;
}

/** The event that starts a run's function: its id dedupes repeated dispatches of the same run. */
export function runRequestedEvent(run: DispatchableRun): InngestEventPayload {
  const data: RunRequestedData = {
    runId: run.id,
    workspaceId: run.workspaceId,
    workflowId: run.workflowId,
    priority: inngestPriority(run.priority),
  };
  return { id: `trellis-run-${run.id}`, name: INNGEST_EVENTS.runRequested, data };
}

const markDispatchedStatement = statement(
  "inngest_mark_dispatched",
  `UPDATE runs r SET external_run_id = x.e, updated_at = now()
   FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, e text)
   WHERE r.id = x.id AND r.external_run_id IS NULL`,
);

/**
 * Sends the start events of runs on the Inngest driver and records each
 * event's id in `external_run_id` (replaced by the Inngest run id once the
 * function starts). Runs whose event could not be sent stay undispatched for
 * `dispatchQueuedRuns`: the run records are the outbox, so a run is never
 * lost to an Inngest outage. Returns how many were sent.
 */
export async function dispatchRuns(db: Db, runs: readonly DispatchableRun[], deps: DispatchDeps): Promise<number> {
  if (runs.length === 0) return 0;
  const events = runs.map(runRequestedEvent);
  let ids: string[];
  try {
    ({ ids } = await deps.send(events));
  } catch (error) {
    deps.logger.warn({ err: error, runIds: runs.map((run) => run.id) }, "sending runs to Inngest failed; the next dispatch sweep retries");
    return 0;
  }
  const marks = runs.map((run, i) => ({ id: run.id, e: ids[i] ?? events[i]?.id }));
  await toSql(db).query(markDispatchedStatement, [JSON.stringify(marks)]);
  return runs.length;
}

const undispatchedStatement = statement(
  "inngest_undispatched_runs",
  `SELECT id, workspace_id, workflow_id, priority FROM runs
   WHERE status = 'queued' AND driver = '${INNGEST_DRIVER}' AND external_run_id IS NULL
     -- Child runs are started by their parent's step.invoke, never by an event.
     AND trigger_kind <> 'invoke'
     AND created_at < now() - ($1::int * interval '1 millisecond')
   ORDER BY priority DESC NULLS LAST, created_at
   LIMIT $2`,
);

/**
 * The outbox sweep: dispatches queued Inngest runs nobody sent (their
 * creator's send failed, or they were created by code that only writes
 * records). `graceMs` leaves runs whose creator is still sending alone.
 */
export async function dispatchQueuedRuns(db: Db, deps: DispatchDeps, options: { graceMs?: number; limit?: number } = {}): Promise<number> {
  const rows = await toSql(db).query<{ id: string; workspace_id: string; workflow_id: string; priority: number }>(undispatchedStatement, [
    options.graceMs ?? 30_000,
    options.limit ?? 500,
  ]);
  return dispatchRuns(
    db,
    rows.map((row) => ({ id: row.id, workspaceId: row.workspace_id, workflowId: row.workflow_id, priority: Number(row.priority) })),
    deps,
  );
}

export function dispatchable(created: readonly CreatedRun[]): DispatchableRun[] {
  return created.filter((entry) => entry.created).map(({ run }) => run);
}

export interface ScheduleTick {
  started: number;
  runs: DispatchableRun[];
}

/** The scheduler's tick for the Inngest driver: fires due schedules with their runs on Inngest, returns the runs to dispatch. */
export async function fireSchedulesOnInngest(sql: Sql): Promise<ScheduleTick> {
  const { started, created } = await fireDueSchedules(sql, { driver: INNGEST_DRIVER });
  return {
    started,
    runs: created.map((run) => ({ id: run.id, workspaceId: run.workspaceId, workflowId: run.workflowId, priority: run.priority })),
  };
}
