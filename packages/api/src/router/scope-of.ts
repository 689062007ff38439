import type { Role } from "@trellis/db/schema";
import type { Context, SessionUser } from "../context";
import type { WorkspaceScope } from "../services/scope";

/** The service scope of a workspace procedure's context. */
export function scopeOf(ctx: Context & { user: SessionUser; workspace: { id: string; role: Role } }): WorkspaceScope {
  return { db: ctx.db, handle: ctx.handle, workspaceId: ctx.workspace.id, userId: ctx.user.id, role: ctx.workspace.role };
}
