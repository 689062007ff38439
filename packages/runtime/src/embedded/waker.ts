import type { Logger } from "@trellis/config/logger";
import { publishRunEvents, publishRunsQueued } from "../bus/publish";
import { noticesSql, parseNotices } from "../records/run-events";
import { EMBEDDED_DRIVER } from "../records/runs";
import { statement, type Sql } from "../sql/sql-client";
import { toDateOrNull } from "../sql/values";

/**
 * Queues parked runs whose wake-up time has come (a sleep ended, a wait timed
 * out) and runs whose worker stopped renewing its lease (it died). Reports
 * the next wake-up time so the waker can sleep exactly until then.
 */
const wakeStatement = statement(
  "wake_runs",
  `WITH due AS (
     SELECT id FROM runs
     WHERE status IN ('sleeping', 'waiting') AND wake_at <= now() AND driver = '${EMBEDDED_DRIVER}'
     ORDER BY wake_at LIMIT 500
     FOR UPDATE SKIP LOCKED
   ), woken AS (
     UPDATE runs r SET status = 'queued', wake_at = NULL, updated_at = now() FROM due WHERE r.id = due.id RETURNING r.id
   ), expired AS (
     SELECT id, lease_owner FROM runs
     WHERE status = 'running' AND lease_expires_at < now() AND driver = '${EMBEDDED_DRIVER}'
     ORDER BY lease_expires_at LIMIT 500
     FOR UPDATE SKIP LOCKED
   ), reclaimed AS (
     UPDATE runs r SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
     FROM expired WHERE r.id = expired.id
     RETURNING r.id, r.workspace_id, expired.lease_owner AS previous_owner
   ), inserted AS (
     INSERT INTO run_events (run_id, workspace_id, type, data)
     SELECT id, workspace_id, 'run.lease_expired', jsonb_build_object('previousOwner', previous_owner) FROM reclaimed
     RETURNING id, run_id, workspace_id, type
   )
   SELECT (SELECT count(*) FROM woken) AS woken, (SELECT count(*) FROM reclaimed) AS reclaimed,
     (SELECT min(wake_at) FROM runs WHERE status IN ('sleeping', 'waiting') AND wake_at > now() AND driver = '${EMBEDDED_DRIVER}') AS next_wake,
     ${noticesSql("inserted")} AS notices`,
);

export interface WakeResult {
  woken: number;
  reclaimed: number;
  nextWakeAt: Date | null;
}

export async function wakeDueRuns(sql: Sql): Promise<WakeResult> {
  const [row] = await sql.query<{ woken: unknown; reclaimed: unknown; next_wake: unknown; notices: unknown }>(wakeStatement);
  const result = { woken: Number(row?.woken ?? 0), reclaimed: Number(row?.reclaimed ?? 0), nextWakeAt: toDateOrNull(row?.next_wake) };
  publishRunEvents(sql, parseNotices(row?.notices));
  if (result.woken + result.reclaimed > 0) publishRunsQueued(sql);
  return result;
}

/**
 * Runs `wakeDueRuns` when the next parked run is due (as told by the database
 * and by this process's parking runs), and at least every poll interval so
 * expired leases and other processes' parked runs are found.
 */
export class Waker {
  private timer: NodeJS.Timeout | null = null;
  private nextAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly sql: Sql,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.schedule(Date.now());
  }

  /** A run parked in this process is due at `at`. */
  hint(at: Date): void {
    this.schedule(at.getTime());
  }

  private schedule(at: number): void {
    if (this.stopped || at >= this.nextAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextAt = at;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private tick(): Promise<void> {
    this.timer = null;
    this.nextAt = Infinity;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let next = Date.now() + this.pollIntervalMs;
      try {
        do {
          this.again = false;
          const result = await wakeDueRuns(this.sql);
          if (result.nextWakeAt) next = Math.min(next, result.nextWakeAt.getTime());
          // A full batch means more are due right now.
          if (result.woken >= 500 || result.reclaimed >= 500) this.again = true;
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logger.warn({ err: error }, "waking parked runs failed");
      } finally {
        this.running = null;
      }
      this.schedule(next);
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
