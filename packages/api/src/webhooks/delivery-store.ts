import { randomUUID } from "node:crypto";
import type { Json } from "@trellis/engine";
import { Batcher, startGuardedRuns, type RunGuard, type Sql, type Statement, type TriggerKind } from "@trellis/runtime";

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

/** What a delivery's log row holds besides its id, in the order every statement here binds it. */
const DELIVERY_COLUMNS = "workspace_id, webhook_id, dedupe_key, verdict, status_code, reason, content_type, headers, query, body, run_id, replay_of";
const CASTS: Record<number, string> = { 3: "::webhook_delivery_verdict", 7: "::jsonb", 8: "::jsonb" };
/** The placeholders of DELIVERY_COLUMNS, numbered from $first. */
const deliveryValues = (first: number) => Array.from({ length: 12 }, (_, i) => `$${first + i}${CASTS[i] ?? ""}`).join(", ");

const insertDelivery = statement(
  "webhook_insert_delivery",
  `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}) VALUES (${deliveryValues(1)}) RETURNING id`,
);

// The guards' delivery id is $3 (a guard's parameters start there), its log row $4 to $15.
const GUARD_DELIVERY_COLUMNS = `id, ${DELIVERY_COLUMNS}`;
const GUARD_DELIVERY_VALUES = `$3, ${deliveryValues(4)}`;

/**
 * Accepting a delivery is the statement that creates its run (a `RunGuard`:
 * atomic, one round trip). Without a dedupe key, the delivery is logged
 * alongside. With one, the statement first claims the key: a key seen inside
 * the window ($16 seconds) keeps pointing at its first delivery (returned,
 * and neither the run nor the log row is written); a new or expired key
 * points at this delivery ($3), logged alongside its run. Two identical
 * deliveries arriving together queue on the key's row, and the second sees
 * the first one's claim.
 */
const logGuard = (params: unknown[]): RunGuard => ({
  name: "webhook_log",
  ctes: `logged AS (INSERT INTO webhook_deliveries (${GUARD_DELIVERY_COLUMNS}) VALUES (${GUARD_DELIVERY_VALUES}) RETURNING id)`,
  when: "true",
  result: "$3::uuid",
  params,
});

const claimKeyAndLogGuard = (params: unknown[]): RunGuard => ({
  name: "webhook_claim_key_and_log",
  ctes: `claim AS (
     INSERT INTO webhook_dedupe_keys (webhook_id, dedupe_key, delivery_id) VALUES ($5, $6, $3)
     ON CONFLICT (webhook_id, dedupe_key) DO UPDATE SET
       delivery_id = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => $16)
         THEN excluded.delivery_id ELSE webhook_dedupe_keys.delivery_id END,
       first_received_at = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => $16)
         THEN excluded.first_received_at ELSE webhook_dedupe_keys.first_received_at END
     RETURNING delivery_id
   ), logged AS (
     INSERT INTO webhook_deliveries (${GUARD_DELIVERY_COLUMNS})
     SELECT ${GUARD_DELIVERY_VALUES} FROM claim WHERE claim.delivery_id = $3
     RETURNING id
   )`,
  when: "EXISTS (SELECT 1 FROM claim WHERE claim.delivery_id = $3)",
  result: "(SELECT delivery_id FROM claim)",
  params,
});

const selectDeliveryRun = statement("webhook_delivery_run", `SELECT run_id FROM webhook_deliveries WHERE id = $1`);

const setStatusCodes = statement(
  "webhook_set_delivery_statuses",
  `UPDATE webhook_deliveries d SET status_code = x.status FROM unnest($1::uuid[], $2::int[]) AS x(id, status)
   WHERE d.id = x.id AND d.id = ANY($1::uuid[])`,
);

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
 * Records an accepted delivery and starts its run in ONE statement, so
 * neither exists without the other (see `claimKeyAndLogGuard`). When an
 * earlier delivery holds the dedupe key, nothing is created and the request
 * is logged as that delivery's duplicate, answering with its run.
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
  const deliveryId = randomUUID();
  const runId = randomUUID();
  const logged = [deliveryId, ...row("accepted", runId)];
  const { passed, guard } = await startGuardedRuns(
    sql,
    {
      workspaceId: webhook.workspaceId,
      workflowId: webhook.workflowId,
      triggerKind: input.triggerKind ?? "webhook",
      latest: webhook.latest ?? undefined,
      items: [{ input: input.runInput }],
      runIds: [runId],
    },
    input.dedupeKey === null ? logGuard(logged) : claimKeyAndLogGuard([...logged, input.dedupeWindowSeconds]),
  );
  if (passed) return { deliveryId, runId, duplicate: false, loggedId: deliveryId };
  // The first delivery committed before its claim could be seen: its run is readable now.
  const firstDeliveryId = guard as string;
  const [first] = await sql.query<{ run_id: string | null }>(selectDeliveryRun, [firstDeliveryId]);
  const firstRunId = first?.run_id ?? null;
  const [duplicate] = await sql.query<{ id: string }>(insertDelivery, row("duplicate", firstRunId));
  return { deliveryId: firstDeliveryId, runId: firstRunId, duplicate: true, loggedId: (duplicate as { id: string }).id };
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

/** Per database: result-mode answers recorded while a write is in flight go out together in the next one. */
const answerStatuses = new WeakMap<object, Batcher<{ id: string; statusCode: number }, void>>();

/**
 * A result-mode answer is known only after the wait: the log records what
 * was answered. Written after the answer went out (the delivery itself was
 * stored before), many answers to one statement.
 */
export function recordAnswerStatus(sql: Sql, loggedId: string, statusCode: number): Promise<void> {
  let batcher = answerStatuses.get(sql.scope);
  if (!batcher) {
    batcher = new Batcher("webhook answer statuses", async (items) => {
      await sql.query(setStatusCodes, [items.map((item) => item.id), items.map((item) => item.statusCode)]);
      return items.map(() => undefined);
    });
    answerStatuses.set(sql.scope, batcher);
  }
  return batcher.submit({ id: loggedId, statusCode });
}
