import { retryWorkflowRun } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.retry, async ({ scope, path, body }) => {
  const run = await retryWorkflowRun(scope, { ...body, runId: path.runId });
  return { body: run, headers: { location: `/api/v1/runs/${run.id}` } };
});
