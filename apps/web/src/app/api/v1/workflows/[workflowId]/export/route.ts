import { exportWorkflow } from "@trellis/api";
import { restOperation, workflowOperations } from "@trellis/api/rest";

export const GET = restOperation(workflowOperations.export, async ({ scope, path }) => {
  const document = await exportWorkflow(scope, path);
  const filename = `${document.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "workflow"}.trellis.json`;
  return { body: document, headers: { "content-disposition": `attachment; filename="${filename}"` } };
});
