import { getWorkflowStats } from "@trellis/api";
import { restOperation, workflowOperations } from "@trellis/api/rest";

export const GET = restOperation(workflowOperations.stats, async ({ scope, path, query }) => ({
  body: await getWorkflowStats(scope, { ...query, workflowId: path.workflowId }),
}));
