import { importWorkflow } from "@trellis/api";
import { restOperation, workflowOperations } from "@trellis/api/rest";

export const POST = restOperation(workflowOperations.import, async ({ scope, body }) => {
  const imported = await importWorkflow(scope, body);
  return { body: imported, headers: { location: `/api/v1/workflows/${imported.workflow.id}` } };
});
