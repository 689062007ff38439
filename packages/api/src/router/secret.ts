import { createSecret, createSecretInput, deleteSecret, listSecrets, rotateSecret, rotateSecretInput, secretIdInput } from "../services/secrets";
import { adminProcedure, editorProcedure, router } from "../trpc";
import { scopeOf } from "./scope-of";

export const secretRouter = router({
  create: adminProcedure.input(createSecretInput).mutation(({ ctx, input }) => createSecret(scopeOf(ctx), input)),
  // Editors see names (never values): the canvas needs them to write {{ secrets.NAME }}.
  list: editorProcedure.query(({ ctx }) => listSecrets(scopeOf(ctx))),
  rotate: adminProcedure.input(rotateSecretInput).mutation(({ ctx, input }) => rotateSecret(scopeOf(ctx), input)),
  delete: adminProcedure.input(secretIdInput).mutation(({ ctx, input }) => deleteSecret(scopeOf(ctx), input)),
});
