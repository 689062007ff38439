import { getWorkspaceOrThrow } from "@trellis/api";
import { restOperation, workspaceOperations } from "@trellis/api/rest";

/** The workspace the API key belongs to. */
export const GET = restOperation(workspaceOperations.get, async ({ scope, principal }) => ({
  body: { ...(await getWorkspaceOrThrow(scope.db, scope.workspaceId)), scopes: principal.scopes },
}));
