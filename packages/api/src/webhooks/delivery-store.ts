import type { Json } from "@trellis/engine";
import { startRun, type Sql, type Statement, type TriggerKind } from "@trellis/runtime";

/** A named statement: node-postgres prepares it once per connection. */
export const statement = (name: string, text: string): Statement => ({ name: `trellis_${name}`, text });

/** What the log keeps of a delivery besides its verdict. */
export interface DeliveryParts {
  contentType: string | null;
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** An accepted (or replayed) delivery and the run it started. */
export interface AcceptedDelivery {
  deliveryId: string;
  runId: string | null;
  /** True when an earlier delivery with the same dedupe key inside the window already started the run. */
  duplicate: boolean;
  /** The log row written for this request (the first delivery's own row when not a duplicate). */
  loggedId: string;
}

interface WebhookRef {
  id: string;
  workspaceId: string;
  workflowId: string;
  /** The workflow's latest version when the caller just read it with the webhook (spares a lookup); else it is looked up. */
  latest?: { versionId: string; concurrencyLimit: number | null } | null;
}

const insertDelivery = statement(
  "webhook_insert_delivery",
  `INSERT INTO webhook_deliveries (workspace_id, webhook_id, dedupe_key, verdict, status_code, reason, content_type, headers, query, body, run_id, replay_of)
   VALUES ($1, $2, $3, $4::webhook_delivery_verdict, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12)
   RETURNING id`,
);

// Serialises deliveries with the same dedupe key (and only those) until the
// transaction ends; the 64-bit hash only risks two keys waiting on each other.
const lockDedupeKey = statement("webhook_lock_dedupe_key", `SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended($1, 0))) AS locked`);

const findFirstDelivery = statement(
  "webhook_find_first_delivery",
  `SELECT id, run_id FROM webhook_deliveries
   WHERE webhook_id = $1 AND dedupe_key = $2 AND verdict = 'accepted' AND received_at > now() - make_interval(secs => $3)
   ORDER BY received_at LIMIT 1`,
);

const setStatusCode = statement("webhook_set_delivery_status", `UPDATE webhook_deliveries SET status_code = $2 WHERE id = $1`);

interface AcceptInput {
  webhook: WebhookRef;
  parts: DeliveryParts;
  body: string;
  runInput: Json;
  /** Null: no deduplication (replays, a zero window). */
  dedupeKey: string | null;
  dedupeWindowSeconds: number;
  triggerKind?: TriggerKind;
  replayOf?: string | null;
}

/**
 * Records an accepted delivery and starts its run in ONE transaction, so
 * neither exists without the other. With a dedupe key, an advisory lock on
 * (webhook, key) taken before looking for an earlier delivery makes two
 * identical deliveries arriving together queue behind each other: the second
 * sees the first one's committed row and is logged as its duplicate. The
 * lock must be its own statement: a statement's snapshot is taken when it
 * starts, before it could wait for the lock.
 */
export function acceptDelivery(sql: Sql, input: AcceptInput): Promise<AcceptedDelivery> {
  const { webhook, parts } = input;
  const row = (verdict: "accepted" | "duplicate", runId: string | null, dedupeKey: string | null) => [
    webhook.workspaceId,
    webhook.id,
    dedupeKey,
    verdict,
    202,
    null,
    parts.contentType,
    JSON.stringify(parts.headers),
    JSON.stringify(parts.query),
    input.body,
    runId,
    input.replayOf ?? null,
  ];
  return sql.transaction(async (tx) => {
    if (input.dedupeKey !== null) {
      await tx.query(lockDedupeKey, [`webhook-dedupe:${webhook.id}:${input.dedupeKey}`]);
      const [first] = await tx.query<{ id: string; run_id: string | null }>(findFirstDelivery, [webhook.id, input.dedupeKey, input.dedupeWindowSeconds]);
      if (first) {
        const [logged] = await tx.query<{ id: string }>(insertDelivery, row("duplicate", first.run_id, input.dedupeKey));
        return { deliveryId: first.id, runId: first.run_id, duplicate: true, loggedId: (logged as { id: string }).id };
      }
    }
    const { run } = await startRun(tx, {
      workspaceId: webhook.workspaceId,
      workflowId: webhook.workflowId,
      triggerKind: input.triggerKind ?? "webhook",
      input: input.runInput,
      latest: webhook.latest ?? undefined,
    });
    const [logged] = await tx.query<{ id: string }>(insertDelivery, row("accepted", run.id, input.dedupeKey));
    const id = (logged as { id: string }).id;
    return { deliveryId: id, runId: run.id, duplicate: false, loggedId: id };
  });
}

/**
 * Logs a refused delivery: no body (it was not authenticated, or not read)
 * and no run, so nothing of it can be half-stored.
 */
export async function recordRejection(sql: Sql, webhook: WebhookRef, parts: DeliveryParts, statusCode: number, reason: string): Promise<void> {
  await sql.query(insertDelivery, [
    webhook.workspaceId,
    webhook.id,
    null,
    "rejected",
    statusCode,
    reason.slice(0, 500),
    parts.contentType,
    JSON.stringify(parts.headers),
    JSON.stringify(parts.query),
    null,
    null,
    null,
  ]);
}

/** A result-mode answer is known only after the wait: the log records what was answered. */
export async function recordAnswerStatus(sql: Sql, loggedId: string, statusCode: number): Promise<void> {
  await sql.query(setStatusCode, [loggedId, statusCode]);
}
