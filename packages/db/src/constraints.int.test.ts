import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { postgresErrorCode, UNIQUE_VIOLATION } from "./errors";
import { apiKeys, invites, memberships, users, workspaces } from "./schema";
import { addMember, createUser, createWorkspace, describeEachDriver } from "./testing";

describeEachDriver("schema constraints", (ctx) => {
  it("reject a second user with the same email", async () => {
    const first = await createUser(ctx.db());
    const duplicate = ctx.db().insert(users).values({ email: first.email });
    const error = await duplicate.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(postgresErrorCode(error)).toBe(UNIQUE_VIOLATION);
    const rows = await ctx.db().select().from(users).where(eq(users.email, first.email));
    expect(rows).toHaveLength(1);
  });

  it("delete a workspace's memberships, invites and API keys with it, and nothing of other workspaces", async () => {
    const db = ctx.db();
    const owner = await createUser(db);
    const editor = await createUser(db);
    const doomed = await createWorkspace(db, owner.id);
    const kept = await createWorkspace(db, owner.id);
    await addMember(db, doomed.id, editor.id, "editor");
    await db.insert(invites).values({
      workspaceId: doomed.id,
      email: "invitee@example.test",
      role: "viewer",
      tokenHash: `hash-${doomed.id}`,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await db.insert(apiKeys).values({
      workspaceId: doomed.id,
      name: "ci",
      prefix: "trl_live_ab12",
      hash: `key-${doomed.id}`,
      scopes: ["workflows:read"],
    });
    expect(await db.select().from(memberships).where(eq(memberships.workspaceId, doomed.id))).toHaveLength(2);

    await db.delete(workspaces).where(eq(workspaces.id, doomed.id));

    expect(await db.select().from(memberships).where(eq(memberships.workspaceId, doomed.id))).toEqual([]);
    expect(await db.select().from(invites).where(eq(invites.workspaceId, doomed.id))).toEqual([]);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, doomed.id))).toEqual([]);
    expect(await db.select().from(memberships).where(eq(memberships.workspaceId, kept.id))).toHaveLength(1);
    expect(await db.select().from(users).where(inArray(users.id, [owner.id, editor.id]))).toHaveLength(2);
  });

  describe("transactions", () => {
    it("roll back every write when the callback throws", async () => {
      const db = ctx.db();
      const email = `rollback-${crypto.randomUUID()}@example.test`;
      const failure = new Error("fail after the insert");
      await expect(
        db.transaction(async (tx) => {
          await tx.insert(users).values({ email });
          expect(await tx.select().from(users).where(eq(users.email, email))).toHaveLength(1);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    });

    it("roll back a failed nested transaction to its savepoint and commit the rest", async () => {
      const db = ctx.db();
      const outer = `outer-${crypto.randomUUID()}@example.test`;
      const inner = `inner-${crypto.randomUUID()}@example.test`;
      await db.transaction(async (tx) => {
        await tx.insert(users).values({ email: outer });
        await expect(
          tx.transaction(async (nested) => {
            await nested.insert(users).values({ email: inner });
            // The duplicate aborts the nested transaction at the database.
            await nested.insert(users).values({ email: outer });
          }),
        ).rejects.toSatisfy((e) => postgresErrorCode(e) === UNIQUE_VIOLATION);
      });
      const rows = await db.select({ email: users.email }).from(users).where(inArray(users.email, [outer, inner]));
      expect(rows).toEqual([{ email: outer }]);
    });
  });
});
