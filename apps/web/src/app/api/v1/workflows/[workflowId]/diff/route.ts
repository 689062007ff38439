import { compareVersions } from "@trellis/api";
import { restOperation, versionOperations } from "@trellis/api/rest";

export const GET = restOperation(versionOperations.compare, async ({ scope, path, query }) => ({
  body: await compareVersions(scope, { ...query, workflowId: path.workflowId }),
}));
