import { createHash } from "node:crypto";
import { AppError, notFound } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { getAppDatabase, type DatabaseHandle } from "@trellis/db";
import type { Json } from "@trellis/engine";
import { ConfigCache, sqlForHandle, type Sql } from "@trellis/runtime";
import { limit, rateLimitHeaders } from "../rate-limit";
import { readBytesLimited } from "../rest/body";
import { HttpProblem, problemFor } from "../rest/problem";
import { requestIdFrom } from "../rest/request-id";
import { acceptDeliveryTogether, recordAnswerStatus, recordRejection, statement, type AcceptedDelivery, type DeliveryParts } from "./delivery-store";
import { contentTypeAllowed, isJsonMediaType, mediaTypeOf, redactHeaders, redactQuery, storable, type HeaderReader } from "./request-parts";
import { waitForRunOutcome, type RunOutcome } from "./run-outcome";
import { isBodyless, methodNotAllowed, webhookMethodOf, type WebhookMethod } from "./methods";
import { decryptWebhookSecret } from "./secrets";
import { verifySignature, type SignatureScheme } from "./signatures";

/** The longest a result-mode delivery waits for its run, whatever the configuration says. */
export const MAX_RESULT_WAIT_MS = 30_000;

/**
 * A delivery as ingress reads it: a web Request (`handleWebhookDelivery`),
 * or a Node.js request read directly by the self-hosted server, which spares
 * building a web Request and Response on its busiest route.
 */
export interface WebhookRequest {
  method: string;
  url: URL;
  headers: HeaderReader;
  /** The body, read up to `limit` bytes; past them the read stops and rejects with PAYLOAD_TOO_LARGE (`tooLarge`). */
  body(limit: number): Promise<Buffer>;
}

/** What ingress answers: the status, the headers and the (JSON) body. */
export interface WebhookAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A webhook configuration as ingress reads it (active, of a live workflow). */
interface IngressWebhook {
  id: string;
  workspaceId: string;
  workflowId: string;
  scheme: SignatureScheme;
  signatureHeader: string | null;
  secret: string | null;
  /** The secret before the last rotation, and until when it keeps verifying (epoch ms). */
  previous: { secret: string; until: number } | null;
  allowedContentTypes: string[];
  answerMode: "accepted" | "result";
  resultTimeoutMs: number;
  dedupeWindowSeconds: number;
  maxBodyBytes: number;
  rateLimit: { limit: number; windowSeconds: number } | undefined;
  /** The target workflow's latest version as read with it (null: none published): starting the run need not read it again. */
  latest: { versionId: string; concurrencyLimit: number | null } | null;
  /** The method the published version's webhook trigger listens on. */
  method: WebhookMethod;
}

interface WebhookRow {
  id: string;
  workspace_id: string;
  workflow_id: string;
  signature_scheme: SignatureScheme;
  signature_header: string | null;
  secret_ciphertext: string | null;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: Date | string | null;
  allowed_content_types: string[];
  answer_mode: "accepted" | "result";
  result_timeout_ms: number;
  dedupe_window_seconds: number;
  max_body_bytes: number;
  rate_limit: number | null;
  rate_limit_window_seconds: number | null;
  latest_version_id: string | null;
  concurrency_limit: number | null;
  trigger_method: string | null;
}

const selectWebhook = statement(
  "webhook_by_slug",
  `SELECT h.id, h.workspace_id, h.workflow_id, h.signature_scheme, h.signature_header, h.secret_ciphertext, h.previous_secret_ciphertext,
     h.previous_secret_expires_at, h.allowed_content_types, h.answer_mode, h.result_timeout_ms,
     h.dedupe_window_seconds, h.max_body_bytes, h.rate_limit, h.rate_limit_window_seconds, w.latest_version_id, w.concurrency_limit,
     (SELECT n->'config'->>'method' FROM workflow_versions v CROSS JOIN LATERAL jsonb_array_elements(v.definition->'nodes') n
       WHERE v.id = w.latest_version_id AND n->>'type' = 'trigger.webhook' LIMIT 1) AS trigger_method
   FROM webhooks h JOIN workflows w ON w.id = h.workflow_id AND w.deleted_at IS NULL
   WHERE h.slug = $1 AND h.active`,
);

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;
const DEFAULT_RATE_WINDOW_S = 60;

/**
 * Active webhooks by slug, with their workflow's latest version: every
 * delivery needs one, and a change to the webhook or its workflow announces
 * itself on the configuration channel (see `ConfigCache`).
 */
const webhooksBySlug = new ConfigCache<IngressWebhook>("webhook-by-slug", {
  affected: (webhook, change) => (change.table === "webhooks" && change.id === webhook.id) || (change.table === "workflows" && change.id === webhook.workflowId),
});

async function findWebhook(sql: Sql, slug: string): Promise<IngressWebhook | null> {
  // A slug that could never exist does not cost a query.
  if (!SLUG.test(slug)) return null;
  return webhooksBySlug.get(sql.scope, slug, () => loadWebhook(sql, slug));
}

async function loadWebhook(sql: Sql, slug: string): Promise<IngressWebhook | null> {
  const [row] = await sql.query<WebhookRow>(selectWebhook, [slug]);
  if (!row) return null;
  const previousUntil = row.previous_secret_expires_at === null ? null : new Date(row.previous_secret_expires_at).getTime();
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    workflowId: row.workflow_id,
    scheme: row.signature_scheme,
    signatureHeader: row.signature_header,
    secret: row.secret_ciphertext ? decryptWebhookSecret(row.workspace_id, row.id, row.secret_ciphertext) : null,
    previous:
      row.previous_secret_ciphertext && previousUntil !== null
        ? { secret: decryptWebhookSecret(row.workspace_id, row.id, row.previous_secret_ciphertext), until: previousUntil }
        : null,
    allowedContentTypes: row.allowed_content_types,
    answerMode: row.answer_mode,
    resultTimeoutMs: Number(row.result_timeout_ms),
    dedupeWindowSeconds: Number(row.dedupe_window_seconds),
    maxBodyBytes: Number(row.max_body_bytes),
    rateLimit: row.rate_limit === null ? undefined : { limit: Number(row.rate_limit), windowSeconds: Number(row.rate_limit_window_seconds ?? DEFAULT_RATE_WINDOW_S) },
    latest: row.latest_version_id ? { versionId: row.latest_version_id, concurrencyLimit: row.concurrency_limit === null ? null : Number(row.concurrency_limit) } : null,
    method: webhookMethodOf(row.trigger_method),
  };
}

/** The secrets a signature may use now: the current one, and the previous one inside its rotation overlap. */
function verifyingSecrets(webhook: IngressWebhook, now = Date.now()): string[] {
  const secrets = webhook.secret === null ? [] : [webhook.secret];
  if (webhook.previous && webhook.previous.until > now) secrets.push(webhook.previous.secret);
  return secrets;
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

/**
 * The dedupe key: the sender's delivery id when the signature covers it
 * (Standard Webhooks signs `webhook-id`; Stripe's event id is in the signed
 * body), else the body's SHA-256. GitHub's X-GitHub-Delivery is not signed,
 * so a captured delivery replayed under a new id would start a second run:
 * GitHub deliveries are keyed by their body like unsigned schemes.
 */
function dedupeKeyOf(scheme: SignatureScheme, senderId: string | undefined, body: Buffer): string {
  if (senderId && (scheme === "standard-webhooks" || scheme === "stripe")) {
    return senderId.length <= 200 ? `id:${senderId}` : `id-sha256:${sha256(senderId)}`;
  }
  return `sha256:${sha256(body)}`;
}

/** The body as the workflow reads it: parsed JSON for JSON media types, text otherwise. */
function bodyForRun(mediaType: string | null, text: string): Json {
  if (!isJsonMediaType(mediaType)) return text;
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not valid JSON, as its Content-Type says it is");
  }
}

/** Statuses whose refusal is written to the delivery log (429s are not: a flood must not become a flood of writes). */
const LOGGED_REFUSALS = new Set([400, 401, 409, 413, 415, 422]);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function acceptedAnswer(accepted: AcceptedDelivery): Answer {
  return {
    status: 202,
    headers: accepted.runId ? { location: `/api/v1/runs/${accepted.runId}` } : {},
    body: { deliveryId: accepted.deliveryId, runId: accepted.runId, duplicate: accepted.duplicate },
  };
}

/** A finished run as a result-mode answer: its output, or its failure as problem+json. */
function outcomeError(outcome: RunOutcome): HttpProblem | null {
  if (outcome.status === "succeeded") return null;
  if (outcome.status === "cancelled") return new HttpProblem(409, "Run cancelled", "run-cancelled", "The run was cancelled before it produced a result");
  const where = outcome.error?.nodeId ? ` at node ${outcome.error.nodeId}` : "";
  return new HttpProblem(500, "Run failed", "run-failed", `The run failed${where}: ${outcome.error?.message ?? "no error recorded"}`);
}

/** `answerWebhookDelivery` for a web Request, answered as a web Response (the Next.js route). */
export async function handleWebhookDelivery(request: Request, slug: string, options: { handle?: DatabaseHandle } = {}): Promise<Response> {
  const answer = await answerWebhookDelivery(
    { method: request.method, url: new URL(request.url), headers: request.headers, body: (limit) => readBytesLimited(request, limit) },
    slug,
    options,
  );
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/**
 * `POST /api/hooks/<slug>` (or the method the webhook trigger listens on:
 * another one → 405 with `Allow`; a GET or DELETE has no body to read or
 * check the content type of): unknown or inactive slug → 404; rate limit → 429;
 * content type → 415; body over the limit → 413 (the stream is cut there);
 * signature → 401; a duplicate inside the dedupe window answers with the
 * first delivery's run; otherwise the delivery and its run are stored in one
 * transaction before answering 202 + Location, or (result mode) the run's
 * output once it finishes, falling back to 202. Every answer carries the
 * request id and, once the webhook is known, the RateLimit headers.
 */
export async function answerWebhookDelivery(request: WebhookRequest, slug: string, options: { handle?: DatabaseHandle } = {}): Promise<WebhookAnswer> {
  const requestId = requestIdFrom(request.headers);
  const { url } = request;
  const instance = url.pathname;
  const headers: Record<string, string> = {};
  let refusal: { sql: Sql; webhook: IngressWebhook; parts: DeliveryParts } | null = null;
  try {
    const handle = options.handle ?? (await getAppDatabase());
    const sql = sqlForHandle(handle);
    const webhook = await findWebhook(sql, slug);
    if (!webhook) throw notFound("Webhook");
    if (request.method !== webhook.method) {
      headers.allow = webhook.method;
      throw methodNotAllowed(request.method, webhook.method);
    }
    const bodyless = isBodyless(webhook.method);

    const verdict = await limit("webhookIngress", webhook.id, webhook.rateLimit);
    Object.assign(headers, rateLimitHeaders(verdict));
    if (!verdict.success) throw new AppError("TOO_MANY_REQUESTS", `This webhook takes at most ${verdict.limit} deliveries per window; retry after the Retry-After delay`);

    const mediaType = mediaTypeOf(request.headers.get("content-type"));
    const parts: DeliveryParts = {
      contentType: request.headers.get("content-type"),
      headers: redactHeaders(request.headers, webhook.signatureHeader ? [webhook.signatureHeader] : []),
      query: redactQuery(url.searchParams),
    };
    refusal = { sql, webhook, parts };
    if (!bodyless && !contentTypeAllowed(mediaType, webhook.allowedContentTypes)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", `This webhook accepts ${webhook.allowedContentTypes.join(", ")}; the request is ${mediaType ?? "without a Content-Type"}`);
    }
    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > webhook.maxBodyBytes) {
      throw new AppError("PAYLOAD_TOO_LARGE", `The body is larger than this webhook's ${webhook.maxBodyBytes}-byte limit`);
    }
    const rawBody = bodyless ? Buffer.alloc(0) : await request.body(webhook.maxBodyBytes);

    const signature = verifySignature({
      scheme: webhook.scheme,
      secrets: verifyingSecrets(webhook),
      rawBody,
      headers: request.headers,
      hmacHeader: webhook.signatureHeader ?? undefined,
    });
    if (!signature.ok) throw new AppError("UNAUTHORIZED", signature.message);

    const text = rawBody.toString("utf8");
    const runInput: Json = { method: webhook.method, headers: parts.headers, query: parts.query, body: bodyless ? null : bodyForRun(mediaType, text) };
    if (!storable(runInput) || !storable(text)) {
      throw new AppError("BAD_REQUEST", "The request contains a NUL character or an unpaired surrogate, which cannot be stored");
    }

    const accepted = await acceptDeliveryTogether(sql, {
      webhook,
      parts,
      body: text,
      runInput,
      // Without a body, what tells deliveries apart is their query string.
      dedupeKey: webhook.dedupeWindowSeconds > 0 ? dedupeKeyOf(webhook.scheme, signature.deliveryId, bodyless ? Buffer.from(url.search) : rawBody) : null,
      dedupeWindowSeconds: webhook.dedupeWindowSeconds,
      answerMode: webhook.answerMode,
    });
    // From here the delivery is stored: nothing below may turn it into a refusal.
    refusal = null;
    const answer = acceptedAnswer(accepted);
    Object.assign(headers, answer.headers);
    if (webhook.answerMode === "accepted" || !accepted.runId) return respond(answer.status, answer.body, headers, requestId);

    // A run created finished was logged with its answer; any other is waited for and its answer logged after.
    if (accepted.outcome) return respond(200, accepted.outcome.output, headers, requestId);
    const outcome = await waitForRunOutcome(handle, { workspaceId: webhook.workspaceId, runId: accepted.runId }, Math.min(webhook.resultTimeoutMs, MAX_RESULT_WAIT_MS));
    if (!outcome) return respond(answer.status, answer.body, headers, requestId);
    const failure = outcomeError(outcome);
    // Not waited for: the delivery is stored; what it was answered joins its log row just after the answer.
    void recordAnswerStatus(sql, accepted.loggedId, failure ? failure.status : 200).catch((error: unknown) => {
      logger().error({ err: error, requestId }, "recording a result-mode answer's status failed");
    });
    if (failure) return problem(failure, requestId, instance, headers);
    return respond(200, outcome.output, headers, requestId);
  } catch (error) {
    const status = error instanceof AppError ? error.status : 500;
    if (refusal && LOGGED_REFUSALS.has(status)) {
      const { sql, webhook, parts } = refusal;
      // Best effort: the answer must not change because the log could not be written.
      await recordRejection(sql, webhook, parts, status, (error as Error).message).catch((logError: unknown) => {
        logger().error({ err: logError, requestId }, "logging a refused webhook delivery failed");
      });
    }
    if (error instanceof AppError && status < 500) logger().info({ requestId, instance, code: error.code }, "webhook delivery refused");
    return problem(error, requestId, instance, headers);
  }
}

function respond(status: number, body: unknown, headers: Record<string, string>, requestId: string): WebhookAnswer {
  return { status, headers: { ...headers, "content-type": "application/json", "x-request-id": requestId }, body: JSON.stringify(body ?? null) };
}

function problem(error: unknown, requestId: string, instance: string, headers: Record<string, string>): WebhookAnswer {
  const { body, headers: own } = problemFor(error, requestId, instance);
  return {
    status: body.status,
    headers: { ...headers, ...own, "content-type": "application/problem+json", "x-request-id": requestId },
    body: JSON.stringify(body),
  };
}
