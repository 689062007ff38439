import { beforeAll, expect, it } from "vitest";
import { resolveWorkspaceSecrets } from "@trellis/api";
import { apiKeyWithScopes, callerFor, restCaller, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { DELETE, PUT } from "./[secretId]/route";
import { GET as list, POST as create } from "./route";

describeEachDriver("REST /api/v1/secrets", (ctx) => {
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;
  let call: ReturnType<typeof restCaller>;
  let readNames: ReturnType<typeof restCaller>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    cast = await workspaceWithRoles(ctx.db());
    call = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["secrets:read", "secrets:write"]));
    readNames = restCaller(await apiKeyWithScopes(ctx.db(), cast.workspace.id, cast.admin.id, ["secrets:read"]));
  });

  it("creates, lists, rotates and deletes, never answering a value", async () => {
    const created = await call(create, "/api/v1/secrets", { method: "POST", body: { name: "WEBHOOK_SECRET", value: "whsec_123" } });
    expect(created.status).toBe(201);
    const secret = (await created.json()) as { id: string };
    expect(created.headers.get("location")).toBe(`/api/v1/secrets/${secret.id}`);
    expect(secret).toEqual({ id: expect.any(String), name: "WEBHOOK_SECRET", createdBy: null, createdAt: expect.any(String), rotatedAt: null });

    const duplicate = await call(create, "/api/v1/secrets", { method: "POST", body: { name: "WEBHOOK_SECRET", value: "other" } });
    expect(duplicate.status).toBe(409);

    const listed = await readNames(list, "/api/v1/secrets");
    const text = await listed.text();
    expect(JSON.parse(text)).toMatchObject({ items: [{ name: "WEBHOOK_SECRET" }] });
    expect(text).not.toContain("whsec_123");

    const params = { secretId: secret.id };
    const rotated = await call(PUT, `/api/v1/secrets/${secret.id}`, { method: "PUT", params, body: { value: "whsec_456" } });
    expect(rotated.status).toBe(200);
    expect(await rotated.text()).not.toContain("whsec_456");
    expect(await resolveWorkspaceSecrets(ctx.db(), cast.workspace.id)).toEqual({ WEBHOOK_SECRET: "whsec_456" });

    expect((await readNames(PUT, `/api/v1/secrets/${secret.id}`, { method: "PUT", params, body: { value: "x" } })).status).toBe(403);
    expect((await call(DELETE, `/api/v1/secrets/${secret.id}`, { method: "DELETE", params })).status).toBe(204);
    expect((await call(DELETE, `/api/v1/secrets/${secret.id}`, { method: "DELETE", params })).status).toBe(404);
  });

  it("answers 404 for another workspace's secret and 422 for a bad name", async () => {
    const theirs = await callerFor(ctx.db(), cast.outsider).secret.create({ workspaceId: cast.otherWorkspace.id, name: "THEIRS", value: "v" });
    const params = { secretId: theirs.id };
    expect((await call(PUT, `/api/v1/secrets/${theirs.id}`, { method: "PUT", params, body: { value: "mine" } })).status).toBe(404);
    expect((await call(DELETE, `/api/v1/secrets/${theirs.id}`, { method: "DELETE", params })).status).toBe(404);
    const bad = await call(create, "/api/v1/secrets", { method: "POST", body: { name: "no spaces please", value: "v" } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: { name: [expect.any(String)] } });
  });
});
