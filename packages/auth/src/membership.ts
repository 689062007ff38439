import { and, asc, desc, eq } from "drizzle-orm";
import { schema, type Database } from "@trellis/db";
import type { Role } from "@trellis/db/schema";

export const roleRank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Whether `role` grants at least what `minimum` does. */
export function hasRole(role: Role, minimum: Role): boolean {
  return roleRank[role] >= roleRank[minimum];
}

/** The caller's membership of a workspace, or null when they are not a member. */
export async function findMembership(
  db: Database,
  userId: string,
  workspaceId: string,
): Promise<{ workspaceId: string; role: Role; slug: string; name: string } | null> {
  const [row] = await db
    .select({
      workspaceId: schema.memberships.workspaceId,
      role: schema.memberships.role,
      slug: schema.workspaces.slug,
      name: schema.workspaces.name,
    })
    .from(schema.memberships)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.memberships.workspaceId))
    .where(and(eq(schema.memberships.userId, userId), eq(schema.memberships.workspaceId, workspaceId)))
    .limit(1);
  return row ?? null;
}

/** Every workspace the user belongs to, personal first then by name. */
export function listUserWorkspaces(db: Database, userId: string) {
  return db
    .select({
      id: schema.workspaces.id,
      slug: schema.workspaces.slug,
      name: schema.workspaces.name,
      personal: schema.workspaces.personal,
      role: schema.memberships.role,
    })
    .from(schema.memberships)
    .innerJoin(schema.workspaces, eq(schema.workspaces.id, schema.memberships.workspaceId))
    .where(eq(schema.memberships.userId, userId))
    .orderBy(desc(schema.workspaces.personal), asc(schema.workspaces.name));
}
