import type { Logger } from "@trellis/config/logger";
import { statement, toSql, type Db, type Sql } from "../sql/sql-client";

/**
 * Deletes a batch of finished runs older than their workspace's retention
 * (`workspaces.run_retention_days`). Their steps, events and waiters go with
 * them through the foreign keys' ON DELETE CASCADE.
 */
const deleteExpired = statement(
  "delete_expired_runs",
  `WITH expired AS (
     SELECT r.id FROM runs r JOIN workspaces w ON w.id = r.workspace_id
     WHERE r.status IN ('succeeded', 'failed', 'cancelled')
       AND r.finished_at < now() - make_interval(days => w.run_retention_days)
     LIMIT $1
   )
   DELETE FROM runs WHERE id IN (SELECT id FROM expired) RETURNING id`,
);

/** Deletes expired runs in batches (bounded, so one pass never holds the database for long); returns how many. */
export async function deleteExpiredRuns(db: Db, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const sql = toSql(db);
  const batchSize = options.batchSize ?? 500;
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
    const rows = await sql.query<{ id: string }>(deleteExpired, [batchSize]);
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return deleted;
}

/** Runs `deleteExpiredRuns` periodically (first pass shortly after start). */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(firstDelayMs = 60_000): void {
    this.timer = setTimeout(() => this.tick(), firstDelayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.running = (async () => {
      try {
        const deleted = await deleteExpiredRuns(this.sql);
        if (deleted > 0) this.logger.info({ deleted }, "deleted runs past their workspace's retention");
      } catch (error) {
        this.logger.warn({ err: error }, "deleting expired runs failed");
      } finally {
        this.running = null;
      }
    })();
    this.timer = setTimeout(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
