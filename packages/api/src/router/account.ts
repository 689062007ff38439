import { signUp, signUpInput } from "../services/accounts";
import { protectedProcedure, publicProcedure, router } from "../trpc";

export const accountRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => signUp(ctx.db, input)),
  me: protectedProcedure.query(({ ctx }) => ctx.user),
});
