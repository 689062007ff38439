import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { listUserWorkspaces, workspaceSlug } from "@trellis/auth";
import { AppError, notFound } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";
import type { WorkspaceScope } from "./scope";

export const workspaceNameSchema = z.string().trim().min(1, "Give the workspace a name").max(80, "Use at most 80 characters");

export const createWorkspaceInput = z.object({ name: workspaceNameSchema });
export const updateWorkspaceInput = z.object({
  name: workspaceNameSchema.optional(),
  runRetentionDays: z
    .number({ error: "Enter a number of days" })
    .int("Use whole days")
    .min(1, "Keep runs for 1 to 3650 days")
    .max(3650, "Keep runs for 1 to 3650 days")
    .optional(),
});

export function listWorkspaces(db: Database, userId: string) {
  return listUserWorkspaces(db, userId);
}

/** A workspace the user belongs to, by its URL slug; NOT_FOUND otherwise. */
export async function getWorkspaceBySlugOrThrow(db: Database, userId: string, slug: string) {
  const [row] = await db
    .select({
      id: schema.workspaces.id,
      slug: schema.workspaces.slug,
      name: schema.workspaces.name,
      personal: schema.workspaces.personal,
      runRetentionDays: schema.workspaces.runRetentionDays,
      createdAt: schema.workspaces.createdAt,
      role: schema.memberships.role,
      memberCount: sql<number>`(select count(*)::int from ${schema.memberships} m where m.workspace_id = ${schema.workspaces.id})`,
    })
    .from(schema.workspaces)
    .innerJoin(
      schema.memberships,
      and(eq(schema.memberships.workspaceId, schema.workspaces.id), eq(schema.memberships.userId, userId)),
    )
    .where(eq(schema.workspaces.slug, slug))
    .limit(1);
  if (!row) throw notFound("Workspace");
  return row;
}

export async function createWorkspace(db: Database, userId: string, input: z.infer<typeof createWorkspaceInput>) {
  return db.transaction(async (tx) => {
    const [workspace] = await tx
      .insert(schema.workspaces)
      .values({ name: input.name, slug: workspaceSlug(input.name) })
      .returning();
    if (!workspace) throw new AppError("INTERNAL_SERVER_ERROR", "Workspace was not created");
    await tx.insert(schema.memberships).values({ workspaceId: workspace.id, userId, role: "owner" });
    return workspace;
  });
}

export async function updateWorkspace(scope: WorkspaceScope, input: z.infer<typeof updateWorkspaceInput>) {
  const [workspace] = await scope.db
    .update(schema.workspaces)
    .set(input)
    .where(eq(schema.workspaces.id, scope.workspaceId))
    .returning();
  if (!workspace) throw notFound("Workspace");
  return workspace;
}

/** Deletes the workspace and, through cascades, everything it holds. */
export async function deleteWorkspace(scope: WorkspaceScope) {
  const deleted = await scope.db
    .delete(schema.workspaces)
    .where(eq(schema.workspaces.id, scope.workspaceId))
    .returning({ id: schema.workspaces.id });
  if (deleted.length === 0) throw notFound("Workspace");
}
