import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { GET as getTemplate } from "./[templateId]/route";
import { POST as createFrom } from "./[templateId]/workflows/route";
import { GET as listTemplates } from "./route";

describeEachDriver("REST /api/v1/templates", (ctx) => {
  let call: ReturnType<typeof restCaller>;
  let readOnly: ReturnType<typeof restCaller>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    const cast = await workspaceWithRoles(ctx.db());
    call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read", "workflows:write"]));
    readOnly = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read"]));
  });

  it("lists templates, shows one, and creates a workflow from it", async () => {
    const listed = (await (await readOnly(listTemplates, "/api/v1/templates")).json()) as { items: { id: string; secrets: string[] }[] };
    expect(listed.items.length).toBeGreaterThanOrEqual(5);
    expect(listed.items.find((t) => t.id === "webhook-to-api")?.secrets).toEqual(["API_TOKEN"]);

    const one = await readOnly(getTemplate, "/api/v1/templates/for-each-item", { params: { templateId: "for-each-item" } });
    expect(await one.json()).toMatchObject({ id: "for-each-item", triggerType: "trigger.manual", definition: { schemaVersion: 1 } });
    expect((await readOnly(getTemplate, "/api/v1/templates/nope", { params: { templateId: "nope" } })).status).toBe(404);
    expect((await readOnly(getTemplate, "/api/v1/templates/..%2F", { params: { templateId: "../" } })).status).toBe(404);

    const created = await call(createFrom, "/api/v1/templates/for-each-item/workflows", { method: "POST", params: { templateId: "for-each-item" }, body: { name: "Batch" } });
    expect(created.status).toBe(201);
    const workflow = (await created.json()) as { id: string; name: string; definition: { nodes: { type: string }[] } };
    expect(workflow.name).toBe("Batch");
    expect(workflow.definition.nodes.map((n) => n.type)).toContain("loop.splitter");
    expect(created.headers.get("location")).toBe(`/api/v1/workflows/${workflow.id}`);
    expect((await readOnly(createFrom, "/api/v1/templates/for-each-item/workflows", { method: "POST", params: { templateId: "for-each-item" } })).status).toBe(403);
  });
});
