import createClient from "openapi-fetch";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, workspaceWithRoles } from "@trellis/api/testing";
import { openApiDocument } from "@trellis/api/rest";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import type { paths } from "./openapi.generated";
import * as workflowRoute from "./workflows/[workflowId]/route";
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

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    const cast = await workspaceWithRoles(ctx.db());
    const key = await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read", "workflows:write"]);
    client = createClient<paths>({ baseUrl: "http://localhost", fetch: dispatch, headers: { authorization: `Bearer ${key}` } });
  });

  it("creates a workflow, publishes two versions, compares them and pages through the list", async () => {
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
  });
});
