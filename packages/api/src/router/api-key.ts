import { apiKeyIdInput, createApiKey, createApiKeyInput, listApiKeys, revokeApiKey } from "../services/api-keys";
import { adminProcedure, router } from "../trpc";
import { scopeOf } from "./scope-of";

export const apiKeyRouter = router({
  create: adminProcedure.input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(scopeOf(ctx), input)),
  list: adminProcedure.query(({ ctx }) => listApiKeys(scopeOf(ctx))),
  revoke: adminProcedure.input(apiKeyIdInput).mutation(({ ctx, input }) => revokeApiKey(scopeOf(ctx), input)),
});
