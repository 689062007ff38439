import { randomUUID } from "node:crypto";
import type { Json } from "@trellis/engine";
import {
  Batcher,
  executeBeforeCreating,
  launchRuns,
  outcomeOf,
  prepareRunStarts,
  type PreparedStart,
  type RunGuard,
  type RunOutcomeSnapshot,
  type Sql,
  type Statement,
  type TriggerKind,
} from "@trellis/runtime";

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
  /** How the run ended, when this delivery created it finished (executed inline: see `executeBeforeCreating`). */
  outcome?: RunOutcomeSnapshot;
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

/**
 * Accepting deliveries is the statement that creates their runs (a
 * `RunGuard`: atomic, one round trip, however many deliveries). A delivery
 * with a dedupe key first claims it: a key seen inside its window keeps
 * pointing at its first delivery (returned, and neither the run nor the log
 * row is written); a new or expired key points at this delivery, logged
 * alongside its run. Without a key the delivery is logged alongside its run.
 * Two identical deliveries arriving together queue on the key's row, and the
 * second sees the first one's claim. Keys are claimed in key order, so two
 * statements claiming overlapping keys wait for each other instead of
 * deadlocking. One statement must not claim one key twice: see `claimants`.
 */
const acceptGuard = (deliveries: string): RunGuard => ({
  name: "webhook_accept",
  ctes: `deliveries AS (
     SELECT * FROM jsonb_to_recordset($3::jsonb) AS d(i int, id uuid, workspace_id uuid, webhook_id uuid, dedupe_key text,
       content_type text, headers jsonb, query jsonb, body text, run_id uuid, replay_of uuid, window_seconds int, status_code int)
   ), claim AS (
     INSERT INTO webhook_dedupe_keys (webhook_id, dedupe_key, delivery_id)
     SELECT webhook_id, dedupe_key, id FROM deliveries WHERE dedupe_key IS NOT NULL ORDER BY webhook_id, dedupe_key
     ON CONFLICT (webhook_id, dedupe_key) DO UPDATE SET
       delivery_id = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => (SELECT d.window_seconds FROM deliveries d WHERE d.id = excluded.delivery_id))
         THEN excluded.delivery_id ELSE webhook_dedupe_keys.delivery_id END,
       first_received_at = CASE WHEN webhook_dedupe_keys.first_received_at <= now() - make_interval(secs => (SELECT d.window_seconds FROM deliveries d WHERE d.id = excluded.delivery_id))
         THEN excluded.first_received_at ELSE webhook_dedupe_keys.first_received_at END
     RETURNING webhook_id, dedupe_key, delivery_id
   ), won AS (
     SELECT d.i FROM deliveries d WHERE d.dedupe_key IS NULL OR EXISTS (SELECT 1 FROM claim c WHERE c.delivery_id = d.id)
   ), logged AS (
     INSERT INTO webhook_deliveries (id, ${DELIVERY_COLUMNS})
     SELECT d.id, d.workspace_id, d.webhook_id, d.dedupe_key, 'accepted'::webhook_delivery_verdict, d.status_code, NULL, d.content_type, d.headers, d.query,
       d.body, d.run_id, d.replay_of
     FROM deliveries d WHERE d.i IN (SELECT i FROM won) ORDER BY d.i
     RETURNING id
   )`,
  when: "EXISTS (SELECT 1 FROM won WHERE won.i = input.i)",
  result: "(SELECT c.delivery_id FROM claim c JOIN deliveries d ON d.webhook_id = c.webhook_id AND d.dedupe_key = c.dedupe_key WHERE d.i = input.i)",
  params: [deliveries],
});

const selectDeliveryRun = statement("webhook_delivery_run", `SELECT run_id FROM webhook_deliveries WHERE id = $1`);

const setStatusCodes = statement(
  "webhook_set_delivery_statuses",
  `UPDATE webhook_deliveries d SET status_code = x.status FROM unnest($1::uuid[], $2::int[]) AS x(id, status)
   WHERE d.id = x.id AND d.id = ANY($1::uuid[])`,
);

export interface AcceptInput {
  webhook: WebhookRef;
  parts: DeliveryParts;
  body: string;
  runInput: Json;
  /** Null: no deduplication (replays, a zero window). */
  dedupeKey: string | null;
  dedupeWindowSeconds: number;
  triggerKind?: TriggerKind;
  replayOf?: string | null;
  /** `result`: a run created finished is answered (and logged) 200 with its output at once. */
  answerMode?: "accepted" | "result";
}

/** A delivery whose run start is validated: ready to be accepted with others. */
interface PreparedDelivery {
  input: AcceptInput;
  start: PreparedStart;
  deliveryId: string;
  runId: string;
}

async function prepareDelivery(sql: Sql, input: AcceptInput): Promise<PreparedDelivery> {
  const { webhook } = input;
  const runId = randomUUID();
  const [start] = await prepareRunStarts(sql, {
    workspaceId: webhook.workspaceId,
    workflowId: webhook.workflowId,
    triggerKind: input.triggerKind ?? "webhook",
    latest: webhook.latest ?? undefined,
    items: [{ input: input.runInput }],
    runIds: [runId],
  });
  // A run that needs nothing outside itself executes now and is created finished: one commit for the delivery and its whole run.
  return { input, start: await executeBeforeCreating(sql, start as PreparedStart), deliveryId: randomUUID(), runId };
}

const claimKey = ({ input }: PreparedDelivery) => (input.dedupeKey === null ? null : `${input.webhook.id} ${input.dedupeKey}`);

/**
 * The deliveries that go into the statement: the first of each dedupe key
 * (one statement cannot claim a key twice). The others arrived together with
 * it, so they are its duplicates (or, when it loses to an earlier delivery,
 * that one's): `following[i]` is the index of the claimant they follow.
 */
function claimants(batch: readonly PreparedDelivery[]): { claiming: PreparedDelivery[]; following: (number | null)[] } {
  const claiming: PreparedDelivery[] = [];
  const byKey = new Map<string, number>();
  const following = batch.map((delivery) => {
    const key = claimKey(delivery);
    const first = key === null ? undefined : byKey.get(key);
    if (first !== undefined) return first;
    if (key !== null) byKey.set(key, claiming.length);
    claiming.push(delivery);
    return null;
  });
  return { claiming, following };
}

/** A duplicate's log row as `insertDelivery` binds it. */
function duplicateRow(input: AcceptInput, runId: string | null): unknown[] {
  const { webhook, parts } = input;
  return [
    webhook.workspaceId,
    webhook.id,
    input.dedupeKey,
    "duplicate",
    202,
    null,
    parts.contentType,
    JSON.stringify(parts.headers),
    JSON.stringify(parts.query),
    input.body,
    runId,
    input.replayOf ?? null,
  ];
}

/**
 * Records accepted deliveries and starts their runs in ONE statement, so
 * none exists without the other (see `acceptGuard`). A delivery whose dedupe
 * key an earlier one holds gets nothing created and is logged as that one's
 * duplicate, answering with its run.
 */
async function acceptPrepared(sql: Sql, batch: readonly PreparedDelivery[]): Promise<AcceptedDelivery[]> {
  const { claiming, following } = claimants(batch);
  const deliveries = claiming.map(({ input, deliveryId, runId, start }, i) => ({
    i,
    id: deliveryId,
    workspace_id: input.webhook.workspaceId,
    webhook_id: input.webhook.id,
    dedupe_key: input.dedupeKey,
    content_type: input.parts.contentType,
    headers: input.parts.headers,
    query: input.parts.query,
    body: input.body,
    run_id: runId,
    replay_of: input.replayOf ?? null,
    window_seconds: input.dedupeWindowSeconds,
    status_code: input.answerMode === "result" && start.inline ? 200 : 202,
  }));
  const launched = await launchRuns(
    sql,
    claiming.map(({ start }) => start),
    acceptGuard(JSON.stringify(deliveries)),
  );
  /** Who holds claimant i's key: itself when it won, else the earlier delivery the statement returned (committed, so readable). */
  const holder = (i: number): { deliveryId: string; runId: string | null; known: boolean } => {
    const claimant = claiming[i] as PreparedDelivery;
    return launched[i]?.passed
      ? { deliveryId: claimant.deliveryId, runId: claimant.runId, known: true }
      : { deliveryId: launched[i]?.guard as string, runId: null, known: false };
  };
  let claimantIndex = 0;
  return Promise.all(
    batch.map(async (delivery, b) => {
      const followed = following[b] ?? null;
      const index = followed ?? claimantIndex++;
      const first = holder(index);
      if (followed === null && first.deliveryId === delivery.deliveryId) {
        const run = launched[index]?.created?.run;
        const outcome = run && delivery.start.inline ? (outcomeOf(run) ?? undefined) : undefined;
        return { deliveryId: delivery.deliveryId, runId: delivery.runId, duplicate: false, loggedId: delivery.deliveryId, outcome };
      }
      const runId = first.known ? first.runId : ((await sql.query<{ run_id: string | null }>(selectDeliveryRun, [first.deliveryId]))[0]?.run_id ?? null);
      const [duplicate] = await sql.query<{ id: string }>(insertDelivery, duplicateRow(delivery.input, runId));
      return { deliveryId: first.deliveryId, runId, duplicate: true, loggedId: (duplicate as { id: string }).id };
    }),
  );
}

/**
 * Records an accepted delivery and starts its run in one statement of its
 * own (replays from the log). Validation errors of the run start are thrown
 * before anything is written.
 */
export async function acceptDelivery(sql: Sql, input: AcceptInput): Promise<AcceptedDelivery> {
  const [accepted] = await acceptPrepared(sql, [await prepareDelivery(sql, input)]);
  return accepted as AcceptedDelivery;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Per database: deliveries arriving while an accept statement is in flight go out together in the next one. */
const acceptBatchers = new WeakMap<object, Batcher<PreparedDelivery, Settled<AcceptedDelivery>>>();

// Bodies travel in the statement's parameters: a batch of large ones is cut short.
const ACCEPT_BATCHES = { maxItems: 200, maxWeight: 4 * 1024 * 1024, weight: (delivery: PreparedDelivery) => delivery.input.body.length + 512 };

/**
 * `acceptDelivery` for webhook ingress: deliveries arriving together share
 * one statement and one commit (group commit), each answered once that
 * commit is done. `sql` must not be a transaction (the statement runs
 * outside it). Should a shared statement fail, each of its deliveries is
 * tried alone, so a bad delivery fails only its own request.
 */
export async function acceptDeliveryTogether(sql: Sql, input: AcceptInput): Promise<AcceptedDelivery> {
  const prepared = await prepareDelivery(sql, input);
  let batcher = acceptBatchers.get(sql.scope);
  if (!batcher) {
    batcher = new Batcher(
      "webhook deliveries",
      async (batch) => {
        try {
          return (await acceptPrepared(sql, batch)).map((value) => ({ ok: true as const, value }));
        } catch (error) {
          // Alone, a transient failure is retried by the batcher; a delivery's own failure is its own.
          if (batch.length === 1) throw error;
          return Promise.all(
            batch.map((delivery) =>
              acceptPrepared(sql, [delivery]).then(
                ([value]) => ({ ok: true as const, value: value as AcceptedDelivery }),
                (error: unknown) => ({ ok: false as const, error }),
              ),
            ),
          );
        }
      },
      ACCEPT_BATCHES,
    );
    acceptBatchers.set(sql.scope, batcher);
  }
  const settled = await batcher.submit(prepared);
  if (!settled.ok) throw settled.error;
  return settled.value;
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

/** Per database: result-mode answers recorded within a short while (or while a write is in flight) go out together. */
const ANSWER_STATUS_LINGER_MS = 100;
const answerStatuses = new WeakMap<object, Batcher<{ id: string; statusCode: number }, void>>();

/**
 * A result-mode answer is known only after the wait: the log records what
 * was answered. Written after the answer went out (the delivery itself was
 * stored before), many answers to one statement.
 */
export function recordAnswerStatus(sql: Sql, loggedId: string, statusCode: number): Promise<void> {
  let batcher = answerStatuses.get(sql.scope);
  if (!batcher) {
    batcher = new Batcher(
      "webhook answer statuses",
      async (items) => {
        await sql.query(setStatusCodes, [items.map((item) => item.id), items.map((item) => item.statusCode)]);
        return items.map(() => undefined);
      },
      // Nobody waits on these: a status joins the log up to a tenth of a second later, in fewer, fuller statements.
      { lingerMs: ANSWER_STATUS_LINGER_MS },
    );
    answerStatuses.set(sql.scope, batcher);
  }
  return batcher.submit({ id: loggedId, statusCode });
}
