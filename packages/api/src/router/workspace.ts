import { z } from "zod";
import {
  createWorkspace,
  createWorkspaceInput,
  deleteWorkspace,
  getWorkspaceBySlugOrThrow,
  listWorkspaces,
  updateWorkspace,
  updateWorkspaceInput,
} from "../services/workspaces";
import { adminProcedure, ownerProcedure, protectedProcedure, router } from "../trpc";
import { scopeOf } from "./scope-of";

export const workspaceRouter = router({
  list: protectedProcedure.query(({ ctx }) => listWorkspaces(ctx.db, ctx.user.id)),
  bySlug: protectedProcedure
    .input(z.object({ slug: z.string().min(1).max(100) }))
    .query(({ ctx, input }) => getWorkspaceBySlugOrThrow(ctx.db, ctx.user.id, input.slug)),
  create: protectedProcedure.input(createWorkspaceInput).mutation(({ ctx, input }) => createWorkspace(ctx.db, ctx.user.id, input)),
  update: adminProcedure.input(updateWorkspaceInput).mutation(({ ctx, input }) => updateWorkspace(scopeOf(ctx), input)),
  delete: ownerProcedure.mutation(({ ctx }) => deleteWorkspace(scopeOf(ctx))),
});
