import { listVersions, publishVersion } from "@trellis/api";
import { pageReply, restOperation, versionOperations } from "@trellis/api/rest";

export const GET = restOperation(versionOperations.list, async ({ scope, path, query, url }) =>
  pageReply(url, await listVersions(scope, { ...query, workflowId: path.workflowId })),
);

export const POST = restOperation(versionOperations.publish, async ({ scope, path, body, ifMatch }) => {
  const version = await publishVersion(scope, { ...body, workflowId: path.workflowId, expectedRevision: ifMatch });
  return { body: version, headers: { location: `/api/v1/workflows/${path.workflowId}/versions/${version.number}` } };
});
