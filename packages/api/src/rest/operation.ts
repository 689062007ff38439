import { z } from "zod";
import { AppError, notFound } from "@trellis/config/errors";
import { env } from "@trellis/config";
import type { ApiScope } from "../scopes";
import type { ApiKeyPrincipal } from "../services/api-keys";
import { AppErrorWithExtensions, StaleRevisionError } from "../services/errors";
import type { Page } from "../services/pagination";
import type { DataScope } from "../services/scope";
import { readJsonBody } from "./body";
import { HttpProblem } from "./problem";
import { json, restRoute } from "./route";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One REST operation: what the route handler validates and what the OpenAPI
 * document says, from the same zod schemas the tRPC procedures use. A route
 * file under `app/api/v1` exports `restOperation(spec, handler)` for each of
 * its methods; the document is built from the list of specs.
 */
export interface OperationSpec {
  /** The OpenAPI operationId. */
  id: string;
  method: HttpMethod;
  /** Under /api/v1, with `{param}` placeholders; the route file lives at the same path with `[param]` folders. */
  path: `/${string}`;
  scope: ApiScope;
  tag: string;
  summary: string;
  description?: string;
  /** Names the 404 a malformed path parameter answers. */
  resource: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Request headers the operation reads (such as Idempotency-Key), validated and documented like the query. */
  headers?: z.ZodObject;
  /** Revisioned resources: `If-Match: "<revision>"` guards the change; required ones answer 428 without it. */
  ifMatch?: "required" | "optional";
  success: {
    /** 202 for asynchronous work: its `Location` names the resource to poll. */
    status: 200 | 201 | 202 | 204;
    description: string;
    schema?: z.ZodType;
    headers?: readonly ("ETag" | "Location" | "Link")[];
  };
  /** Answers beyond those the spec's shape implies (404 for params, 413/415/422 for bodies…). */
  errors?: readonly (409 | 412 | 422)[];
}

export function defineOperation<const O extends OperationSpec>(spec: O): O {
  return spec;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** What an operation's handler receives once the key, its scope and the input were checked. */
export interface OperationContext<O extends OperationSpec> {
  request: Request;
  url: URL;
  requestId: string;
  principal: ApiKeyPrincipal;
  /** Services act in the key's workspace, as nobody in particular. */
  scope: DataScope;
  path: Parsed<O["params"]>;
  query: Parsed<O["query"]>;
  body: Parsed<O["body"]>;
  headers: Parsed<O["headers"]>;
  /** The revision named by If-Match; undefined when the header is absent and optional. */
  ifMatch: O["ifMatch"] extends "required" ? number : number | undefined;
}

type ResponseSchema<O extends OperationSpec> = O["success"]["schema"];

/** What a handler answers: the body the spec's response schema describes (checked by the compiler), and headers. */
export type OperationReply<O extends OperationSpec> =
  ResponseSchema<O> extends z.ZodType ? { body: z.output<ResponseSchema<O>>; headers?: Record<string, string> } : { headers?: Record<string, string> } | void;

const WRAPPERS = new Set(["optional", "default", "prefault", "nullable", "readonly", "catch"]);

function baseType(schema: z.ZodType): string {
  let def = schema._zod.def as { type: string; innerType?: z.ZodType };
  while (WRAPPERS.has(def.type) && def.innerType) def = def.innerType._zod.def as typeof def;
  return def.type;
}

/**
 * Path and query values arrive as strings; numbers and booleans are converted
 * by what the schema expects, so REST and tRPC share one schema (a value that
 * does not convert is left as it came and fails validation with its field).
 */
export function fromStrings(schema: z.ZodObject, read: (key: string) => string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const raw = read(key);
    if (raw === null) continue;
    const type = baseType(field as z.ZodType);
    if (type === "number" && raw.trim() !== "" && Number.isFinite(Number(raw))) out[key] = Number(raw);
    else if (type === "boolean" && (raw === "true" || raw === "false")) out[key] = raw === "true";
    else out[key] = raw;
  }
  return out;
}

function readIfMatch(request: Request, mode: OperationSpec["ifMatch"]): number | undefined {
  const header = request.headers.get("if-match");
  if (header === null) {
    if (mode === "required") {
      throw new HttpProblem(428, "Precondition required", "precondition-required", 'Send If-Match with the ETag of your last read (for example If-Match: "3")');
    }
    return undefined;
  }
  // `*` would skip the very check If-Match is here for, so only a revision is accepted.
  const match = /^\s*"(\d{1,9})"\s*$/.exec(header);
  if (!match?.[1]) throw new AppError("BAD_REQUEST", 'If-Match must be one ETag from a previous answer, such as "3"');
  return Number(match[1]);
}

/** A request without any body counts as `{}`, so operations whose fields are all optional need none. */
function readBody(request: Request): Promise<unknown> {
  const empty = request.body === null || request.headers.get("content-length") === "0";
  if (empty && !request.headers.has("content-type")) return Promise.resolve({});
  return readJsonBody(request, env().REST_BODY_LIMIT_BYTES);
}

/** The strong ETag of a revision. */
export const etagOf = (revision: number) => `"${revision}"`;

/**
 * A Next.js route handler for one operation: API key → scope → path, query
 * and body validated with the spec's schemas → handler → the spec's status.
 * A stale If-Match answers 412 (the same conflict is CONFLICT in tRPC).
 */
export function restOperation<const O extends OperationSpec>(spec: O, handle: (ctx: OperationContext<O>) => Promise<OperationReply<O>>) {
  return restRoute(spec.scope, async ({ request, db, handle: database, principal, requestId, params }) => {
    const url = new URL(request.url);
    let path: unknown;
    if (spec.params) {
      const parsed = spec.params.safeParse(fromStrings(spec.params, (key) => params[key] ?? null));
      // A malformed id names nothing, like an unknown one.
      if (!parsed.success) throw notFound(spec.resource);
      path = parsed.data;
    }
    const query = spec.query ? spec.query.parse(fromStrings(spec.query, (key) => url.searchParams.get(key))) : undefined;
    const headers = spec.headers ? spec.headers.parse(fromStrings(spec.headers, (key) => request.headers.get(key))) : undefined;
    const ifMatch = spec.ifMatch ? readIfMatch(request, spec.ifMatch) : undefined;
    const body = spec.body ? spec.body.parse(await readBody(request)) : undefined;
    let reply: OperationReply<O>;
    try {
      reply = await handle({
        request,
        url,
        requestId,
        principal,
        scope: { db, handle: database, workspaceId: principal.workspaceId, userId: null },
        path,
        query,
        body,
        headers,
        ifMatch,
      } as OperationContext<O>);
    } catch (error) {
      if (error instanceof StaleRevisionError) {
        throw new AppErrorWithExtensions(
          "PRECONDITION_FAILED",
          `If-Match is stale: the resource is now at revision ${error.extensions.currentRevision}; GET it again and reapply your change`,
          error.extensions,
        );
      }
      throw error;
    }
    const replyHeaders = new Headers(reply?.headers);
    if (spec.success.status === 204) return new Response(null, { status: 204, headers: replyHeaders });
    return json((reply as { body: unknown }).body, { status: spec.success.status, headers: replyHeaders });
  });
}

/** A page as REST answers it: with the `next` link, also sent as a Link header. */
export function restPageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last page" }),
    next: z.string().nullable().meta({ description: "The next page's path and query; null on the last page" }),
  });
}

export function pageReply<T>(url: URL, page: Page<T>): { body: Page<T> & { next: string | null }; headers?: Record<string, string> } {
  if (page.nextCursor === null) return { body: { ...page, next: null } };
  const next = new URL(url);
  next.searchParams.set("cursor", page.nextCursor);
  const link = `${next.pathname}${next.search}`;
  return { body: { ...page, next: link }, headers: { link: `<${link}>; rel="next"` } };
}
