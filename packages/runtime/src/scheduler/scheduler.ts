import { nextScheduleTimes, type Json } from "@trellis/engine";
import type { Logger } from "@trellis/config/logger";
import { PeriodicJob } from "../maintenance/periodic-job";
import { createRun } from "../records/runs";
import type { RunRecord } from "../records/run-record";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";
import { toDate, toDateOrNull } from "../sql/values";

/** The idempotency key of a schedule's run for one slot: two schedulers firing the same slot create one run. */
export function scheduleRunKey(scheduleId: string, slot: Date): string {
  return `schedule:${scheduleId}:${slot.toISOString()}`;
}

/** What a scheduled run receives: the slot it fired for, merged into the schedule's input when that is an object. */
export function scheduledInput(input: Json | null, slot: Date): Json {
  const scheduledAt = slot.toISOString();
  if (input === null || input === undefined) return { scheduledAt };
  if (typeof input === "object" && !Array.isArray(input)) return { ...input, scheduledAt };
  return input;
}

/**
 * Due schedules of live workflows, locked so two schedulers never handle the
 * same one at once (the other skips it and finds it advanced).
 */
const dueSchedules = statement(
  "due_schedules",
  `SELECT s.id, s.workspace_id, s.workflow_id, s.cron, s.timezone, s.input, s.next_run_at, w.latest_version_id
   FROM schedules s JOIN workflows w ON w.id = s.workflow_id AND w.deleted_at IS NULL
   WHERE s.active AND s.next_run_at <= now()
   ORDER BY s.next_run_at
   LIMIT $1
   FOR UPDATE OF s SKIP LOCKED`,
);

const advanceSchedule = statement(
  "advance_schedule",
  `UPDATE schedules SET next_run_at = $2, last_slot_at = $3, updated_at = now() WHERE id = $1`,
);

const nextDue = statement("next_schedule_due", `SELECT min(next_run_at) AS next FROM schedules WHERE active`);

interface DueRow {
  id: string;
  workspace_id: string;
  workflow_id: string;
  cron: string;
  timezone: string;
  input: Json | null;
  next_run_at: unknown;
  latest_version_id: string | null;
}

export interface ScheduleTickResult {
  /** Runs started (an existing run for the slot counts as started). */
  started: number;
  /** When the next schedule is due, if any is active. */
  nextDueAt: Date | null;
  /** The runs this tick created (not those an earlier tick had created for the same slot). */
  created: RunRecord[];
}

export interface FireSchedulesOptions {
  batchSize?: number;
  now?: () => Date;
  /** The driver the runs execute on; the configured one (`selectedDriver()`) by default. */
  driver?: string;
}

/**
 * Fires every due schedule once: starts the run for its slot (idempotency key
 * `schedule:<id>:<slot>`) and moves it to its first slot after now. After
 * downtime that skips the slots missed meanwhile, so at most one missed slot
 * is caught up. Each schedule is handled in its own transaction.
 */
export async function fireDueSchedules(db: Db, options: FireSchedulesOptions = {}): Promise<ScheduleTickResult> {
  const sql = toSql(db);
  const now = options.now ?? (() => new Date());
  let started = 0;
  const created: RunRecord[] = [];
  for (;;) {
    const fired = await sql.transaction(async (tx) => {
      const rows = await tx.query<DueRow>(dueSchedules, [options.batchSize ?? 20]);
      // A batch that rolls back rejects this call, so `created` is never returned with its runs.
      for (const row of rows) started += await fireOne(tx, row, now(), options.driver, created);
      return rows.length;
    });
    if (fired < (options.batchSize ?? 20)) break;
  }
  const [next] = await sql.query<{ next: unknown }>(nextDue);
  return { started, nextDueAt: toDateOrNull(next?.next), created };
}

async function fireOne(tx: Sql, row: DueRow, now: Date, driver: string | undefined, created: RunRecord[]): Promise<number> {
  const slot = toDate(row.next_run_at);
  let next: Date | null;
  try {
    next = nextScheduleTimes({ cron: row.cron, timezone: row.timezone }, now > slot ? now : slot, 1)[0] ?? null;
  } catch {
    // The API validates patterns; a pattern croner no longer accepts stops the schedule rather than firing it forever.
    next = null;
  }
  let started = 0;
  if (row.latest_version_id) {
    const run = await createRun(tx, {
      driver,
      workspaceId: row.workspace_id,
      workflowId: row.workflow_id,
      versionId: row.latest_version_id,
      triggerKind: "schedule",
      input: scheduledInput(row.input, slot),
      idempotencyKey: scheduleRunKey(row.id, slot),
      queuedEventData: { scheduleId: row.id, slot: slot.toISOString() },
    });
    if (run.created) created.push(run.run);
    started = 1;
  }
  await tx.query(advanceSchedule, [row.id, next, slot]);
  return started;
}

/**
 * Fires due schedules when the next one is due (asked of the database after
 * each pass) and at least every poll interval, so schedules created by other
 * processes are found.
 */
export function schedulerJob(sql: Sql, pollIntervalMs: number, logger: Logger): PeriodicJob {
  return new PeriodicJob(
    "firing due schedules",
    pollIntervalMs,
    async () => {
      const result = await fireDueSchedules(sql);
      // The floor keeps a slot that the database's clock has not reached yet from spinning the loop.
      return result.nextDueAt ? Math.max(5, Math.min(pollIntervalMs, result.nextDueAt.getTime() - Date.now())) : undefined;
    },
    logger,
  );
}
