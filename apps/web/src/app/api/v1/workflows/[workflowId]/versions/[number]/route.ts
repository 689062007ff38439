import { getVersionOrThrow } from "@trellis/api";
import { restOperation, versionOperations } from "@trellis/api/rest";

export const GET = restOperation(versionOperations.get, async ({ scope, path }) => ({ body: await getVersionOrThrow(scope, path) }));
