import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { definitionDiffSchema } from "../services/definition-diff";
import { nodeTestResultSchema, nodeTypeSchema } from "../services/node-types";
import { notificationDeliverySchema, subscriptionSchema } from "../services/notifications";
import { runDetailSchema, runSchema, runSummarySchema } from "../services/runs";
import { scheduleSchema } from "../services/schedules";
import { secretSchema } from "../services/secrets";
import { definitionProblemSchema, definitionSchema } from "../services/workflow-definition";
import { workflowExportSchema } from "../services/workflow-export";
import { workflowStatsSchema } from "../services/workflow-stats";
import { templateSummarySchema } from "../services/workflow-templates";
import { versionSchema, versionSummarySchema } from "../services/workflow-versions";
import { webhookDeliverySchema, webhookSchema } from "../services/webhooks";
import { workflowSchema, workflowSummarySchema } from "../services/workflows";
import type { OperationSpec } from "./operation";
import { allOperations } from "./operations";

/** The RFC 9457 body of every error answer. */
export const problemSchema = z.object({
  type: z.string().meta({ description: "A stable URI reference per kind of problem, documented at /api/docs/problems" }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  requestId: z.string().meta({ description: "Quote it when reporting a problem" }),
  errors: z.record(z.string(), z.array(z.string())).optional().meta({ description: "Field errors by dotted path" }),
  problems: z.array(definitionProblemSchema).optional().meta({ description: "Compiler problems (publish, node tests)" }),
  currentRevision: z.number().int().optional().meta({ description: "After a stale If-Match: the revision to read again" }),
});

const errorAnswers: Record<number, [name: string, description: string]> = {
  400: ["BadRequest", "Malformed request: invalid JSON, cursor or If-Match"],
  401: ["Unauthorized", "Missing, unknown or revoked API key"],
  403: ["Forbidden", "The API key lacks the operation's scope"],
  404: ["NotFound", "No such resource in the key's workspace"],
  409: ["Conflict", "Conflicts with the current state"],
  412: ["PreconditionFailed", "If-Match no longer matches: someone changed the resource since you read it"],
  413: ["PayloadTooLarge", "The body is larger than the limit (1 MiB by default)"],
  415: ["UnsupportedMediaType", "The body is not application/json"],
  422: ["UnprocessableContent", "The input is not valid; `errors` (and `problems`) say where"],
  428: ["PreconditionRequired", "If-Match is required"],
  429: ["TooManyRequests", "Rate limited (per client IP, then per API key); Retry-After says when to try again"],
  500: ["InternalServerError", "Unexpected failure; quote the request id"],
};

// Registered once under components.responses and referenced by every operation.
const errorResponses = new Map<number, ZodOpenApiResponseObject>(
  Object.entries(errorAnswers).map(([status, [name, description]]) => [
    Number(status),
    {
      id: name,
      description,
      ...(status === "429" ? { headers: z.object({ "Retry-After": z.string().meta({ description: "Seconds to wait" }) }) } : {}),
      content: { "application/problem+json": { schema: problemSchema } },
    },
  ]),
);

const responseHeaders = {
  ETag: z.string().meta({ description: 'The revision, e.g. "3": send it back as If-Match', example: '"3"' }),
  Location: z.string().meta({ description: "Path of the created resource" }),
  Link: z.string().meta({ description: 'The next page: <path>; rel="next" (absent on the last page)' }),
};

function errorStatuses(spec: OperationSpec): number[] {
  const statuses = new Set([401, 403, 429, 500, ...(spec.errors ?? [])]);
  if (spec.params) statuses.add(404);
  if (spec.query) [400, 422].forEach((s) => statuses.add(s));
  if (spec.body) [400, 413, 415, 422].forEach((s) => statuses.add(s));
  if (spec.headers) statuses.add(422);
  if (spec.ifMatch) [400, 412, ...(spec.ifMatch === "required" ? [428] : [])].forEach((s) => statuses.add(s));
  return [...statuses].sort();
}

function operationObject(spec: OperationSpec): ZodOpenApiOperationObject {
  const { success } = spec;
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [success.status]: {
      description: success.description,
      ...(success.headers?.length ? { headers: z.object(Object.fromEntries(success.headers.map((h) => [h, responseHeaders[h]]))) } : {}),
      ...(success.schema ? { content: { "application/json": { schema: success.schema } } } : {}),
    },
  };
  for (const status of errorStatuses(spec)) {
    const response = errorResponses.get(status);
    if (!response) throw new Error(`no problem response is defined for ${status}`);
    responses[status] = response;
  }
  const ifMatch = z.string().meta({ description: 'The ETag of your last read, e.g. "3"', example: '"3"' });
  return {
    operationId: spec.id,
    summary: spec.summary,
    description: [spec.description, `Requires the \`${spec.scope}\` scope.`].filter(Boolean).join("\n\n"),
    tags: [spec.tag],
    security: [{ apiKey: [spec.scope] }],
    requestParams: {
      ...(spec.params ? { path: spec.params } : {}),
      ...(spec.query ? { query: spec.query } : {}),
      ...(spec.ifMatch || spec.headers
        ? {
            header: z.object({
              ...spec.headers?.shape,
              ...(spec.ifMatch ? { "If-Match": spec.ifMatch === "required" ? ifMatch : ifMatch.optional() } : {}),
            }),
          }
        : {}),
    },
    ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: spec.body } } } } : {}),
    responses,
  };
}

const JSON_VALUE = { description: "Any JSON value" };
const JSON_VALUE_REF = "#/components/schemas/JsonValue";

/**
 * zod's JSON type is recursive (`z.json()`, a lazy union of itself), which
 * zod-openapi renders as one numbered component per use, and which generated
 * clients cannot type (a union referring to itself by index). Any JSON value
 * is what it means, so each renders as the empty schema, and the copies are
 * merged into one `JsonValue` component here.
 */
function mergeJsonValueComponents<T extends { components?: { schemas?: Record<string, unknown> } }>(document: T): T {
  const schemas = document.components?.schemas ?? {};
  const copies = new Set(Object.keys(schemas).filter((name) => JSON.stringify(schemas[name]) === JSON.stringify(JSON_VALUE)));
  if (copies.size === 0) return document;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const copy = key === "$ref" && typeof item === "string" && copies.has(item.replace("#/components/schemas/", ""));
      out[key] = copy ? JSON_VALUE_REF : rewrite(item);
    }
    return out;
  };
  const merged = rewrite(document) as T & { components: { schemas: Record<string, unknown> } };
  for (const name of copies) delete merged.components.schemas[name];
  merged.components.schemas.JsonValue = JSON_VALUE;
  return merged;
}

/** Whether a schema is `z.json()`: a lazy union of every JSON type, itself included. */
function isZodJson(schema: { _zod: { def: unknown } }): boolean {
  const def = schema._zod.def as { type: string; getter?: () => { _zod: { def: unknown } } };
  if (def.type !== "lazy" || !def.getter) return false;
  const inner = def.getter()._zod.def as { type: string; options?: { _zod: { def: { type: string } } }[] };
  const kinds = inner.options?.map((option) => option._zod.def.type).sort();
  return inner.type === "union" && JSON.stringify(kinds) === JSON.stringify(["array", "boolean", "null", "number", "record", "string"]);
}

/** Builds the OpenAPI 3.1 document from the operation specs; nothing in it is written by hand. */
export function buildOpenApiDocument(operations: readonly OperationSpec[] = allOperations) {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of operations) {
    const item = (paths[`/api/v1${spec.path}`] ??= {});
    item[spec.method.toLowerCase() as "get"] = operationObject(spec);
  }
  const document = createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Trellis REST API",
        version: "1",
        description:
          "Workflows, versions, runs, node types, secrets, schedules, webhooks and notifications of the workspace an API key belongs to. Errors are RFC 9457 problem+json. Lists are cursor-paginated: follow `next`.",
      },
      tags: ["Workspace", "Workflows", "Versions", "Runs", "Templates", "Node types", "Secrets", "Schedules", "Webhooks", "Notifications"].map((name) => ({ name })),
      paths,
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key created in the workspace settings (trl_live_…)" },
        },
        schemas: {
          Problem: problemSchema,
          Workflow: workflowSchema,
          WorkflowSummary: workflowSummarySchema,
          WorkflowDefinition: definitionSchema,
          WorkflowExport: workflowExportSchema,
          WorkflowStats: workflowStatsSchema,
          Version: versionSchema,
          VersionSummary: versionSummarySchema,
          Run: runSchema,
          RunSummary: runSummarySchema,
          RunDetail: runDetailSchema,
          DefinitionDiff: definitionDiffSchema,
          DefinitionProblem: definitionProblemSchema,
          Template: templateSummarySchema,
          NodeType: nodeTypeSchema,
          NodeTestResult: nodeTestResultSchema,
          Secret: secretSchema,
          Schedule: scheduleSchema,
          Webhook: webhookSchema,
          WebhookDelivery: webhookDeliverySchema,
          NotificationSubscription: subscriptionSchema,
          NotificationDelivery: notificationDeliverySchema,
        },
      },
    },
    {
      override: ({ jsonSchema, zodSchema }) => {
        // Dates leave as JSON strings; zod has no JSON Schema for a Date.
        const { type } = zodSchema._zod.def;
        if (type === "date") {
          jsonSchema.type = "string";
          jsonSchema.format = "date-time";
        } else if (isZodJson(zodSchema)) {
          for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
          Object.assign(jsonSchema, JSON_VALUE);
        }
      },
    },
  );
  return mergeJsonValueComponents(document);
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The document, built once per process. */
export function openApiDocument() {
  cached ??= buildOpenApiDocument();
  return cached;
}
