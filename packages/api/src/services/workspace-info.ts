import { eq } from "drizzle-orm";
import { notFound } from "@trellis/config/errors";
import { schema, type Database } from "@trellis/db";

/** A workspace's public facts, for the REST API's `GET /api/v1/workspace`. */
export async function getWorkspaceOrThrow(db: Database, workspaceId: string) {
  const [row] = await db
    .select({
      id: schema.workspaces.id,
      slug: schema.workspaces.slug,
      name: schema.workspaces.name,
      runRetentionDays: schema.workspaces.runRetentionDays,
      createdAt: schema.workspaces.createdAt,
    })
    .from(schema.workspaces)
    .where(eq(schema.workspaces.id, workspaceId))
    .limit(1);
  if (!row) throw notFound("Workspace");
  return row;
}
