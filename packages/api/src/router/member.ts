import {
  changeMemberRole,
  changeRoleInput,
  leaveWorkspace,
  listMembers,
  removeMember,
  removeMemberInput,
} from "../services/members";
import { adminProcedure, router, viewerProcedure } from "../trpc";
import { scopeOf } from "./scope-of";

export const memberRouter = router({
  list: viewerProcedure.query(({ ctx }) => listMembers(scopeOf(ctx))),
  changeRole: adminProcedure.input(changeRoleInput).mutation(({ ctx, input }) => changeMemberRole(scopeOf(ctx), input)),
  remove: adminProcedure.input(removeMemberInput).mutation(({ ctx, input }) => removeMember(scopeOf(ctx), input)),
  leave: viewerProcedure.mutation(({ ctx }) => leaveWorkspace(scopeOf(ctx))),
});
