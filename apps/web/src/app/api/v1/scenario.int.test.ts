import createClient from "openapi-fetch";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, workspaceWithRoles } from "@trellis/api/testing";
import { openApiDocument } from "@trellis/api/rest";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { getRunEventBus, startEmbeddedRuntime, type EmbeddedRuntime } from "@trellis/runtime";
import type { paths } from "./openapi.generated";
import * as runRoute from "./runs/[runId]/route";
import * as runsRoute from "./runs/route";
import * as workflowRoute from "./workflows/[workflowId]/route";
import * as workflowRunsRoute from "./workflows/[workflowId]/runs/route";
import * as diffRoute from "./workflows/[workflowId]/diff/route";
import * as versionsRoute from "./workflows/[workflowId]/versions/route";
import * as workflowsRoute from "./workflows/route";

type RouteModule = Partial<Record<string, (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>>>;

/** The route files the scenario drives, by the path template the document gives them. */
const routes: [template: string, module: RouteModule][] = [
  ["/api/v1/workflows", workflowsRoute],
  ["/api/v1/workflows/{workflowId}", workflowRoute],
  ["/api/v1/workflows/{workflowId}/versions", versionsRoute],
  ["/api/v1/workflows/{workflowId}/diff", diffRoute],
  ["/api/v1/workflows/{workflowId}/runs", workflowRunsRoute],
  ["/api/v1/runs", runsRoute],
  ["/api/v1/runs/{runId}", runRoute],
];

/** A fetch that hands each request to the matching route handler, as Next.js would. */
async function dispatch(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  for (const [template, module] of routes) {
    const names: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), "([^/]+)"))}$`);
    const match = pattern.exec(pathname);
    const handler = module[request.method];
    if (!match || !handler) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
    return handler(request, { params: Promise.resolve(params) });
  }
  return new Response(`no route for ${request.method} ${pathname}`, { status: 404 });
}

it("keeps the committed client types in step with the OpenAPI document", async () => {
  // Fields with defaults stay optional in requests (responses list them as required anyway).
  const source = COMMENT_HEADER + astToString(await openapiTS(openApiDocument() as never, { defaultNonNullable: false }));
  // Regenerate with `npx vitest run --project integration scenario -u` after changing an operation.
  await expect(source).toMatchFileSnapshot("./openapi.generated.ts");
});

describeEachDriver("a REST client generated from the OpenAPI document", (ctx) => {
  let client: ReturnType<typeof createClient<paths>>;
  let key: string;
  let runtime: EmbeddedRuntime;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    runtime = await startEmbeddedRuntime({ handle: ctx.handle(), concurrency: 2, leaseMs: 5_000, pollIntervalMs: 100, scheduler: false, retention: false });
    const cast = await workspaceWithRoles(ctx.db());
    key = await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read", "workflows:write", "runs:read", "runs:write"]);
    client = createClient<paths>({ baseUrl: "http://localhost", fetch: dispatch, headers: { authorization: `Bearer ${key}` } });
  });
  afterAll(async () => {
    await runtime?.stop({ graceMs: 1_000 });
    await getRunEventBus(ctx.handle()).close();
  });

  it("creates a workflow, publishes two versions, compares them, pages through the list, starts one run with an idempotency key and polls it to completion", async () => {
    const created = await client.POST("/api/v1/workflows", {
      body: {
        name: "Scenario",
        definition: {
          schemaVersion: 1,
          nodes: [
            { id: "start", type: "trigger.manual" },
            { id: "greet", type: "transform", config: { expression: "'hello ' & trigger.name" } },
          ],
          edges: [{ id: "e1", source: "start", target: "greet" }],
        },
      },
    });
    expect(created.response.status).toBe(201);
    const workflow = created.data!;
    expect(created.response.headers.get("location")).toBe(`/api/v1/workflows/${workflow.id}`);
    const path = { workflowId: workflow.id };

    const v1 = await client.POST("/api/v1/workflows/{workflowId}/versions", { params: { path }, body: { message: "first" } });
    expect(v1.response.status).toBe(201);
    expect(v1.data?.number).toBe(1);

    const read = await client.GET("/api/v1/workflows/{workflowId}", { params: { path } });
    const etag = read.response.headers.get("etag")!;
    const edited = await client.PATCH("/api/v1/workflows/{workflowId}", {
      params: { path, header: { "If-Match": etag } },
      body: {
        definition: {
          ...read.data!.definition,
          nodes: read.data!.definition.nodes.map((n) => (n.id === "greet" ? { ...n, config: { expression: "'hi ' & trigger.name" } } : n)),
        },
      },
    });
    expect(edited.response.status).toBe(200);
    const stale = await client.PATCH("/api/v1/workflows/{workflowId}", { params: { path, header: { "If-Match": etag } }, body: { name: "late" } });
    expect(stale.response.status).toBe(412);
    expect(stale.error?.currentRevision).toBe(2);

    const v2 = await client.POST("/api/v1/workflows/{workflowId}/versions", { params: { path, header: { "If-Match": '"2"' } }, body: { message: "second" } });
    expect(v2.data?.number).toBe(2);

    const diff = await client.GET("/api/v1/workflows/{workflowId}/diff", { params: { path, query: { from: 1, to: 2 } } });
    expect(diff.data?.diff.nodes.changed).toEqual([
      { id: "greet", type: "transform", name: null, fields: [], config: [{ path: ["expression"], kind: "changed", before: "'hello ' & trigger.name", after: "'hi ' & trigger.name" }] },
    ]);

    for (const name of ["Second", "Third"]) await client.POST("/api/v1/workflows", { body: { name } });
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.GET("/api/v1/workflows", { params: { query: { sort: "name", limit: 2, cursor } } });
      names.push(...(page.data?.items.map((w) => w.name) ?? []));
      cursor = page.data?.nextCursor ?? undefined;
    } while (cursor);
    expect(names).toEqual(["Scenario", "Second", "Third"]);

    // Start a run twice with one idempotency key: one run, polled at its Location until it finishes.
    const start = () =>
      client.POST("/api/v1/workflows/{workflowId}/runs", { params: { path, header: { "Idempotency-Key": "scenario-1" } }, body: { input: { name: "Ada" } } });
    const first = await start();
    const second = await start();
    expect([first.response.status, second.response.status]).toEqual([202, 202]);
    expect(second.data?.id).toBe(first.data?.id);
    const location = first.response.headers.get("location")!;
    expect(second.response.headers.get("location")).toBe(location);
    let run: { status: string; output: unknown } | undefined;
    for (let polls = 0; polls < 200; polls++) {
      const polled = await dispatch(new Request(new URL(location, "http://localhost"), { headers: { authorization: `Bearer ${key}` } }));
      expect(polled.status).toBe(200);
      run = (await polled.json()) as { status: string; output: unknown };
      if (["succeeded", "failed", "cancelled"].includes(run.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(run).toMatchObject({ status: "succeeded", output: { greet: "hi Ada" } });

    const runs = await client.GET("/api/v1/runs", { params: { query: { workflowId: workflow.id } } });
    expect(runs.data?.items.map((r) => [r.id, r.status, r.versionId])).toEqual([[first.data!.id, "succeeded", v2.data!.id]]);
    const detail = await client.GET("/api/v1/runs/{runId}", { params: { path: { runId: first.data!.id } } });
    expect(detail.data?.steps.map((s) => s.nodeId)).toEqual(["start", "greet"]);
  });
});
