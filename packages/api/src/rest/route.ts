import { AppError } from "@trellis/config/errors";
import { logger } from "@trellis/config/logger";
import { getAppDatabase, type Database } from "@trellis/db";
import type { ApiScope } from "../scopes";
import { authenticateApiKey, type ApiKeyPrincipal } from "../services/api-keys";
import { problemResponse } from "./problem";
import { requestIdFrom } from "./request-id";

/** What a REST handler gets after the shared steps ran. */
export interface RestContext {
  request: Request;
  db: Database;
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
 * A REST route handler: authenticate the key → check its scope → handle →
 * map errors to problem+json. Every response carries the request id.
 */
export function restRoute(scope: ApiScope, handle: (ctx: RestContext) => Promise<Response>) {
  return async (request: Request, route?: RouteParams): Promise<Response> => {
    const requestId = requestIdFrom(request.headers);
    const instance = new URL(request.url).pathname;
    try {
      const { db } = await getAppDatabase();
      const principal = await authenticate(request, db);
      requireScope(principal, scope);
      const response = await handle({ request, db, principal, requestId, params: (await route?.params) ?? {} });
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        logger().info({ requestId, instance, code: error.code }, "REST request refused");
      }
      return problemResponse(error, requestId, instance);
    }
  };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify(body), { ...init, headers });
}
