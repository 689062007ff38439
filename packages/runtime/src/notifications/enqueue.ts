import { statement, toSql, type Db } from "../sql/sql-client";
import { announceDue } from "./wake";

/**
 * The CTEs that write the outbox rows of the finished runs in `source` (a
 * relation with the run's id, workspace_id, workflow_id, version_id, status,
 * trigger_kind, output, error, callback_url, finished_at, dead_lettered_at;
 * only succeeded or failed runs): `run.succeeded` or `run.failed`, plus
 * `run.dead_lettered` when it was dead-lettered, each to every active
 * subscription of the workspace that wants it, and `run.<status>` to the run's
 * callback URL. The unique (run, event, url) makes it idempotent: a second
 * call (a retried finish, a recovered worker) adds nothing. A URL reached both
 * as a callback and by a subscription gets one delivery, signed with the
 * subscription's secret. Ends with `notification_rows` (RETURNING id).
 *
 * Shared by `enqueueRunNotifications` and the statement that finishes runs
 * (records/runs.ts), which writes a run's final state and its outbox rows in
 * one statement, so they commit together.
 */
export function outboxCtes(source: string): string {
  return `notification_outcome AS (
     SELECT src.*, e.event FROM ${source} src
     CROSS JOIN LATERAL (VALUES ('run.' || src.status::text), (CASE WHEN src.dead_lettered_at IS NOT NULL THEN 'run.dead_lettered' END)) AS e(event)
     WHERE e.event IS NOT NULL AND src.status IN ('succeeded', 'failed')
   ), notification_targets AS (
     SELECT o.id AS run_id, o.event, s.id AS subscription_id, s.url AS target
     FROM notification_outcome o JOIN notification_subscriptions s ON s.workspace_id = o.workspace_id AND s.active AND o.event = ANY(s.events)
     UNION ALL
     SELECT o.id, o.event, NULL::uuid, o.callback_url FROM notification_outcome o WHERE o.callback_url IS NOT NULL AND o.event = 'run.' || o.status::text
   ), notification_rows AS (
     INSERT INTO notification_deliveries (workspace_id, subscription_id, run_id, event, url, payload)
     SELECT DISTINCT ON (t.run_id, t.event, t.target) o.workspace_id, t.subscription_id, t.run_id, t.event, t.target,
       jsonb_build_object(
         'type', t.event,
         'timestamp', to_char(o.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'data', jsonb_build_object(
           'runId', o.id, 'workspaceId', o.workspace_id, 'workflowId', o.workflow_id, 'versionId', o.version_id,
           'status', o.status, 'triggerKind', o.trigger_kind, 'output', o.output, 'error', o.error,
           'finishedAt', to_char(o.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
           'deadLettered', o.dead_lettered_at IS NOT NULL))
     FROM notification_targets t JOIN notification_outcome o ON o.id = t.run_id AND o.event = t.event
     ORDER BY t.run_id, t.event, t.target, t.subscription_id NULLS LAST
     ON CONFLICT (run_id, event, url) DO NOTHING
     RETURNING id
   )`;
}

/** The columns `outboxCtes` needs from its source. */
export const OUTBOX_RUN_COLUMNS = "id, workspace_id, workflow_id, version_id, status, trigger_kind, output, error, callback_url, finished_at, dead_lettered_at";

const enqueueStatement = statement(
  "enqueue_run_notifications",
  `WITH finished AS (
     SELECT ${OUTBOX_RUN_COLUMNS} FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('succeeded', 'failed')
   ), ${outboxCtes("finished")}
   SELECT count(*) AS enqueued FROM notification_rows`,
);

/**
 * Writes the outbox rows of finished runs' notifications (see `outboxCtes`)
 * and returns how many were new. `finishRuns` writes them in its own
 * statement; this is for runs finished otherwise, and safe to call again
 * (idempotent). Runs that are not succeeded or failed (cancelled, or still
 * going) enqueue nothing.
 */
export async function enqueueRunNotifications(db: Db, runIds: string | readonly string[]): Promise<number> {
  const ids = typeof runIds === "string" ? [runIds] : [...runIds];
  if (ids.length === 0) return 0;
  const sql = toSql(db);
  const [row] = await sql.query<{ enqueued: unknown }>(enqueueStatement, [ids]);
  const enqueued = Number(row?.enqueued ?? 0);
  if (enqueued > 0) sql.afterCommit(() => announceDue(sql));
  return enqueued;
}
