import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { POST as createWorkflow } from "../../route";
import { PATCH } from "../route";
import { GET as diff } from "../diff/route";
import { PUT as putDraft } from "../draft/route";
import { GET as getVersion } from "./[number]/route";
import { GET as listVersions, POST as publish } from "./route";

const definition = (url: string) => ({
  schemaVersion: 1,
  nodes: [
    { id: "start", type: "trigger.manual" },
    { id: "call", type: "http.request", config: { url } },
  ],
  edges: [{ id: "e", source: "start", target: "call" }],
});

describeEachDriver("REST /api/v1/workflows/{id}/versions", (ctx) => {
  let call: ReturnType<typeof restCaller>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    const cast = await workspaceWithRoles(ctx.db());
    call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read", "workflows:write"]));
  });

  async function workflowWith(body: unknown) {
    const response = await call(createWorkflow, "/api/v1/workflows", { method: "POST", body: { name: "Versioned", definition: body } });
    const { id } = (await response.json()) as { id: string };
    return { id, params: { workflowId: id }, base: `/api/v1/workflows/${id}` };
  }

  it("publishes with 201 and a Location that reads the version back, without a body at all", async () => {
    const w = await workflowWith(definition("https://a.example"));
    const response = await call(publish, `${w.base}/versions`, { method: "POST", params: w.params });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe(`${w.base}/versions/1`);
    expect(await response.json()).toMatchObject({ number: 1, message: "", warnings: [], createdBy: null });

    const read = await call(getVersion, `${w.base}/versions/1`, { params: { ...w.params, number: "1" } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ number: 1, definition: { nodes: [{ id: "start" }, { id: "call", config: { url: "https://a.example" } }] } });
    expect((await call(getVersion, `${w.base}/versions/7`, { params: { ...w.params, number: "7" } })).status).toBe(404);
    expect((await call(getVersion, `${w.base}/versions/first`, { params: { ...w.params, number: "first" } })).status).toBe(404);
  });

  it("answers 422 with the compiler's problems for a draft that does not compile", async () => {
    const w = await workflowWith({ schemaVersion: 1, nodes: [{ id: "lonely", type: "transform", config: { expression: "1" } }], edges: [] });
    const response = await call(publish, `${w.base}/versions`, { method: "POST", params: w.params, body: { message: "try" } });
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      status: 422,
      detail: "Cannot publish: the definition has 1 problem",
      problems: [{ severity: "error", code: "missing_trigger" }],
      errors: { definition: ["the workflow needs a trigger node"] },
    });
  });

  it("publishes only the draft If-Match names, when it is sent", async () => {
    const w = await workflowWith(definition("https://a.example"));
    const stale = await call(publish, `${w.base}/versions`, { method: "POST", params: w.params, headers: { "if-match": '"9"' }, body: {} });
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ currentRevision: 1 });
    expect((await call(publish, `${w.base}/versions`, { method: "POST", params: w.params, headers: { "if-match": '"1"' }, body: { message: "ok" } })).status).toBe(201);
  });

  it("lists versions a page at a time, compares two and restores one as the draft", async () => {
    const w = await workflowWith(definition("https://a.example"));
    await call(publish, `${w.base}/versions`, { method: "POST", params: w.params, body: { message: "a" } });
    const patched = await call(PATCH, w.base, { method: "PATCH", params: w.params, headers: { "if-match": '"1"' }, body: { definition: definition("https://b.example") } });
    expect(patched.status).toBe(200);
    await call(publish, `${w.base}/versions`, { method: "POST", params: w.params, body: { message: "b" } });

    const page = await call(listVersions, `${w.base}/versions?limit=1`, { params: w.params });
    const first = (await page.json()) as { items: { number: number }[]; next: string };
    expect(first.items.map((v) => v.number)).toEqual([2]);
    expect(page.headers.get("link")).toBe(`<${first.next}>; rel="next"`);
    const rest = (await (await call(listVersions, first.next, { params: w.params })).json()) as { items: { number: number }[]; next: null };
    expect(rest).toMatchObject({ items: [{ number: 1 }], next: null });

    const comparison = await call(diff, `${w.base}/diff?from=1&to=2`, { params: w.params });
    expect(comparison.status).toBe(200);
    expect(await comparison.json()).toMatchObject({
      from: { number: 1, message: "a" },
      to: { number: 2, message: "b" },
      diff: { identical: false, nodes: { changed: [{ id: "call", config: [{ path: ["url"], kind: "changed", before: "https://a.example", after: "https://b.example" }] }] } },
    });
    expect((await call(diff, `${w.base}/diff?from=1`, { params: w.params })).status).toBe(422);

    const noMatch = await call(putDraft, `${w.base}/draft`, { method: "PUT", params: w.params, body: { fromVersion: 1 } });
    expect(noMatch.status).toBe(428);
    const restored = await call(putDraft, `${w.base}/draft`, { method: "PUT", params: w.params, headers: { "if-match": '"2"' }, body: { fromVersion: 1 } });
    expect(restored.status).toBe(200);
    expect(restored.headers.get("etag")).toBe('"3"');
    expect(await restored.json()).toMatchObject({ revision: 3, hasUnpublishedChanges: true, definition: { nodes: [{}, { config: { url: "https://a.example" } }] } });
  });
});
