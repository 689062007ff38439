import { createWorkflow, listWorkflows } from "@trellis/api";
import { etagOf, pageReply, restOperation, workflowOperations } from "@trellis/api/rest";

export const GET = restOperation(workflowOperations.list, async ({ scope, query, url }) => pageReply(url, await listWorkflows(scope, query)));

export const POST = restOperation(workflowOperations.create, async ({ scope, body }) => {
  const workflow = await createWorkflow(scope, body);
  return { body: workflow, headers: { location: `/api/v1/workflows/${workflow.id}`, etag: etagOf(workflow.revision) } };
});
