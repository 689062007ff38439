import { beforeAll, expect, it } from "vitest";
import { apiKeyWithScopes, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { GET as getNodeType } from "./[type]/route";
import { POST as testNode } from "./[type]/tests/route";
import { GET as listNodeTypes } from "./route";

describeEachDriver("REST /api/v1/node-types", (ctx) => {
  let call: ReturnType<typeof restCaller>;
  let readOnly: ReturnType<typeof restCaller>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    const cast = await workspaceWithRoles(ctx.db());
    call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read", "workflows:write"]));
    readOnly = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["workflows:read"]));
  });

  it("lists node types with JSON Schemas and gets one by its dotted name", async () => {
    const listed = (await (await readOnly(listNodeTypes, "/api/v1/node-types")).json()) as { items: { type: string; configSchema: Record<string, unknown> }[] };
    expect(listed.items.find((t) => t.type === "transform")?.configSchema).toMatchObject({ type: "object", required: ["expression"] });
    const one = await readOnly(getNodeType, "/api/v1/node-types/trigger.schedule", { params: { type: "trigger.schedule" } });
    expect(await one.json()).toMatchObject({ type: "trigger.schedule", role: "trigger", handles: { error: null } });
    expect((await readOnly(getNodeType, "/api/v1/node-types/none", { params: { type: "none" } })).status).toBe(404);
  });

  it("tests a node: 200 with the result, ok: false for a failing node, 422 for an invalid config", async () => {
    const params = { type: "transform" };
    const ran = await call(testNode, "/api/v1/node-types/transform/tests", { method: "POST", params, body: { config: { expression: "input.x * 3" }, input: { x: 14 } } });
    expect(ran.status).toBe(200);
    expect(await ran.json()).toMatchObject({ ok: true, output: 42, handles: null });

    const failing = await call(testNode, "/api/v1/node-types/transform/tests", { method: "POST", params, body: { config: { expression: "$error('boom')" } } });
    expect(failing.status).toBe(200);
    expect(await failing.json()).toMatchObject({ ok: false, error: { message: expect.stringContaining("boom") } });

    const invalid = await call(testNode, "/api/v1/node-types/transform/tests", { method: "POST", params, body: { config: {} } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ problems: [{ code: "invalid_config", path: ["expression"] }], errors: { "nodes.test.expression": [expect.any(String)] } });

    expect((await readOnly(testNode, "/api/v1/node-types/transform/tests", { method: "POST", params, body: { config: { expression: "1" } } })).status).toBe(403);
  });
});
