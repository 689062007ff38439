/**
 * The route handlers the self-hosted server (server.ts) calls itself instead
 * of through Next.js's router: the ones machines call at volume (webhook
 * deliveries, run starts and the polling of a run's Location, events for
 * waiting runs). They are the very modules Next.js serves under
 * src/app/api, so an answer is the same whichever way it was routed; on
 * Vercel, Next.js serves them all. Webhook deliveries skip the web Request
 * too: they are read from the Node.js request by the ingress function their
 * module calls (webhook-ingress.ts).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { serveWebhookDelivery } from "./webhook-ingress";

/** A Next.js route handler: a web Request in, a Response out. */
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;
type RouteModule = Partial<Record<string, unknown>>;
/** Serves a route from the Node.js request itself, answering as its module's handlers do (see webhook-ingress.ts). */
export type NodeRouteHandler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>) => Promise<void>;

export interface DirectRoute {
  /** The route's path as its directory under src/app names it, e.g. `/api/hooks/[slug]`. */
  path: string;
  handlers: Readonly<Record<string, RouteHandler>>;
  /** Serves every method of `handlers` without a web Request and Response, where the route has such a path. */
  node?: NodeRouteHandler;
}

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function handlersOf(module: RouteModule): Record<string, RouteHandler> {
  return Object.fromEntries(HTTP_METHODS.flatMap((method) => (typeof module[method] === "function" ? [[method, module[method] as RouteHandler]] : [])));
}

/** Loads the route modules served directly (at start-up, so no request waits for a compile). */
export async function loadDirectRoutes(): Promise<DirectRoute[]> {
  const modules: [string, Promise<RouteModule>][] = [
    ["/api/hooks/[slug]", import("../app/api/hooks/[slug]/route")],
    ["/api/v1/workflows/[workflowId]/runs", import("../app/api/v1/workflows/[workflowId]/runs/route")],
    ["/api/v1/workflows/[workflowId]/run-batches", import("../app/api/v1/workflows/[workflowId]/run-batches/route")],
    ["/api/v1/runs/[runId]", import("../app/api/v1/runs/[runId]/route")],
    ["/api/v1/events", import("../app/api/v1/events/route")],
  ];
  const routes = await Promise.all(modules.map(async ([path, module]): Promise<DirectRoute> => ({ path, handlers: handlersOf(await module) })));
  const hooks = routes.find((route) => route.path === "/api/hooks/[slug]");
  if (hooks) hooks.node = (req, res, params) => serveWebhookDelivery(req, res, params.slug as string);
  return routes;
}

export interface RouteMatch {
  handler: RouteHandler;
  node?: NodeRouteHandler;
  params: Record<string, string>;
}

/**
 * The handler for a request's method and path (its pathname, without the
 * query), with the `[param]` segments decoded; undefined when no direct route
 * has that path and method, and Next.js answers (its 404s, 405s, trailing
 * slash redirects and percent-decoding errors included).
 */
export function matchDirectRoute(routes: readonly DirectRoute[], method: string, pathname: string): RouteMatch | undefined {
  const segments = pathname.split("/");
  for (const route of routes) {
    const handler = route.handlers[method];
    if (!handler) continue;
    const pattern = route.path.split("/");
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < pattern.length && matched; i++) {
      const expected = pattern[i] as string;
      const actual = segments[i] as string;
      if (expected.startsWith("[") && expected.endsWith("]")) {
        if (actual === "") matched = false;
        else {
          try {
            params[expected.slice(1, -1)] = decodeURIComponent(actual);
          } catch {
            matched = false;
          }
        }
      } else if (expected !== actual) matched = false;
    }
    if (matched) return { handler, node: route.node, params };
  }
  return undefined;
}
