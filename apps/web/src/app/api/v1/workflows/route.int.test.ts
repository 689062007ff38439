import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, callerFor, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { DELETE, GET as getWorkflow, PATCH } from "./[workflowId]/route";
import { POST as duplicate } from "./[workflowId]/duplicates/route";
import { GET as exportWorkflow } from "./[workflowId]/export/route";
import { GET as stats } from "./[workflowId]/stats/route";
import { POST as importWorkflow } from "./imports/route";
import { GET as list, POST as create } from "./route";

type Json = Record<string, unknown>;

describeEachDriver("REST /api/v1/workflows", (ctx) => {
  let call: ReturnType<typeof restCaller>;
  let readOnly: ReturnType<typeof restCaller>;
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    cast = await workspaceWithRoles(ctx.db());
    const keyOf = (scopes: Parameters<typeof apiKeyWithScopes>[3]) => apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, scopes);
    call = restCaller(await keyOf(["workflows:read", "workflows:write"]));
    readOnly = restCaller(await keyOf(["workflows:read"]));
  });

  async function created(name = "REST workflow") {
    const response = await call(create, "/api/v1/workflows", { method: "POST", body: { name } });
    expect(response.status).toBe(201);
    return (await response.json()) as Json & { id: string };
  }

  it("creates with 201, Location and ETag, and reads it back", async () => {
    const response = await call(create, "/api/v1/workflows", { method: "POST", body: { name: "Via REST", description: "made by a key" } });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Json & { id: string };
    expect(response.headers.get("location")).toBe(`/api/v1/workflows/${body.id}`);
    expect(response.headers.get("etag")).toBe('"1"');
    expect(body).toMatchObject({ name: "Via REST", description: "made by a key", revision: 1, createdBy: null, latestVersion: null });
    expect(typeof body.createdAt).toBe("string");

    const read = await call(getWorkflow, `/api/v1/workflows/${body.id}`, { params: { workflowId: body.id } });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('"1"');
    expect(await read.json()).toEqual(body);
  });

  it("answers problem+json for invalid, non-JSON, malformed and oversized bodies", async () => {
    const invalid = await call(create, "/api/v1/workflows", { method: "POST", body: { name: "", concurrencyLimit: 0 } });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get("content-type")).toBe("application/problem+json");
    expect(await invalid.json()).toMatchObject({
      status: 422,
      type: "/api/docs/problems#unprocessable-content",
      instance: "/api/v1/workflows",
      errors: { name: ["Name the workflow"], concurrencyLimit: [expect.any(String)] },
    });

    const text = await call(create, "/api/v1/workflows", { method: "POST", body: "name=x", headers: { "content-type": "text/plain" } });
    expect(text.status).toBe(415);
    const malformed = await call(create, "/api/v1/workflows", { method: "POST", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ detail: "The body is not valid JSON" });

    const huge = await call(create, "/api/v1/workflows", { method: "POST", body: { name: "big", description: "x".repeat(1024 * 1024 + 10) } });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ status: 413, title: "Payload too large" });
  });

  it("pages with a next link and a Link header, and validates the query", async () => {
    const fresh = await workspaceWithRoles(ctx.db());
    const key = restCaller(await apiKeyWithScopes(ctx.db(), fresh.workspace.id, fresh.owner.id, ["workflows:read", "workflows:write"]));
    for (const name of ["one", "two", "three"]) await key(create, "/api/v1/workflows", { method: "POST", body: { name } });

    const first = await key(list, "/api/v1/workflows?limit=2&sort=name");
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: { name: string }[]; next: string; nextCursor: string };
    expect(page.items.map((w) => w.name)).toEqual(["one", "three"]);
    expect(page.next).toBe(`/api/v1/workflows?limit=2&sort=name&cursor=${page.nextCursor}`);
    expect(first.headers.get("link")).toBe(`<${page.next}>; rel="next"`);

    const second = await key(list, page.next);
    const last = (await second.json()) as { items: { name: string }[]; next: string | null };
    expect(last).toMatchObject({ items: [{ name: "two" }], next: null, nextCursor: null });
    expect(second.headers.get("link")).toBeNull();

    const bad = await key(list, "/api/v1/workflows?limit=abc&sort=color");
    expect(bad.status).toBe(422);
    expect(Object.keys(((await bad.json()) as { errors: Json }).errors).sort()).toEqual(["limit", "sort"]);
    expect((await key(list, "/api/v1/workflows?cursor=garbage")).status).toBe(400);
  });

  it("guards PATCH with If-Match: 428 without it, 412 when stale, 200 with the new ETag", async () => {
    const workflow = await created();
    const patch = (headers: Record<string, string>, body: Json = { name: "Patched" }) =>
      call(PATCH, `/api/v1/workflows/${workflow.id}`, { method: "PATCH", params: { workflowId: workflow.id }, headers, body });

    const missing = await patch({});
    expect(missing.status).toBe(428);
    expect(await missing.json()).toMatchObject({ status: 428, type: "/api/docs/problems#precondition-required", title: "Precondition required" });
    expect((await patch({ "if-match": "*" })).status).toBe(400);

    const ok = await patch({ "if-match": '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe('"2"');
    expect(await ok.json()).toMatchObject({ name: "Patched", revision: 2 });

    const stale = await patch({ "if-match": '"1"' }, { description: "lost" });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ status: 412, currentRevision: 2, type: "/api/docs/problems#precondition-failed" });

    const empty = await patch({ "if-match": '"2"' }, {});
    expect(empty.status).toBe(422);
  });

  it("deletes with 204, then answers 404; another workspace's workflow and malformed ids are 404 too", async () => {
    const workflow = await created("Short-lived");
    const params = { workflowId: workflow.id };
    const deleted = await call(DELETE, `/api/v1/workflows/${workflow.id}`, { method: "DELETE", params });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect((await call(getWorkflow, `/api/v1/workflows/${workflow.id}`, { params })).status).toBe(404);

    const theirs = await callerFor(ctx.db(), cast.outsider).workflow.create({ workspaceId: cast.otherWorkspace.id, name: "Theirs" });
    const foreign = await call(getWorkflow, `/api/v1/workflows/${theirs.id}`, { params: { workflowId: theirs.id } });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ detail: "Workflow not found" });
    expect((await call(getWorkflow, "/api/v1/workflows/not-a-uuid", { params: { workflowId: "not-a-uuid" } })).status).toBe(404);
  });

  it("checks the key's scope per operation", async () => {
    const workflow = await created();
    expect((await readOnly(getWorkflow, `/api/v1/workflows/${workflow.id}`, { params: { workflowId: workflow.id } })).status).toBe(200);
    const refused = await readOnly(create, "/api/v1/workflows", { method: "POST", body: { name: "nope" } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ detail: "This API key lacks the workflows:write scope" });
    expect((await readOnly(DELETE, `/api/v1/workflows/${workflow.id}`, { method: "DELETE", params: { workflowId: workflow.id } })).status).toBe(403);
    expect((await restCaller(null)(list, "/api/v1/workflows")).status).toBe(401);
  });

  it("duplicates, exports, imports and reports stats", async () => {
    const workflow = await created("Original");
    const params = { workflowId: workflow.id };
    const copy = await call(duplicate, `/api/v1/workflows/${workflow.id}/duplicates`, { method: "POST", params });
    expect(copy.status).toBe(201);
    const copied = (await copy.json()) as { id: string; name: string };
    expect(copied.name).toBe("Original (copy)");
    expect(copy.headers.get("location")).toBe(`/api/v1/workflows/${copied.id}`);

    const exported = await call(exportWorkflow, `/api/v1/workflows/${workflow.id}/export`, { params });
    expect(exported.headers.get("content-disposition")).toBe('attachment; filename="Original.trellis.json"');
    const document = (await exported.json()) as Json;
    expect(document).toMatchObject({ format: "trellis.workflow", formatVersion: 1, name: "Original" });

    const imported = await call(importWorkflow, "/api/v1/workflows/imports", { method: "POST", body: { ...document, name: "Imported" } });
    expect(imported.status).toBe(201);
    const result = (await imported.json()) as { workflow: { id: string; name: string }; problems: unknown[] };
    expect(result).toMatchObject({ workflow: { name: "Imported" }, problems: [] });
    expect(imported.headers.get("location")).toBe(`/api/v1/workflows/${result.workflow.id}`);

    const wrong = await call(importWorkflow, "/api/v1/workflows/imports", { method: "POST", body: { ...document, format: "n8n", definition: { schemaVersion: 1, nodes: [{}] } } });
    expect(wrong.status).toBe(422);
    expect(Object.keys(((await wrong.json()) as { errors: Json }).errors).sort()).toEqual(["definition.nodes.0.id", "definition.nodes.0.type", "format"]);

    const statistics = await call(stats, `/api/v1/workflows/${workflow.id}/stats`, { params });
    expect(await statistics.json()).toMatchObject({ workflowId: workflow.id, total: 0, lastRun: null, durationMs: { p50: null } });
    expect((await call(stats, `/api/v1/workflows/${workflow.id}/stats?since=yesterday`, { params })).status).toBe(422);
  });
});
