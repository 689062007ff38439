import { randomBytes, randomUUID } from "node:crypto";
import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { env } from "@trellis/config";
import { schema, type Database } from "@trellis/db";
import { notificationStatusValues } from "@trellis/db/schema";
import { createOutboundGuard, notificationEvents, replayNotificationDelivery } from "@trellis/runtime/notifications";
import { decryptSubscriptionSecret, encryptSubscriptionSecret, runCallbackSecret } from "../webhooks/secrets";
import { cursorSchema, decodeCursor, limitSchema, pageSchema, toPage, type Page } from "./pagination";
import type { DataScope } from "./scope";

const subscriptions = schema.notificationSubscriptions;
const deliveries = schema.notificationDeliveries;

export const subscriptionIdSchema = z.uuid("Unknown subscription");
export const notificationUrlSchema = z
  .url({ protocol: /^https?$/, error: "Enter an http:// or https:// URL" })
  .max(2_000)
  .meta({ description: "Receives a signed POST per event (Standard Webhooks)", example: "https://example.com/hooks/trellis" });

export const createSubscriptionInput = z.object({
  url: notificationUrlSchema,
  events: z
    .array(z.enum(notificationEvents))
    .min(1, "Choose at least one event")
    .transform((events) => [...new Set(events)]),
  active: z.boolean().default(true),
});
export const subscriptionIdInput = z.object({ subscriptionId: subscriptionIdSchema });

export const subscriptionSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.enum(notificationEvents)),
  active: z.boolean(),
  createdAt: z.date(),
});
export type SubscriptionView = z.output<typeof subscriptionSchema>;
export const subscriptionWithSecretSchema = subscriptionSchema.extend({
  secret: z.string().meta({ description: "The Standard Webhooks signing secret (whsec_…), shown this once" }),
});

const subscriptionColumns = {
  id: subscriptions.id,
  url: subscriptions.url,
  events: subscriptions.events,
  active: subscriptions.active,
  createdAt: subscriptions.createdAt,
};

const toSubscription = (row: { events: string[] } & Omit<SubscriptionView, "events">): SubscriptionView => ({
  ...row,
  events: row.events.filter((event): event is SubscriptionView["events"][number] => (notificationEvents as readonly string[]).includes(event)),
});

/**
 * A literal private address (http://10.0.0.1/…) is refused at once; names are
 * checked when each delivery connects, against what they resolve to then.
 */
export function assertReachable(url: string, field = "url"): void {
  try {
    createOutboundGuard(env().TRELLIS_ALLOWED_HOSTS).assertUrl(new URL(url));
  } catch (error) {
    const message = (error as Error).message;
    throw new AppError("UNPROCESSABLE_CONTENT", message, { fieldErrors: { [field]: [message] } });
  }
}

/** Subscribes a URL; the signing secret is answered now and never again. */
export async function createSubscription(scope: DataScope, input: z.infer<typeof createSubscriptionInput>): Promise<z.output<typeof subscriptionWithSecretSchema>> {
  assertReachable(input.url);
  const id = randomUUID();
  const secret = `whsec_${randomBytes(32).toString("base64")}`;
  const [row] = await scope.db
    .insert(subscriptions)
    .values({ id, workspaceId: scope.workspaceId, url: input.url, events: input.events, active: input.active, secretCiphertext: encryptSubscriptionSecret(scope.workspaceId, id, secret) })
    .returning(subscriptionColumns);
  if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "The subscription was not created");
  return { ...toSubscription(row), secret };
}

export async function listSubscriptions(scope: DataScope): Promise<SubscriptionView[]> {
  const rows = await scope.db.select(subscriptionColumns).from(subscriptions).where(eq(subscriptions.workspaceId, scope.workspaceId)).orderBy(subscriptions.createdAt, subscriptions.id);
  return rows.map(toSubscription);
}

export async function getSubscriptionOrThrow(scope: DataScope, input: z.infer<typeof subscriptionIdInput>): Promise<SubscriptionView> {
  const [row] = await scope.db
    .select(subscriptionColumns)
    .from(subscriptions)
    .where(and(eq(subscriptions.id, input.subscriptionId), eq(subscriptions.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Subscription");
  return toSubscription(row);
}

/**
 * Unsubscribes. Its deliveries still pending are given up first: once the
 * subscription (and its secret) is gone they could no longer be signed.
 */
export async function deleteSubscription(scope: DataScope, input: z.infer<typeof subscriptionIdInput>): Promise<void> {
  const ofWorkspace = and(eq(subscriptions.id, input.subscriptionId), eq(subscriptions.workspaceId, scope.workspaceId));
  const deleted = await scope.db.transaction(async (tx) => {
    await tx
      .update(deliveries)
      .set({ status: "failed", lastError: "The subscription was deleted" })
      .where(and(eq(deliveries.subscriptionId, input.subscriptionId), eq(deliveries.workspaceId, scope.workspaceId), eq(deliveries.status, "pending")));
    return tx.delete(subscriptions).where(ofWorkspace).returning({ id: subscriptions.id });
  });
  if (deleted.length === 0) throw notFound("Subscription");
}

/** The secret that signs the workspace's run callbacks (runs started with a callback URL). */
export function getRunCallbackSecret(scope: DataScope): { secret: string } {
  return { secret: runCallbackSecret(scope.workspaceId) };
}

// ── The notification log ───────────────────────────────────────────────────

export const notificationDeliveryIdSchema = z.uuid("Unknown delivery");
export const listNotificationDeliveriesInput = z.object({
  status: z.enum(notificationStatusValues).optional().meta({ description: "Only deliveries in this state" }),
  runId: z.uuid().optional().meta({ description: "Only this run's notifications" }),
  subscriptionId: subscriptionIdSchema.optional().meta({ description: "Only this subscription's deliveries" }),
  limit: limitSchema,
  cursor: cursorSchema,
});
export const notificationDeliveryIdInput = z.object({ deliveryId: notificationDeliveryIdSchema });

export const notificationDeliverySchema = z.object({
  id: z.uuid().meta({ description: "Also the webhook-id header of every attempt" }),
  subscriptionId: z.uuid().nullable().meta({ description: "null for a run's callback URL" }),
  runId: z.uuid().nullable(),
  event: z.string(),
  url: z.string(),
  payload: z.json(),
  status: z.enum(notificationStatusValues),
  attempts: z.number().int(),
  nextAttemptAt: z.date().meta({ description: "When a pending delivery is tried next" }),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.date().nullable(),
  createdAt: z.date(),
});
export type NotificationDeliveryView = z.output<typeof notificationDeliverySchema>;
export const notificationDeliveryPageSchema = pageSchema(notificationDeliverySchema);

const deliveryColumns = {
  id: deliveries.id,
  subscriptionId: deliveries.subscriptionId,
  runId: deliveries.runId,
  event: deliveries.event,
  url: deliveries.url,
  payload: deliveries.payload,
  status: deliveries.status,
  attempts: deliveries.attempts,
  nextAttemptAt: deliveries.nextAttemptAt,
  lastStatusCode: deliveries.lastStatusCode,
  lastError: deliveries.lastError,
  deliveredAt: deliveries.deliveredAt,
  createdAt: deliveries.createdAt,
};
type DeliveryRow = Omit<NotificationDeliveryView, "payload"> & { payload: unknown };
const toDelivery = (row: DeliveryRow): NotificationDeliveryView => ({ ...row, payload: row.payload as NotificationDeliveryView["payload"] });

const createdMicros = sql<string>`to_char(${deliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const ORDER = "createdAt:desc";

/** The workspace's notification deliveries, newest first, one keyset page at a time. */
export async function listNotificationDeliveries(scope: DataScope, input: z.infer<typeof listNotificationDeliveriesInput>): Promise<Page<NotificationDeliveryView>> {
  const conditions: (SQL | undefined)[] = [eq(deliveries.workspaceId, scope.workspaceId)];
  if (input.status) conditions.push(eq(deliveries.status, input.status));
  if (input.runId) conditions.push(eq(deliveries.runId, input.runId));
  if (input.subscriptionId) conditions.push(eq(deliveries.subscriptionId, input.subscriptionId));
  if (input.cursor) {
    const key = decodeCursor(input.cursor, ORDER);
    conditions.push(sql`(${deliveries.createdAt}, ${deliveries.id}) < (${key.value}::timestamptz, ${key.id}::uuid)`);
  }
  const rows = await scope.db
    .select({ ...deliveryColumns, sortKey: createdMicros })
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
    .limit(input.limit + 1);
  return toPage(
    rows,
    input.limit,
    ({ sortKey: _key, ...row }) => toDelivery(row),
    (row) => ({ order: ORDER, value: row.sortKey, id: row.id }),
  );
}

export async function getNotificationDeliveryOrThrow(scope: DataScope, input: z.infer<typeof notificationDeliveryIdInput>): Promise<NotificationDeliveryView> {
  const [row] = await scope.db
    .select(deliveryColumns)
    .from(deliveries)
    .where(and(eq(deliveries.id, input.deliveryId), eq(deliveries.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Notification delivery");
  return toDelivery(row);
}

/** Puts a delivery back in the outbox with fresh attempts; the worker sends it again. */
export async function replayNotification(scope: DataScope, input: z.infer<typeof notificationDeliveryIdInput>): Promise<NotificationDeliveryView> {
  await replayNotificationDelivery(scope.db, { workspaceId: scope.workspaceId, deliveryId: input.deliveryId });
  return getNotificationDeliveryOrThrow(scope, input);
}

/**
 * What the delivery worker signs with: the subscription's secret, decrypted,
 * or the workspace's run-callback secret for deliveries without one.
 */
export function notificationSigningSecrets(db: Database) {
  return async ({ workspaceId, subscriptionId }: { workspaceId: string; subscriptionId: string | null }): Promise<string> => {
    if (subscriptionId === null) return runCallbackSecret(workspaceId);
    const [row] = await db
      .select({ ciphertext: subscriptions.secretCiphertext })
      .from(subscriptions)
      .where(and(eq(subscriptions.id, subscriptionId), eq(subscriptions.workspaceId, workspaceId)))
      .limit(1);
    if (!row) throw new Error(`notification subscription ${subscriptionId} no longer exists`);
    return decryptSubscriptionSecret(workspaceId, subscriptionId, row.ciphertext);
  };
}
