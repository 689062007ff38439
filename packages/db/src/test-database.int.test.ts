import { Pool as NeonPool } from "@neondatabase/serverless";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import pg from "pg";
import { expect, it } from "vitest";
import { users } from "./schema";
import { createTestDatabase, createUser, databaseExists, describeEachDriver, neonProxyStatus } from "./testing";

const expectedClient = { pglite: PGlite, pg: pg.Pool, neon: NeonPool } as const;

describeEachDriver("the test database harness", (ctx) => {
  it("opens the suite's database with the driver the suite is named after", () => {
    expect(ctx.handle().driver).toBe(ctx.driver);
    expect(ctx.handle().client).toBeInstanceOf(expectedClient[ctx.driver]);
  });

  it("gives each database its own rows", async () => {
    const other = await createTestDatabase(ctx.driver);
    try {
      const user = await createUser(ctx.db());
      const [mine, theirs] = await Promise.all([
        ctx.db().select().from(users),
        other.handle.db.select().from(users),
      ]);
      expect(mine.map((u) => u.id)).toContain(user.id);
      expect(theirs).toEqual([]);
      if (ctx.driver !== "pglite") expect(other.databaseName).not.toBe(ctx.testDatabase().databaseName);
    } finally {
      await other.dispose();
    }
  });

  it("closes its connections on dispose, drops the server database and tolerates a second dispose", async () => {
    const proxyBefore = neonProxyStatus();
    const database = await createTestDatabase(ctx.driver);
    await createUser(database.handle.db);

    if (ctx.driver === "neon") {
      const status = neonProxyStatus();
      if (!status.running) throw new Error("a Neon test database is open but no proxy runs");
      // Every byte the Neon driver sends goes through the local proxy.
      const accepted = status.proxy.acceptedConnections();
      const fresh = await createTestDatabase("neon");
      await fresh.handle.db.execute(sql`select 1`);
      expect(status.proxy.acceptedConnections()).toBeGreaterThan(accepted);
      expect(neonProxyStatus()).toMatchObject({ running: true, users: (proxyBefore.running ? proxyBefore.users : 0) + 2 });
      await fresh.dispose();
    }

    if (ctx.driver !== "pglite") expect(await databaseExists(database.databaseName ?? "")).toBe(true);
    await database.dispose();
    await database.dispose();

    await expect(database.handle.db.execute(sql`select 1`)).rejects.toThrow();
    if (ctx.driver !== "pglite") {
      expect(database.url).toContain(database.databaseName);
      expect(await databaseExists(database.databaseName ?? "")).toBe(false);
    }
    // The suite's own database still holds the proxy; this one let go of it.
    expect(neonProxyStatus()).toEqual(
      proxyBefore.running ? expect.objectContaining({ running: true, users: proxyBefore.users }) : { running: false },
    );
  });
});
