import { randomBytes } from "node:crypto";
import type { Database } from "../client";
import { memberships, users, workspaces, type Membership, type Role, type User, type Workspace } from "../schema";

// Random, not a counter: suites on the pg driver share a server with other
// runs, and a module-level counter restarts in every test file.
const unique = () => randomBytes(6).toString("hex");

/** Inserts a user with a unique lower-case email; fields can be overridden. */
export async function createUser(db: Database, overrides: Partial<typeof users.$inferInsert> = {}): Promise<User> {
  const token = unique();
  const [user] = await db
    .insert(users)
    .values({ email: `user-${token}@example.test`, name: `User ${token}`, ...overrides })
    .returning();
  if (!user) throw new Error("inserting a user returned no row");
  return user;
}

/** Inserts a workspace with a unique slug and makes `ownerId` its owner. */
export async function createWorkspace(
  db: Database,
  ownerId: string,
  overrides: Partial<typeof workspaces.$inferInsert> = {},
): Promise<Workspace> {
  const token = unique();
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(workspaces)
      .values({ slug: `ws-${token}`, name: `Workspace ${token}`, ...overrides })
      .returning();
    if (!workspace) throw new Error("inserting a workspace returned no row");
    await tx.insert(memberships).values({ workspaceId: workspace.id, userId: ownerId, role: "owner" });
    return workspace;
  });
}

/** Adds `userId` to a workspace with `role`. */
export async function addMember(db: Database, workspaceId: string, userId: string, role: Role): Promise<Membership> {
  const [membership] = await db.insert(memberships).values({ workspaceId, userId, role }).returning();
  if (!membership) throw new Error("inserting a membership returned no row");
  return membership;
}
