import { beforeAll, expect, it } from "vitest";
import { callerFor, workspaceWithRoles } from "@trellis/api/testing";
import { provideAppDatabase } from "@trellis/db";
import { describeEachDriver } from "@trellis/db/testing";
import { GET } from "./route";

describeEachDriver("GET /api/v1/workspace", (ctx) => {
  let keys: { full: string; narrow: string; revoked: string };
  let cast: Awaited<ReturnType<typeof workspaceWithRoles>>;

  beforeAll(async () => {
    provideAppDatabase(ctx.handle());
    cast = await workspaceWithRoles(ctx.db());
    const admin = callerFor(ctx.db(), cast.admin);
    const workspaceId = cast.workspace.id;
    const full = await admin.apiKey.create({ workspaceId, name: "full", scopes: ["workspace:read", "runs:read"] });
    const narrow = await admin.apiKey.create({ workspaceId, name: "narrow", scopes: ["runs:read"] });
    const revoked = await admin.apiKey.create({ workspaceId, name: "gone", scopes: ["workspace:read"] });
    await admin.apiKey.revoke({ workspaceId, apiKeyId: revoked.id });
    keys = { full: full.key, narrow: narrow.key, revoked: revoked.key };
  });

  const get = (authorization?: string, requestId?: string) =>
    GET(
      new Request("http://localhost/api/v1/workspace", {
        headers: { ...(authorization ? { authorization } : {}), ...(requestId ? { "x-request-id": requestId } : {}) },
      }),
    );

  it("answers the key's own workspace and echoes the request id", async () => {
    const response = await get(`Bearer ${keys.full}`, "client-chosen-id");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("client-chosen-id");
    expect(await response.json()).toMatchObject({ id: cast.workspace.id, slug: cast.workspace.slug, scopes: ["workspace:read", "runs:read"] });
    const [listed] = (await callerFor(ctx.db(), cast.owner).apiKey.list({ workspaceId: cast.workspace.id })).filter((k) => k.name === "full");
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
  });

  it.each([
    ["no Authorization header", undefined, "Send an API key as `Authorization: Bearer <key>`"],
    ["an unknown key", "Bearer trl_live_nope0000000000000000000000000000", "Unknown API key"],
    ["a revoked key", "revoked", "This API key has been revoked"],
    ["a malformed header", "Basic dXNlcjpwYXNz", "Send an API key as `Authorization: Bearer <key>`"],
  ])("answers 401 problem+json for %s", async (_label, header, detail) => {
    const response = await get(header === "revoked" ? `Bearer ${keys.revoked}` : header);
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    const problem = (await response.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 401, title: "Unauthorized", detail, type: "/api/docs/problems#unauthorized", instance: "/api/v1/workspace" });
    expect(problem.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("answers 403 when the key lacks the operation's scope", async () => {
    const response = await get(`Bearer ${keys.narrow}`);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ detail: "This API key lacks the workspace:read scope" });
  });
});
