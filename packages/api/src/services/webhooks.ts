import { randomBytes, randomUUID } from "node:crypto";
import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { AppError, conflict, notFound } from "@trellis/config/errors";
import { postgresErrorCode, schema, UNIQUE_VIOLATION, type Database } from "@trellis/db";
import { answerModeValues, deliveryVerdictValues } from "@trellis/db/schema";
import type { Json } from "@trellis/engine";
import { invalidateConfig, toSql } from "@trellis/runtime";
import { acceptDelivery } from "../webhooks/delivery-store";
import { isBodyless, WEBHOOK_METHODS, webhookMethodOf, type WebhookMethod } from "../webhooks/methods";
import { isJsonMediaType, mediaTypeOf } from "../webhooks/request-parts";
import { encryptWebhookSecret, generateWebhookSecret, webhookSecretProblem } from "../webhooks/secrets";
import { DEFAULT_HMAC_HEADER, signatureSchemes, type SignatureScheme } from "../webhooks/signatures";
import { cursorSchema, decodeCursor, limitSchema, pageSchema, toPage, type Page } from "./pagination";
import type { DataScope } from "./scope";
import { liveWorkflow, workflowIdSchema } from "./workflows";

const webhooks = schema.webhooks;
const deliveries = schema.webhookDeliveries;
const workflows = schema.workflows;

/** Where senders post. */
export const webhookPath = (slug: string) => `/api/hooks/${slug}`;

const MiB = 1024 * 1024;
const DAY_S = 86_400;

export const webhookIdSchema = z.uuid("Unknown webhook");
export const webhookSlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, "Use 3 to 64 lower-case letters, digits and dashes, not starting or ending with a dash")
  .meta({ description: "The endpoint is /api/hooks/<slug>; random when omitted", example: "stripe-payments" });
const contentTypeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\*\/\*|[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+))$/, "Use a media type such as application/json, text/* or */*");
const headerNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "Use a header name such as x-signature");
const secretInputSchema = z
  .string()
  .min(1)
  .max(500)
  .meta({ description: "Write-only: the sender's secret when it issues one (Stripe) or you chose one (GitHub); generated when omitted", writeOnly: true });

/** Settings every webhook has; create and update share them. */
const settingsShape = {
  name: z.string().trim().max(120, "Use at most 120 characters"),
  allowedContentTypes: z.array(contentTypeSchema).min(1, "Allow at least one content type").max(20).meta({ description: "Media types accepted; `type/*` and `*/*` are wildcards" }),
  active: z.boolean().meta({ description: "An inactive webhook answers 404" }),
  answerMode: z.enum(answerModeValues).meta({ description: "accepted: 202 + Location at once; result: wait for the run and answer its output" }),
  resultTimeoutMs: z.number().int().min(100).max(30_000).meta({ description: "result mode: how long to wait before answering 202 (at most 30 s)" }),
  dedupeWindowSeconds: z.number().int().min(0).max(30 * DAY_S).meta({ description: "A delivery repeating an earlier one's id (or body) inside this window answers with the first one's run; 0 turns deduplication off" }),
  maxBodyBytes: z.number().int().min(1).max(10 * MiB).meta({ description: "Larger bodies answer 413" }),
  rateLimit: z.number().int().min(1).max(1_000_000).nullable().meta({ description: "Deliveries per window; null for the server's default policy" }),
  rateLimitWindowSeconds: z.number().int().min(1).max(DAY_S).nullable().meta({ description: "The rate limit's window (60 s when only the limit is set)" }),
  signatureHeader: headerNameSchema.nullable().meta({ description: `hmac-sha256 only: the header carrying sha256=<hex> (${DEFAULT_HMAC_HEADER} by default)` }),
};

export const createWebhookInput = z.object({
  workflowId: workflowIdSchema,
  slug: webhookSlugSchema.optional(),
  signatureScheme: z.enum(signatureSchemes).meta({ description: "How senders sign deliveries; `none` accepts anything posted to the slug" }),
  secret: secretInputSchema.optional(),
  name: settingsShape.name.default(""),
  allowedContentTypes: settingsShape.allowedContentTypes.default(["application/json"]),
  active: settingsShape.active.default(true),
  answerMode: settingsShape.answerMode.default("accepted"),
  resultTimeoutMs: settingsShape.resultTimeoutMs.default(10_000),
  dedupeWindowSeconds: settingsShape.dedupeWindowSeconds.default(DAY_S),
  maxBodyBytes: settingsShape.maxBodyBytes.default(MiB),
  rateLimit: settingsShape.rateLimit.default(null),
  rateLimitWindowSeconds: settingsShape.rateLimitWindowSeconds.default(null),
  signatureHeader: settingsShape.signatureHeader.optional(),
});

export const webhookIdInput = z.object({ webhookId: webhookIdSchema });
export const listWebhooksInput = z.object({ workflowId: workflowIdSchema.optional().meta({ description: "Only this workflow's webhooks" }) });

/** What an update may change. The scheme cannot change: its secret would not fit another scheme. */
export const webhookChangesSchema = z.object({ workflowId: workflowIdSchema, slug: webhookSlugSchema, ...settingsShape }).partial();
const changeKeys = Object.keys(webhookChangesSchema.shape) as (keyof z.infer<typeof webhookChangesSchema>)[];
const hasSomeChange = (changes: z.infer<typeof webhookChangesSchema>) => changeKeys.some((key) => changes[key] !== undefined);
const NOTHING_TO_CHANGE = { error: `Send at least one of ${changeKeys.join(", ")}` };
export const webhookPatchSchema = webhookChangesSchema.refine(hasSomeChange, NOTHING_TO_CHANGE);
export const updateWebhookInput = webhookChangesSchema.extend(webhookIdInput.shape).refine(hasSomeChange, NOTHING_TO_CHANGE);

export const rotateWebhookSecretBody = z.object({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(30 * DAY_S)
    .default(DAY_S)
    .meta({ description: "How long the previous secret keeps verifying (0 retires it at once)" }),
  secret: secretInputSchema.optional(),
});
export const rotateWebhookSecretInput = rotateWebhookSecretBody.extend(webhookIdInput.shape);

export const webhookSchema = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  name: z.string(),
  slug: z.string(),
  path: z.string().meta({ description: "Where senders send deliveries: /api/hooks/<slug>" }),
  method: z
    .enum(WEBHOOK_METHODS)
    .meta({ description: "The HTTP method the workflow's published webhook trigger listens on (POST unless it says otherwise); others answer 405" }),
  signatureScheme: z.enum(signatureSchemes),
  signatureHeader: z.string().nullable(),
  allowedContentTypes: z.array(z.string()),
  active: z.boolean(),
  answerMode: z.enum(answerModeValues),
  resultTimeoutMs: z.number().int(),
  dedupeWindowSeconds: z.number().int(),
  maxBodyBytes: z.number().int(),
  rateLimit: z.number().int().nullable(),
  rateLimitWindowSeconds: z.number().int().nullable(),
  previousSecretExpiresAt: z.date().nullable().meta({ description: "Until when the secret before the last rotation still verifies" }),
  createdBy: z.uuid().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type WebhookView = z.output<typeof webhookSchema>;

export const webhookWithSecretSchema = webhookSchema.extend({
  secret: z.string().nullable().meta({ description: "The signing secret, shown this once (null for the `none` scheme)" }),
});
export type WebhookWithSecret = z.output<typeof webhookWithSecretSchema>;

const viewColumns = {
  id: webhooks.id,
  workflowId: webhooks.workflowId,
  name: webhooks.name,
  slug: webhooks.slug,
  signatureScheme: webhooks.signatureScheme,
  signatureHeader: webhooks.signatureHeader,
  allowedContentTypes: webhooks.allowedContentTypes,
  active: webhooks.active,
  answerMode: webhooks.answerMode,
  resultTimeoutMs: webhooks.resultTimeoutMs,
  dedupeWindowSeconds: webhooks.dedupeWindowSeconds,
  maxBodyBytes: webhooks.maxBodyBytes,
  rateLimit: webhooks.rateLimit,
  rateLimitWindowSeconds: webhooks.rateLimitWindowSeconds,
  // Past its expiry the previous secret no longer verifies; saying when it did would only confuse.
  previousSecretExpiresAt: sql<Date | null>`case when ${webhooks.previousSecretExpiresAt} > now() then ${webhooks.previousSecretExpiresAt} end`.mapWith(
    webhooks.previousSecretExpiresAt,
  ),
  createdBy: webhooks.createdBy,
  createdAt: webhooks.createdAt,
  updatedAt: webhooks.updatedAt,
  // What ingress answers to: the method of the webhook trigger in the workflow's latest published version. The
  // column is qualified by hand: Drizzle leaves it bare in INSERT/UPDATE … RETURNING, where it would bind to v.workflow_id.
  triggerMethod: sql<string | null>`(SELECT n->'config'->>'method' FROM ${workflows} w
    JOIN ${schema.workflowVersions} v ON v.id = w.latest_version_id CROSS JOIN LATERAL jsonb_array_elements(v.definition->'nodes') n
    WHERE w.id = "webhooks"."workflow_id" AND n->>'type' = 'trigger.webhook' LIMIT 1)`,
};
type WebhookRow = Omit<WebhookView, "path" | "method"> & { triggerMethod: string | null };

const toView = ({ triggerMethod, ...row }: WebhookRow): WebhookView => ({ ...row, path: webhookPath(row.slug), method: webhookMethodOf(triggerMethod) satisfies WebhookMethod });

async function assertWorkflowVisible(db: Database, workspaceId: string, workflowId: string): Promise<void> {
  const [row] = await db.select({ id: workflows.id }).from(workflows).where(liveWorkflow(workspaceId, workflowId)).limit(1);
  if (!row) throw notFound("Workflow");
}

function checkSecret(scheme: SignatureScheme, secret: string | undefined): string | null {
  if (secret === undefined) return generateWebhookSecret(scheme);
  const problem = webhookSecretProblem(scheme, secret);
  if (problem) throw new AppError("UNPROCESSABLE_CONTENT", problem, { fieldErrors: { secret: [problem] } });
  return secret;
}

function checkSignatureHeader(scheme: SignatureScheme, header: string | null | undefined): string | null {
  if (scheme !== "hmac-sha256") {
    if (header) throw new AppError("UNPROCESSABLE_CONTENT", "Only hmac-sha256 webhooks name their signature header", { fieldErrors: { signatureHeader: ["Only for hmac-sha256"] } });
    return null;
  }
  return header ?? DEFAULT_HMAC_HEADER;
}

function slugTaken(error: unknown, slug: string): never {
  if (postgresErrorCode(error) === UNIQUE_VIOLATION) throw conflict(`The slug ${slug} is taken`, { slug: ["This slug is taken"] });
  throw error;
}

/** Creates a webhook; its secret is answered now and never again. */
export async function createWebhook(scope: DataScope, input: z.infer<typeof createWebhookInput>): Promise<WebhookWithSecret> {
  await assertWorkflowVisible(scope.db, scope.workspaceId, input.workflowId);
  const secret = checkSecret(input.signatureScheme, input.secret);
  const id = randomUUID();
  // Unguessable by default: for the `none` scheme the slug is the only credential.
  const slug = input.slug ?? randomBytes(16).toString("hex");
  const { secret: _secret, ...settings } = input;
  const [row] = await scope.db
    .insert(webhooks)
    .values({
      ...settings,
      id,
      slug,
      workspaceId: scope.workspaceId,
      signatureHeader: checkSignatureHeader(input.signatureScheme, input.signatureHeader),
      secretCiphertext: secret === null ? null : encryptWebhookSecret(scope.workspaceId, id, secret),
      createdBy: scope.userId,
    })
    .returning(viewColumns)
    .catch((error: unknown) => slugTaken(error, slug));
  if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "The webhook was not created");
  return { ...toView(row), secret };
}

export async function listWebhooks(scope: DataScope, input: z.infer<typeof listWebhooksInput>): Promise<WebhookView[]> {
  const rows = await scope.db
    .select(viewColumns)
    .from(webhooks)
    .where(and(eq(webhooks.workspaceId, scope.workspaceId), input.workflowId ? eq(webhooks.workflowId, input.workflowId) : undefined))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  return rows.map(toView);
}

const ofWorkspace = (workspaceId: string, webhookId: string) => and(eq(webhooks.id, webhookId), eq(webhooks.workspaceId, workspaceId));

async function webhookRowOrThrow(db: Database, workspaceId: string, webhookId: string) {
  const [row] = await db
    .select({ ...viewColumns, secretCiphertext: webhooks.secretCiphertext })
    .from(webhooks)
    .where(ofWorkspace(workspaceId, webhookId))
    .limit(1);
  if (!row) throw notFound("Webhook");
  return row;
}

/** A webhook of the workspace; NOT_FOUND for another workspace's. */
export async function getWebhookOrThrow(scope: DataScope, input: z.infer<typeof webhookIdInput>): Promise<WebhookView> {
  const { secretCiphertext: _secret, ...row } = await webhookRowOrThrow(scope.db, scope.workspaceId, input.webhookId);
  return toView(row);
}

export async function updateWebhook(scope: DataScope, input: z.infer<typeof updateWebhookInput>): Promise<WebhookView> {
  const { webhookId, ...changes } = input;
  const current = await webhookRowOrThrow(scope.db, scope.workspaceId, webhookId);
  if (changes.workflowId) await assertWorkflowVisible(scope.db, scope.workspaceId, changes.workflowId);
  const signatureHeader = changes.signatureHeader === undefined ? undefined : checkSignatureHeader(current.signatureScheme, changes.signatureHeader);
  const [row] = await scope.db
    .update(webhooks)
    .set({ ...changes, ...(signatureHeader === undefined ? {} : { signatureHeader }), updatedAt: sql`now()` })
    .where(ofWorkspace(scope.workspaceId, webhookId))
    .returning(viewColumns)
    .catch((error: unknown) => slugTaken(error, changes.slug ?? current.slug));
  if (!row) throw notFound("Webhook");
  invalidateConfig({ table: "webhooks", id: webhookId });
  return toView(row);
}

export async function deleteWebhook(scope: DataScope, input: z.infer<typeof webhookIdInput>): Promise<void> {
  const rows = await scope.db.delete(webhooks).where(ofWorkspace(scope.workspaceId, input.webhookId)).returning({ id: webhooks.id });
  if (rows.length === 0) throw notFound("Webhook");
  invalidateConfig({ table: "webhooks", id: input.webhookId });
}

/**
 * Replaces the signing secret. The previous one keeps verifying for
 * `overlapSeconds`, so senders can switch without a delivery being refused.
 * The new secret is answered now and never again.
 */
export async function rotateWebhookSecret(scope: DataScope, input: z.infer<typeof rotateWebhookSecretInput>): Promise<WebhookWithSecret> {
  const current = await webhookRowOrThrow(scope.db, scope.workspaceId, input.webhookId);
  if (current.signatureScheme === "none") throw conflict("This webhook does not verify signatures, so it has no secret to rotate");
  const secret = checkSecret(current.signatureScheme, input.secret) as string;
  const keepPrevious = input.overlapSeconds > 0 && current.secretCiphertext !== null;
  const [row] = await scope.db
    .update(webhooks)
    .set({
      secretCiphertext: encryptWebhookSecret(scope.workspaceId, input.webhookId, secret),
      previousSecretCiphertext: keepPrevious ? current.secretCiphertext : null,
      previousSecretExpiresAt: keepPrevious ? sql`now() + make_interval(secs => ${input.overlapSeconds})` : null,
      updatedAt: sql`now()`,
    })
    // Rotating from the secret read above: a concurrent rotation would otherwise drop the secret it just installed.
    .where(and(ofWorkspace(scope.workspaceId, input.webhookId), current.secretCiphertext === null ? undefined : eq(webhooks.secretCiphertext, current.secretCiphertext)))
    .returning(viewColumns);
  if (!row) throw conflict("The secret was rotated by someone else meanwhile; rotate again if you still need to");
  invalidateConfig({ table: "webhooks", id: input.webhookId });
  return { ...toView(row), secret };
}

// ── The delivery log ───────────────────────────────────────────────────────

export const deliveryIdSchema = z.uuid("Unknown delivery");
export const listDeliveriesQuery = z.object({
  verdict: z.enum(deliveryVerdictValues).optional().meta({ description: "Only deliveries with this verdict" }),
  limit: limitSchema,
  cursor: cursorSchema,
});
export const listDeliveriesInput = listDeliveriesQuery.extend(webhookIdInput.shape);
export const deliveryIdInput = webhookIdInput.extend({ deliveryId: deliveryIdSchema });

export const webhookDeliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  verdict: z.enum(deliveryVerdictValues),
  statusCode: z.number().int().meta({ description: "What the sender was answered" }),
  reason: z.string().nullable().meta({ description: "Why a delivery was refused" }),
  contentType: z.string().nullable(),
  headers: z.record(z.string(), z.string()).meta({ description: "Request headers, credentials and signatures replaced by [redacted]" }),
  query: z.record(z.string(), z.string()).meta({ description: "Query parameters, credentials replaced by [redacted]" }),
  body: z.string().nullable().meta({ description: "The body as received; null for refused deliveries" }),
  dedupeKey: z.string().nullable(),
  runId: z.uuid().nullable().meta({ description: "The run it started (a duplicate's: the first delivery's run)" }),
  replayOf: z.uuid().nullable().meta({ description: "The delivery this one replays" }),
  receivedAt: z.date(),
});
export type WebhookDeliveryView = z.output<typeof webhookDeliverySchema>;
export const webhookDeliveryPageSchema = pageSchema(webhookDeliverySchema);

const deliveryColumns = {
  id: deliveries.id,
  webhookId: deliveries.webhookId,
  verdict: deliveries.verdict,
  statusCode: deliveries.statusCode,
  reason: deliveries.reason,
  contentType: deliveries.contentType,
  headers: deliveries.headers,
  query: deliveries.query,
  body: deliveries.body,
  dedupeKey: deliveries.dedupeKey,
  runId: deliveries.runId,
  replayOf: deliveries.replayOf,
  receivedAt: deliveries.receivedAt,
};

const receivedMicros = sql<string>`to_char(${deliveries.receivedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const DELIVERY_ORDER = "receivedAt:desc";

/** A webhook's deliveries, newest first, one keyset page at a time. */
export async function listWebhookDeliveries(scope: DataScope, input: z.infer<typeof listDeliveriesInput>): Promise<Page<WebhookDeliveryView>> {
  await webhookRowOrThrow(scope.db, scope.workspaceId, input.webhookId);
  const conditions: (SQL | undefined)[] = [eq(deliveries.webhookId, input.webhookId), eq(deliveries.workspaceId, scope.workspaceId)];
  if (input.verdict) conditions.push(eq(deliveries.verdict, input.verdict));
  if (input.cursor) {
    const key = decodeCursor(input.cursor, DELIVERY_ORDER);
    conditions.push(sql`(${deliveries.receivedAt}, ${deliveries.id}) < (${key.value}::timestamptz, ${key.id}::uuid)`);
  }
  const rows = await scope.db
    .select({ ...deliveryColumns, sortKey: receivedMicros })
    .from(deliveries)
    .where(and(...conditions))
    .orderBy(desc(deliveries.receivedAt), desc(deliveries.id))
    .limit(input.limit + 1);
  return toPage(
    rows,
    input.limit,
    ({ sortKey: _key, ...row }) => row,
    (row) => ({ order: DELIVERY_ORDER, value: row.sortKey, id: row.id }),
  );
}

export async function getWebhookDeliveryOrThrow(scope: DataScope, input: z.infer<typeof deliveryIdInput>): Promise<WebhookDeliveryView> {
  const [row] = await scope.db
    .select(deliveryColumns)
    .from(deliveries)
    .where(and(eq(deliveries.id, input.deliveryId), eq(deliveries.webhookId, input.webhookId), eq(deliveries.workspaceId, scope.workspaceId)))
    .limit(1);
  if (!row) throw notFound("Delivery");
  return row;
}

/**
 * Starts a new run from a stored delivery, as if it had just arrived, and
 * logs it as a delivery linked by `replayOf`, in one transaction. A replay
 * skips verification (it was verified when received) and deduplication
 * (repeating it is the point).
 */
export async function replayWebhookDelivery(scope: DataScope, input: z.infer<typeof deliveryIdInput>): Promise<WebhookDeliveryView> {
  const original = await getWebhookDeliveryOrThrow(scope, input);
  if (original.verdict === "rejected" || original.body === null) {
    throw conflict("Only accepted deliveries can be replayed: a refused delivery's body was never stored");
  }
  const [webhook] = await scope.db
    .select({ workflowId: webhooks.workflowId })
    .from(webhooks)
    .where(ofWorkspace(scope.workspaceId, input.webhookId))
    .limit(1);
  if (!webhook) throw notFound("Webhook");
  // The log keeps no method: the original run's input says which one the delivery came with (POST when that run is gone).
  const [originalRun] = original.runId
    ? await scope.db
        .select({ method: sql<string | null>`${schema.runs.input}->>'method'` })
        .from(schema.runs)
        .where(and(eq(schema.runs.id, original.runId), eq(schema.runs.workspaceId, scope.workspaceId)))
        .limit(1)
    : [];
  const method = webhookMethodOf(originalRun?.method);
  const mediaType = mediaTypeOf(original.contentType);
  let body: Json = original.body;
  if (isBodyless(method)) body = null;
  else if (isJsonMediaType(mediaType)) body = original.body.trim() === "" ? null : (JSON.parse(original.body) as Json);
  const replayed = await acceptDelivery(toSql(scope.db), {
    webhook: { id: input.webhookId, workspaceId: scope.workspaceId, workflowId: webhook.workflowId },
    parts: { contentType: original.contentType, headers: original.headers, query: original.query },
    body: original.body,
    runInput: { method, headers: original.headers, query: original.query, body },
    dedupeKey: null,
    dedupeWindowSeconds: 0,
    triggerKind: "replay",
    replayOf: original.id,
  });
  return getWebhookDeliveryOrThrow(scope, { webhookId: input.webhookId, deliveryId: replayed.deliveryId });
}
