import { afterAll, beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, callerFor, publishedWorkflow, restCaller, runDefinitions, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, startRun, type EmbeddedRuntime } from "@trellis/runtime";
import { waitForStatus } from "@trellis/runtime/testing";
import { GET as events } from "./route";

interface TimelinePage {
  items: { id: number; type: string; nodeId: string | null; stepId: string | null; data: unknown; createdAt: string }[];
  nextAfterId: number | null;
  next: string | null;
}

describeEachDriver("REST GET /api/v1/runs/{runId}/events", (ctx) => {
  let runtime: EmbeddedRuntime;
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
  let workspaceId: string;
  let runId: string;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 2, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    cast = await workspaceWithRoles(ctx.db());
    workspaceId = cast.workspace.id;
    const { workflowId } = await publishedWorkflow(callerFor(ctx.db(), cast.owner), workspaceId, runDefinitions.greeting, "Timeline");
    const { run } = await startRun(ctx.handle(), { workspaceId, workflowId, input: { name: "Ada" }, driver: "embedded" });
    runId = run.id;
    await waitForStatus(ctx.handle(), { workspaceId, runId }, ["succeeded"]);
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  const path = (suffix = "") => `/api/v1/runs/${runId}/events${suffix}`;

  it("answers the timeline oldest first in pages, following next links to the end", async () => {
    const call = restCaller(await apiKeyWithScopes(ctx.db(), workspaceId, cast.admin.id, ["runs:read"]));
    const whole = await call(events, path(), { params: { runId } });
    expect(whole.status).toBe(200);
    const all = (await whole.json()) as TimelinePage;
    expect(all.next).toBeNull();
    expect(all.nextAfterId).toBeNull();
    expect(all.items.slice(0, 2).map((e) => e.type)).toEqual(["run.queued", "run.started"]);
    expect(all.items.at(-1)?.type).toBe("run.succeeded");
    expect(all.items.filter((e) => e.type === "node.completed").map((e) => e.nodeId)).toEqual(["trigger", "greet", "shout"]);
    expect(all.items.map((e) => e.id)).toEqual([...all.items.map((e) => e.id)].sort((a, b) => a - b));
    expect(new Date(all.items[0]!.createdAt).getTime()).not.toBeNaN();

    const seen: number[] = [];
    let next: string | null = path("?limit=2");
    let pages = 0;
    while (next) {
      const response = await call(events, next, { params: { runId } });
      expect(response.status).toBe(200);
      const page = (await response.json()) as TimelinePage;
      expect(page.items.length).toBeLessThanOrEqual(2);
      if (page.next) {
        expect(page.next).toBe(`/api/v1/runs/${runId}/events?limit=2&afterId=${page.nextAfterId}`);
        expect(response.headers.get("link")).toBe(`<${page.next}>; rel="next"`);
        expect(page.nextAfterId).toBe(page.items.at(-1)?.id);
      } else {
        expect(response.headers.get("link")).toBeNull();
      }
      seen.push(...page.items.map((e) => e.id));
      next = page.next;
      pages += 1;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(all.items.map((e) => e.id));

    const afterLast = (await (await call(events, path(`?afterId=${all.items.at(-1)!.id}`), { params: { runId } })).json()) as TimelinePage;
    expect(afterLast).toEqual({ items: [], nextAfterId: null, next: null });
  });

  it("answers 404 for another workspace's run or an unknown one, 403 without runs:read, 401 without a key, 400 for a bad afterId", async () => {
    const outsider = restCaller(await apiKeyWithScopes(ctx.db(), cast.otherWorkspace.id, cast.outsider.id, ["runs:read"]));
    const foreign = await outsider(events, path(), { params: { runId } });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get("content-type")).toBe("application/problem+json");
    expect(await foreign.json()).not.toHaveProperty("items");
    const call = restCaller(await apiKeyWithScopes(ctx.db(), workspaceId, cast.admin.id, ["runs:read"]));
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await call(events, `/api/v1/runs/${unknown}/events`, { params: { runId: unknown } })).status).toBe(404);
    expect((await call(events, "/api/v1/runs/42/events", { params: { runId: "42" } })).status).toBe(404);

    const workflowsOnly = restCaller(await apiKeyWithScopes(ctx.db(), workspaceId, cast.admin.id, ["workflows:read", "runs:write"]));
    const forbidden = await workflowsOnly(events, path(), { params: { runId } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ detail: "This API key lacks the runs:read scope" });

    expect((await restCaller(null)(events, path(), { params: { runId } })).status).toBe(401);
    const badCursor = await call(events, path("?afterId=-1"), { params: { runId } });
    expect([400, 422]).toContain(badCursor.status);
    expect(Object.keys(((await badCursor.json()) as { errors: Record<string, unknown> }).errors)).toEqual(["afterId"]);
  });
});
