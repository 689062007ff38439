import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";
import { migrate } from "./migrate";
import { users } from "./schema";
import { createUser, createWorkspace, testMigrationsDir } from "./testing";

describe("PGlite persisted in a directory", () => {
  let tempDir: string | undefined;
  const open: DatabaseHandle[] = [];

  afterEach(async () => {
    await Promise.all(open.splice(0).map((handle) => handle.close().catch(() => {})));
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  });

  const openAt = (dataDir: string) => {
    const handle = openDatabase({ dataDir });
    open.push(handle);
    return handle;
  };

  it("keeps its data after close and reopen", async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), "trellis-pglite-"));
    // A path whose parent does not exist yet, as under a fresh .data/.
    const dataDir = path.join(tempDir, "nested", "pglite");

    const first = openAt(dataDir);
    expect(first.driver).toBe("pglite");
    await migrate(first, testMigrationsDir());
    const user = await createUser(first.db);
    const workspace = await createWorkspace(first.db, user.id);
    await first.close();
    expect(await readdir(dataDir)).not.toEqual([]);

    const second = openAt(dataDir);
    // Reopening runs the start-up migration again; it must be a no-op on the kept data.
    await migrate(second, testMigrationsDir());
    expect(await second.db.select().from(users).where(eq(users.id, user.id))).toEqual([user]);
    const kept = await second.db.query.workspaces.findFirst({
      where: (w, { eq: equals }) => equals(w.id, workspace.id),
      with: { memberships: true },
    });
    expect(kept?.slug).toBe(workspace.slug);
    expect(kept?.memberships.map((m) => [m.userId, m.role])).toEqual([[user.id, "owner"]]);
  });
});
