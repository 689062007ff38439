import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { forbidden, notFound, AppError } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";
import { roleValues, type Role } from "@trellis/db/schema";
import type { WorkspaceScope } from "./scope";

export const roleSchema = z.enum(roleValues);
export const changeRoleInput = z.object({ userId: z.uuid(), role: roleSchema });
export const removeMemberInput = z.object({ userId: z.uuid() });

export function listMembers(scope: WorkspaceScope) {
  return scope.db
    .select({
      userId: schema.users.id,
      email: schema.users.email,
      name: schema.users.name,
      role: schema.memberships.role,
      joinedAt: schema.memberships.createdAt,
    })
    .from(schema.memberships)
    .innerJoin(schema.users, eq(schema.users.id, schema.memberships.userId))
    .where(eq(schema.memberships.workspaceId, scope.workspaceId))
    .orderBy(asc(schema.users.email));
}

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

async function memberRoleOrThrow(tx: Tx, workspaceId: string, userId: string): Promise<Role> {
  const [row] = await tx
    .select({ role: schema.memberships.role })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.workspaceId, workspaceId), eq(schema.memberships.userId, userId)))
    .for("update")
    .limit(1);
  if (!row) throw notFound("Member");
  return row.role;
}

async function assertAnotherOwnerRemains(tx: Tx, workspaceId: string) {
  const [row] = await tx
    .select({ owners: sql<number>`count(*)::int` })
    .from(schema.memberships)
    .where(and(eq(schema.memberships.workspaceId, workspaceId), eq(schema.memberships.role, "owner")));
  if ((row?.owners ?? 0) <= 1) {
    throw new AppError("CONFLICT", "A workspace needs at least one owner: make someone else an owner first");
  }
}

/** Admins manage members; only owners grant, change or take away the owner role. */
export async function changeMemberRole(scope: WorkspaceScope, input: z.infer<typeof changeRoleInput>) {
  return scope.db.transaction(async (tx) => {
    const current = await memberRoleOrThrow(tx, scope.workspaceId, input.userId);
    if ((current === "owner" || input.role === "owner") && scope.role !== "owner") {
      throw forbidden("Only an owner can grant or change the owner role");
    }
    if (current === "owner" && input.role !== "owner") await assertAnotherOwnerRemains(tx, scope.workspaceId);
    await tx
      .update(schema.memberships)
      .set({ role: input.role })
      .where(and(eq(schema.memberships.workspaceId, scope.workspaceId), eq(schema.memberships.userId, input.userId)));
    return { userId: input.userId, role: input.role };
  });
}

export async function removeMember(scope: WorkspaceScope, input: z.infer<typeof removeMemberInput>) {
  await scope.db.transaction(async (tx) => {
    const current = await memberRoleOrThrow(tx, scope.workspaceId, input.userId);
    if (current === "owner" && scope.role !== "owner") throw forbidden("Only an owner can remove an owner");
    if (current === "owner") await assertAnotherOwnerRemains(tx, scope.workspaceId);
    await tx
      .delete(schema.memberships)
      .where(and(eq(schema.memberships.workspaceId, scope.workspaceId), eq(schema.memberships.userId, input.userId)));
  });
}

/** Any member may leave, except the last owner. */
export function leaveWorkspace(scope: WorkspaceScope) {
  return removeMember(scope, { userId: scope.userId });
}
