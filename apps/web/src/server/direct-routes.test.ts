import { describe, expect, it } from "vitest";
import { loadDirectRoutes, matchDirectRoute, type DirectRoute } from "./direct-routes";

const handler = () => new Response(null);
const other = () => new Response(null);
const routes: DirectRoute[] = [
  { path: "/api/hooks/[slug]", handlers: { POST: handler, GET: handler } },
  { path: "/api/v1/workflows/[workflowId]/runs", handlers: { POST: other } },
];

describe("matchDirectRoute", () => {
  it("finds the handler of the path and method, with its decoded parameters", () => {
    expect(matchDirectRoute(routes, "POST", "/api/hooks/orders-in")).toEqual({ handler, params: { slug: "orders-in" } });
    expect(matchDirectRoute(routes, "POST", "/api/v1/workflows/a%2Fb/runs")).toEqual({ handler: other, params: { workflowId: "a/b" } });
  });

  it("leaves every other request to Next.js", () => {
    // A method the route does not export: Next.js answers 405.
    expect(matchDirectRoute(routes, "DELETE", "/api/hooks/orders-in")).toBeUndefined();
    // Trailing slashes (Next.js redirects), empty and extra segments, other paths.
    expect(matchDirectRoute(routes, "POST", "/api/hooks/orders-in/")).toBeUndefined();
    expect(matchDirectRoute(routes, "POST", "/api/hooks/")).toBeUndefined();
    expect(matchDirectRoute(routes, "POST", "/api/hooks/a/b")).toBeUndefined();
    expect(matchDirectRoute(routes, "GET", "/api/v1/workflows/w1/runs")).toBeUndefined();
    expect(matchDirectRoute(routes, "POST", "/settings/webhooks")).toBeUndefined();
    // A malformed percent-encoding is Next.js's 400 to answer.
    expect(matchDirectRoute(routes, "POST", "/api/hooks/%E0%A4%A")).toBeUndefined();
  });

  it("serves the app's own route modules", async () => {
    const loaded = await loadDirectRoutes();
    expect(loaded.map((route) => route.path)).toContain("/api/hooks/[slug]");
    const hook = matchDirectRoute(loaded, "POST", "/api/hooks/orders-in");
    const webhooksRoute = await import("../app/api/hooks/[slug]/route");
    expect(hook?.handler).toBe(webhooksRoute.POST);
    // Deliveries are read from the Node.js request (webhook-ingress.int.test.ts); the others go through their web handler.
    expect(hook?.node).toBeTypeOf("function");
    const start = matchDirectRoute(loaded, "POST", "/api/v1/workflows/3f1e0c9a-4a53-4c43-9d43-2d0c0f7a8b11/runs");
    expect(start?.handler).toBe((await import("../app/api/v1/workflows/[workflowId]/runs/route")).POST);
    expect(start?.node).toBeUndefined();
  });
});
