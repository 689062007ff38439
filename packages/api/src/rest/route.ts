import { AppError } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { getAppDatabase, type Database, type DatabaseHandle } from "@trellis/db";
import { clientIp, limit, rateLimitHeaders, type PolicyName } from "../rate-limit";
import type { ApiScope } from "../scopes";
import { authenticateApiKey, type ApiKeyPrincipal } from "../services/api-keys";
import { problemResponse } from "./problem";
import { requestIdFrom } from "./request-id";

/** What a REST handler gets after the shared steps ran. */
export interface RestContext {
  request: Request;
  db: Database;
  /** The open database `db` belongs to. */
  handle: DatabaseHandle;
  principal: ApiKeyPrincipal;
  requestId: string;
  params: Record<string, string>;
}

type RouteParams = { params: Promise<Record<string, string>> };

async function authenticate(request: Request, db: Database): Promise<ApiKeyPrincipal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new AppError("UNAUTHORIZED", "Send an API key as `Authorization: Bearer <key>`");
  return authenticateApiKey(db, match[1]);
}

function requireScope(principal: ApiKeyPrincipal, scope: ApiScope) {
  if (!principal.scopes.includes(scope)) {
    throw new AppError("FORBIDDEN", `This API key lacks the ${scope} scope`);
  }
}

/**
 * Counts the request against a policy: the verdict's RateLimit headers go on
 * the answer (a later step's replace an earlier one's), 429 past the limit.
 */
async function rateLimit(policy: PolicyName, key: string, headers: Headers): Promise<void> {
  const verdict = await limit(policy, key);
  for (const [name, value] of Object.entries(rateLimitHeaders(verdict))) headers.set(name, value);
  if (!verdict.success) throw new AppError("TOO_MANY_REQUESTS", `Too many requests: retry in ${headers.get("retry-after")} s`);
}

/**
 * A REST route handler: rate limit by client IP → authenticate the key →
 * rate limit by key → check its scope → handle → map errors to
 * problem+json. Every response carries the request id and the RateLimit
 * headers of the last limit applied.
 */
export function restRoute(scope: ApiScope, handle: (ctx: RestContext) => Promise<Response>) {
  return async (request: Request, route?: RouteParams): Promise<Response> => {
    const requestId = requestIdFrom(request.headers);
    const instance = new URL(request.url).pathname;
    const limits = new Headers();
    try {
      await rateLimit("restIp", clientIp(request.headers), limits);
      const database = await getAppDatabase();
      const { db } = database;
      const principal = await authenticate(request, db);
      await rateLimit("restApiKey", principal.keyId, limits);
      requireScope(principal, scope);
      const response = await handle({ request, db, handle: database, principal, requestId, params: (await route?.params) ?? {} });
      response.headers.set("x-request-id", requestId);
      limits.forEach((value, name) => response.headers.set(name, value));
      return response;
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        logger().info({ requestId, instance, code: error.code }, "REST request refused");
      }
      return problemResponse(error, requestId, instance, limits);
    }
  };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}
