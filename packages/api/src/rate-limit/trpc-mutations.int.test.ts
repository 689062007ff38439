import { TRPCError } from "@trpc/server";
import { afterAll, expect, it } from "vitest";
import { describeEachDriver } from "@trellis/db/testing";
import { callerFor, workspaceWithRoles } from "../testing";
import { configureRateLimits, createMemoryLimiter } from ".";

afterAll(() => {
  globalThis.__trellisRateLimits = undefined;
});

describeEachDriver("per-user limit on tRPC mutations", (ctx) => {
  it("refuses a user's mutations past the limit with TOO_MANY_REQUESTS, leaving reads and other users alone", async () => {
    configureRateLimits({ limiter: createMemoryLimiter(), policies: { trpcMutationUser: { limit: 2, windowSeconds: 60 } } });
    const cast = await workspaceWithRoles(ctx.db());
    const admin = callerFor(ctx.db(), cast.admin);
    const workspaceId = cast.workspace.id;
    await admin.apiKey.create({ workspaceId, name: "one", scopes: ["runs:read"] });
    await admin.apiKey.create({ workspaceId, name: "two", scopes: ["runs:read"] });
    const refused = await admin.apiKey.create({ workspaceId, name: "three", scopes: ["runs:read"] }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe("TOO_MANY_REQUESTS");
    expect((refused as TRPCError).message).toMatch(/^Too many changes at once: try again in \d+ s$/);
    expect((await admin.apiKey.list({ workspaceId })).map((k) => k.name).sort()).toEqual(["one", "two"]);
    await callerFor(ctx.db(), cast.owner).apiKey.create({ workspaceId, name: "owner's", scopes: ["runs:read"] });
  });
}, { drivers: ["pglite"] });
