import { deleteWorkflow, getWorkflowOrThrow, updateWorkflow } from "@trellis/api";
import { etagOf, restOperation, workflowOperations } from "@trellis/api/rest";

export const GET = restOperation(workflowOperations.get, async ({ scope, path }) => {
  const workflow = await getWorkflowOrThrow(scope, path);
  return { body: workflow, headers: { etag: etagOf(workflow.revision) } };
});

export const PATCH = restOperation(workflowOperations.update, async ({ scope, path, body, ifMatch }) => {
  const workflow = await updateWorkflow(scope, { ...body, workflowId: path.workflowId, expectedRevision: ifMatch });
  return { body: workflow, headers: { etag: etagOf(workflow.revision) } };
});

export const DELETE = restOperation(workflowOperations.delete, async ({ scope, path }) => {
  await deleteWorkflow(scope, path);
});
