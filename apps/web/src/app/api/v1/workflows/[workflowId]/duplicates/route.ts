import { duplicateWorkflow } from "@trellis/api";
import { etagOf, restOperation, workflowOperations } from "@trellis/api/rest";

export const POST = restOperation(workflowOperations.duplicate, async ({ scope, path, body }) => {
  const copy = await duplicateWorkflow(scope, { ...body, workflowId: path.workflowId });
  return { body: copy, headers: { location: `/api/v1/workflows/${copy.id}`, etag: etagOf(copy.revision) } };
});
