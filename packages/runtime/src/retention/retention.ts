import type { Logger } from "@trellis/config/logger";
import { statement, toSql, type Db, type Sql, type Statement } from "../sql/sql-client";
import { PeriodicJob } from "../maintenance/periodic-job";

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

/**
 * Deletes a batch of webhook deliveries (the delivery log) received longer ago
 * than their workspace's retention. A delivery inside its webhook's dedupe
 * window stays whatever the retention says: it is what answers a duplicate
 * with the first delivery's run.
 */
const deleteExpiredWebhookDeliveries = statement(
  "delete_expired_webhook_deliveries",
  `WITH expired AS (
     SELECT d.id FROM webhook_deliveries d
       JOIN workspaces w ON w.id = d.workspace_id
       JOIN webhooks h ON h.id = d.webhook_id
     WHERE d.received_at < now() - greatest(make_interval(days => w.run_retention_days), make_interval(secs => h.dedupe_window_seconds))
     LIMIT $1
   )
   DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM expired) RETURNING id`,
);

/**
 * Deletes a batch of dedupe keys older than their webhook's window: ingress
 * would claim them afresh anyway, and a key must not outlive the window only
 * because the delivery it points at is kept longer.
 */
const deleteExpiredDedupeKeys = statement(
  "delete_expired_webhook_dedupe_keys",
  `WITH expired AS (
     SELECT k.webhook_id, k.dedupe_key FROM webhook_dedupe_keys k JOIN webhooks h ON h.id = k.webhook_id
     WHERE k.first_received_at <= now() - make_interval(secs => h.dedupe_window_seconds)
     LIMIT $1
   )
   DELETE FROM webhook_dedupe_keys k USING expired e
   WHERE k.webhook_id = e.webhook_id AND k.dedupe_key = e.dedupe_key RETURNING k.delivery_id AS id`,
);

/**
 * Deletes a batch of outbound notification deliveries created longer ago than
 * their workspace's retention, once settled (delivered or failed for good): a
 * pending one is still owed to its receiver, however old.
 */
const deleteExpiredNotificationDeliveries = statement(
  "delete_expired_notification_deliveries",
  `WITH expired AS (
     SELECT n.id FROM notification_deliveries n JOIN workspaces w ON w.id = n.workspace_id
     WHERE n.status <> 'pending'
       AND n.created_at < now() - make_interval(days => w.run_retention_days)
     LIMIT $1
   )
   DELETE FROM notification_deliveries WHERE id IN (SELECT id FROM expired) RETURNING id`,
);

/** How big and how many batches one pass deletes at most. */
export interface RetentionBatchOptions {
  batchSize?: number;
  maxBatches?: number;
}

/** Runs a batch delete until a batch comes back short or the pass's batches are used up; returns how many rows went. */
async function deleteInBatches(sql: Sql, batchDelete: Statement, options: RetentionBatchOptions): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  let deleted = 0;
  for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
    const rows = await sql.query<{ id: string }>(batchDelete, [batchSize]);
    deleted += rows.length;
    if (rows.length < batchSize) break;
  }
  return deleted;
}

/** Deletes expired runs in batches (bounded, so one pass never holds the database for long); returns how many. */
export async function deleteExpiredRuns(db: Db, options: RetentionBatchOptions = {}): Promise<number> {
  return deleteInBatches(toSql(db), deleteExpired, options);
}

/** Deletes expired webhook dedupe keys and webhook and notification deliveries, in bounded batches like the runs; returns how many of each. */
export async function deleteExpiredDeliveries(
  db: Db,
  options: RetentionBatchOptions = {},
): Promise<{ webhookDeliveries: number; notificationDeliveries: number; dedupeKeys: number }> {
  const sql = toSql(db);
  return {
    dedupeKeys: await deleteInBatches(sql, deleteExpiredDedupeKeys, options),
    webhookDeliveries: await deleteInBatches(sql, deleteExpiredWebhookDeliveries, options),
    notificationDeliveries: await deleteInBatches(sql, deleteExpiredNotificationDeliveries, options),
  };
}

/** Runs `deleteExpiredRuns` and `deleteExpiredDeliveries` periodically. */
export function retentionJob(sql: Sql, intervalMs: number, logger: Logger): PeriodicJob {
  return new PeriodicJob(
    "deleting expired runs and deliveries",
    intervalMs,
    async () => {
      const deleted = await deleteExpiredRuns(sql);
      if (deleted > 0) logger.info({ deleted }, "deleted runs past their workspace's retention");
      const deliveries = await deleteExpiredDeliveries(sql);
      if (deliveries.webhookDeliveries + deliveries.notificationDeliveries + deliveries.dedupeKeys > 0) {
        logger.info(deliveries, "deleted webhook and notification deliveries past their workspace's retention, and dedupe keys past their window");
      }
    },
    logger,
  );
}
