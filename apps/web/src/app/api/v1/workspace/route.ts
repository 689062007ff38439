import { getWorkspaceOrThrow } from "@trellis/api";
import { json, restRoute } from "@trellis/api/rest";

/** The workspace the API key belongs to. */
export const GET = restRoute("workspace:read", async ({ db, principal }) =>
  json({ ...(await getWorkspaceOrThrow(db, principal.workspaceId)), scopes: principal.scopes }),
);
