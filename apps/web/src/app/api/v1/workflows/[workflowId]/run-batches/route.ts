import { startWorkflowRunBatch } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.startBatch, async ({ scope, path, body }) => ({
  body: await startWorkflowRunBatch(scope, { ...body, workflowId: path.workflowId }),
}));
