import {
  acceptInvite,
  createInvite,
  createInviteInput,
  inviteIdInput,
  inviteTokenInput,
  listPendingInvites,
  previewInvite,
  revokeInvite,
} from "../services/invites";
import { adminProcedure, protectedProcedure, router } from "../trpc";
import { scopeOf } from "./scope-of";

export const inviteRouter = router({
  create: adminProcedure.input(createInviteInput).mutation(({ ctx, input }) => createInvite(scopeOf(ctx), input)),
  listPending: adminProcedure.query(({ ctx }) => listPendingInvites(scopeOf(ctx))),
  revoke: adminProcedure.input(inviteIdInput).mutation(({ ctx, input }) => revokeInvite(scopeOf(ctx), input)),
  preview: protectedProcedure.input(inviteTokenInput).query(({ ctx, input }) => previewInvite(ctx.db, ctx.user, input)),
  accept: protectedProcedure.input(inviteTokenInput).mutation(({ ctx, input }) => acceptInvite(ctx.db, ctx.user, input)),
});
