import { createWorkflowFromTemplate } from "@trellis/api";
import { etagOf, restOperation, templateOperations } from "@trellis/api/rest";

export const POST = restOperation(templateOperations.createWorkflow, async ({ scope, path, body }) => {
  const workflow = await createWorkflowFromTemplate(scope, { ...body, templateId: path.templateId });
  return { body: workflow, headers: { location: `/api/v1/workflows/${workflow.id}`, etag: etagOf(workflow.revision) } };
});
