import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { AppError } from "@trellis/config/errors";
import { openDatabase, schema, type DatabaseHandle } from "@trellis/db";
import { createUser, createWorkspace, describeEachDriver } from "@trellis/db/testing";
import { startConfigCaches } from "@trellis/runtime";
import { authenticateApiKey, createApiKey, revokeApiKey } from "./api-keys";

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof AppError ? error.code : error),
  );

describeEachDriver("API key authentication with the per-process key cache", (ctx) => {
  // A second app instance on the same database: its own pool, its own cache, its own LISTEN connection.
  let other: DatabaseHandle | undefined;
  const stops: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    stops.push((await startConfigCaches(ctx.handle())).stop);
    const url = ctx.testDatabase().url;
    if (url) {
      other = openDatabase({ url, driver: ctx.driver, poolMax: 2 });
      stops.push((await startConfigCaches(other)).stop);
    }
  });
  afterAll(async () => {
    for (const stop of stops.splice(0)) await stop();
    await other?.close();
  });

  async function newKey() {
    const user = await createUser(ctx.db());
    const workspace = await createWorkspace(ctx.db(), user.id);
    const scope = { db: ctx.db(), workspaceId: workspace.id, userId: user.id, role: "admin" as const };
    const key = await createApiKey(scope, { name: "cached", scopes: ["runs:read"] });
    return { scope, key };
  }

  it("answers from the cache once a key is known, without asking the database", async () => {
    const { scope, key } = await newKey();
    expect(await authenticateApiKey(ctx.db(), key.key)).toEqual({ keyId: key.id, workspaceId: scope.workspaceId, scopes: ["runs:read"] });
    const spy = vi.spyOn(ctx.db(), "select");
    try {
      expect((await authenticateApiKey(ctx.db(), key.key)).keyId).toBe(key.id);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    const [row] = await ctx.db().select({ lastUsedAt: schema.apiKeys.lastUsedAt }).from(schema.apiKeys).where(eq(schema.apiKeys.id, key.id));
    expect(row?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("refuses a revoked key at once in the revoking process, though it was cached", async () => {
    const { scope, key } = await newKey();
    await authenticateApiKey(ctx.db(), key.key);
    await revokeApiKey(scope, { apiKeyId: key.id });
    expect(await refusal(authenticateApiKey(ctx.db(), key.key))).toBe("UNAUTHORIZED");
  });

  it("refuses a revoked key in another app instance as soon as the revocation's NOTIFY arrives", async () => {
    if (!other) return; // PGlite is one process's database.
    const otherDb = other.db;
    const { scope, key } = await newKey();
    await authenticateApiKey(otherDb, key.key);
    // Cached there: the database no longer says anything about this key that the cache would not.
    await ctx.db().update(schema.apiKeys).set({ scopes: ["runs:write"] }).where(eq(schema.apiKeys.id, key.id));
    expect((await authenticateApiKey(otherDb, key.key)).scopes).toEqual(["runs:read"]);

    await revokeApiKey(scope, { apiKeyId: key.id });
    await vi.waitFor(async () => expect(await refusal(authenticateApiKey(otherDb, key.key))).toBe("UNAUTHORIZED"), { timeout: 1_000, interval: 1 });
  });

  it("does not cache a lookup that raced a revocation", async () => {
    const { scope, key } = await newKey();
    // The lookup reads the row before the revocation commits and would fill the cache after it.
    const lookup = authenticateApiKey(ctx.db(), key.key);
    await revokeApiKey(scope, { apiKeyId: key.id });
    await lookup.catch(() => undefined);
    expect(await refusal(authenticateApiKey(ctx.db(), key.key))).toBe("UNAUTHORIZED");
  });
});
