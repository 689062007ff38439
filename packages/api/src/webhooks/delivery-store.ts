import { randomUUID } from "node:crypto";
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

/**
 * Claims the dedupe key for this delivery and logs it, in one statement: a
 * key seen inside the window keeps pointing at its first delivery (returned,
 * and nothing is logged); a new or expired key points at this one ($13),
 * whose row is inserted alongside. Two identical deliveries arriving together
 * queue on the key's row, and the second sees the first one's claim.
 */
const claimKeyAndLog = statement(
  "webhook_claim_key_and_log",
  `WITH claim AS (
     INSERT INTO webhook_dedupe_keys (webhook_id, dedupe_key, delivery_id) VALUES ($2, $3, $13)
     ON CONFLICT (webhook_id, dedupe_key) DO UPDATE SET
       delivery_id = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => $14)
         THEN excluded.delivery_id ELSE webhook_dedupe_keys.delivery_id END,
       first_received_at = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => $14)
         THEN excluded.first_received_at ELSE webhook_dedupe_keys.first_received_at END
     RETURNING delivery_id
   ), logged AS (
     INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, dedupe_key, verdict, status_code, reason, content_type, headers, query, body, run_id, replay_of)
     SELECT $13, $1, $2, $3, $4::webhook_delivery_verdict, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12 FROM claim WHERE claim.delivery_id = $13
     RETURNING id
   )
   SELECT delivery_id FROM claim`,
);

const selectDeliveryRun = statement("webhook_delivery_run", `SELECT run_id FROM webhook_deliveries WHERE id = $1`);

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

/** Thrown inside the accepting transaction to roll its run back: the key belongs to an earlier delivery. */
class DuplicateDelivery extends Error {
  constructor(readonly firstDeliveryId: string) {
    super("duplicate webhook delivery");
  }
}

/**
 * Records an accepted delivery and starts its run in ONE transaction, so
 * neither exists without the other. With a dedupe key, the statement that
 * logs the delivery first claims the key (see `claimKeyAndLog`); when an
 * earlier delivery holds it, the transaction rolls back (no run) and the
 * request is logged as that delivery's duplicate, answering with its run.
 */
export async function acceptDelivery(sql: Sql, input: AcceptInput): Promise<AcceptedDelivery> {
  const { webhook, parts } = input;
  const row = (verdict: "accepted" | "duplicate", runId: string | null) => [
    webhook.workspaceId,
    webhook.id,
    input.dedupeKey,
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
  try {
    return await sql.transaction(async (tx) => {
      const { run } = await startRun(tx, {
        workspaceId: webhook.workspaceId,
        workflowId: webhook.workflowId,
        triggerKind: input.triggerKind ?? "webhook",
        input: input.runInput,
        latest: webhook.latest ?? undefined,
      });
      if (input.dedupeKey === null) {
        const [logged] = await tx.query<{ id: string }>(insertDelivery, row("accepted", run.id));
        const id = (logged as { id: string }).id;
        return { deliveryId: id, runId: run.id, duplicate: false, loggedId: id };
      }
      const id = randomUUID();
      const [claim] = await tx.query<{ delivery_id: string }>(claimKeyAndLog, [...row("accepted", run.id), id, input.dedupeWindowSeconds]);
      if (claim?.delivery_id !== id) throw new DuplicateDelivery(claim?.delivery_id as string);
      return { deliveryId: id, runId: run.id, duplicate: false, loggedId: id };
    });
  } catch (error) {
    if (!(error instanceof DuplicateDelivery)) throw error;
    // The first delivery committed before its claim could be seen: its run is readable now.
    const [first] = await sql.query<{ run_id: string | null }>(selectDeliveryRun, [error.firstDeliveryId]);
    const runId = first?.run_id ?? null;
    const [logged] = await sql.query<{ id: string }>(insertDelivery, row("duplicate", runId));
    return { deliveryId: error.firstDeliveryId, runId, duplicate: true, loggedId: (logged as { id: string }).id };
  }
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
