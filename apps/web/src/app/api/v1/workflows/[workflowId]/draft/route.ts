import { restoreVersion } from "@trellis/api";
import { etagOf, restOperation, versionOperations } from "@trellis/api/rest";

export const PUT = restOperation(versionOperations.restore, async ({ scope, path, body, ifMatch }) => {
  const workflow = await restoreVersion(scope, { workflowId: path.workflowId, number: body.fromVersion, expectedRevision: ifMatch });
  return { body: workflow, headers: { etag: etagOf(workflow.revision) } };
});
