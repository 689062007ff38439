import type { Database } from "@trellis/db";
import type { ApiScope } from "../scopes";
import { createApiKey } from "../services/api-keys";

/** An API key of the workspace with exactly `scopes`. */
export async function apiKeyWithScopes(db: Database, workspaceId: string, userId: string, scopes: ApiScope[]): Promise<string> {
  const key = await createApiKey({ db, workspaceId, userId, role: "admin" }, { name: `test ${scopes.join(" ")}`, scopes });
  return key.key;
}

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RestCallOptions {
  method?: string;
  /** Sent as JSON unless it is already a string. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The route's dynamic segments, as Next.js passes them. */
  params?: Record<string, string>;
}

/**
 * Calls a route handler the way Next.js would, as the holder of `key`:
 * `call(PATCH, "/api/v1/workflows/…", { params: { workflowId }, body, headers })`.
 */
export function restCaller(key: string | null) {
  return (handler: RouteHandler, path: string, options: RestCallOptions = {}): Promise<Response> => {
    const headers = new Headers(options.headers);
    if (key) headers.set("authorization", `Bearer ${key}`);
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const request = new Request(new URL(path, "http://localhost"), { method: options.method ?? "GET", headers, body });
    return handler(request, { params: Promise.resolve(options.params ?? {}) });
  };
}
