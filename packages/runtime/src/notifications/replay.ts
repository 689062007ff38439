import { notFound } from "@trellis/config/errors";
import { statement, toSql, type Db } from "../sql/sql-client";
import { announceDue } from "./wake";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const replayStatement = statement(
  "replay_notification_delivery",
  `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL, delivered_at = NULL
   WHERE id = $1 AND workspace_id = $2
   RETURNING id`,
);

/**
 * Sends a delivery again, whatever became of it: it goes back to the outbox
 * with a fresh set of attempts (same row, so the same webhook-id: the
 * receiver can tell it is the same event). NOT_FOUND for another
 * workspace's delivery.
 */
export async function replayNotificationDelivery(db: Db, ref: { workspaceId: string; deliveryId: string }): Promise<void> {
  if (!UUID.test(ref.deliveryId) || !UUID.test(ref.workspaceId)) throw notFound("Notification delivery");
  const sql = toSql(db);
  const rows = await sql.query(replayStatement, [ref.deliveryId, ref.workspaceId]);
  if (rows.length === 0) throw notFound("Notification delivery");
  sql.afterCommit(() => announceDue(sql));
}
