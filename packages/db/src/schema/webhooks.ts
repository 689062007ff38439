import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { runs } from "./runs";
import { users } from "./users";
import { workflows } from "./workflows";
import { workspaces } from "./workspaces";

export const signatureSchemeValues = ["hmac-sha256", "standard-webhooks", "stripe", "github", "none"] as const;
export const signatureSchemeEnum = pgEnum("webhook_signature_scheme", signatureSchemeValues);

export const answerModeValues = ["accepted", "result"] as const;
export const answerModeEnum = pgEnum("webhook_answer_mode", answerModeValues);

/**
 * An ingress endpoint, `POST /api/hooks/<slug>`, that starts runs of one
 * workflow. Secrets are stored encrypted; during a rotation the previous
 * secret keeps verifying until `previousSecretExpiresAt`.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    workflowId: uuid()
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    slug: text().notNull().unique(),
    name: text().notNull().default(""),
    signatureScheme: signatureSchemeEnum().notNull(),
    // hmac-sha256 only: which header carries the signature.
    signatureHeader: text(),
    secretCiphertext: text(),
    previousSecretCiphertext: text(),
    previousSecretExpiresAt: timestamp({ withTimezone: true }),
    allowedContentTypes: text().array().notNull().default(sql`array['application/json']::text[]`),
    active: boolean().notNull().default(true),
    answerMode: answerModeEnum().notNull().default("accepted"),
    resultTimeoutMs: integer().notNull().default(10_000),
    dedupeWindowSeconds: integer().notNull().default(86_400),
    maxBodyBytes: integer().notNull().default(1_048_576),
    // Overrides the webhookIngress policy for this endpoint; null = the default.
    rateLimit: integer(),
    rateLimitWindowSeconds: integer(),
    createdBy: uuid().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhooks_workspace_id_idx").on(t.workspaceId), index("webhooks_workflow_id_idx").on(t.workflowId)],
);

export const deliveryVerdictValues = ["accepted", "duplicate", "rejected"] as const;
export const deliveryVerdictEnum = pgEnum("webhook_delivery_verdict", deliveryVerdictValues);

/**
 * The delivery log. An accepted delivery is written in the same transaction
 * as its run, so there is never one without the other; `dedupeKey` (the
 * sender's delivery id, or the body's SHA-256) is claimed in
 * `webhook_dedupe_keys`, which points a duplicate at the first delivery.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    dedupeKey: text(),
    verdict: deliveryVerdictEnum().notNull(),
    statusCode: integer().notNull(),
    reason: text(),
    contentType: text(),
    // Headers with credentials removed.
    headers: jsonb().$type<Record<string, string>>().notNull(),
    // The query string's parameters, credentials removed likewise: the run's input has them, so a replay needs them too.
    query: jsonb().$type<Record<string, string>>().notNull().default({}),
    body: text(),
    runId: uuid().references(() => runs.id, { onDelete: "set null" }),
    replayOf: uuid(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("webhook_deliveries_webhook_id_received_at_idx").on(t.webhookId, t.receivedAt.desc()),
    // Deleting a run (retention deletes them by the hundred) clears the run of its deliveries: without
    // this index each deleted run would read the whole delivery log.
    index("webhook_deliveries_run_id_idx").on(t.runId).where(sql`${t.runId} is not null`),
  ],
);

/**
 * One row per dedupe key a webhook has seen inside its window: the first
 * accepted delivery. Ingress claims a key with INSERT … ON CONFLICT in the
 * statement that logs the delivery, so two identical deliveries arriving
 * together queue on the key's row and the second finds the first; a row
 * older than the webhook's window is claimed afresh. Retention prunes them.
 */
export const webhookDedupeKeys = pgTable(
  "webhook_dedupe_keys",
  {
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    dedupeKey: text().notNull(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    firstReceivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.webhookId, t.dedupeKey] }), index("webhook_dedupe_keys_delivery_id_idx").on(t.deliveryId)],
);

/** A workspace's subscription of a URL to run outcomes. */
export const notificationSubscriptions = pgTable(
  "notification_subscriptions",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    url: text().notNull(),
    events: text().array().notNull(),
    // Standard Webhooks signing secret (whsec_…), encrypted.
    secretCiphertext: text().notNull(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("notification_subscriptions_workspace_id_idx").on(t.workspaceId)],
);

export const notificationStatusValues = ["pending", "delivered", "failed"] as const;
export const notificationStatusEnum = pgEnum("notification_status", notificationStatusValues);

/**
 * The outbox of outbound notifications: written with the run's final state,
 * delivered and retried with back-off by the worker, so a restart loses none.
 */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: uuid().primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid()
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    subscriptionId: uuid().references(() => notificationSubscriptions.id, { onDelete: "set null" }),
    runId: uuid(),
    event: text().notNull(),
    url: text().notNull(),
    payload: jsonb().$type<unknown>().notNull(),
    status: notificationStatusEnum().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastStatusCode: integer(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("notification_deliveries_run_event_url_unique").on(t.runId, t.event, t.url),
    index("notification_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("notification_deliveries_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt.desc()),
  ],
);

export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type NotificationSubscription = typeof notificationSubscriptions.$inferSelect;
export type NotificationDelivery = typeof notificationDeliveries.$inferSelect;
