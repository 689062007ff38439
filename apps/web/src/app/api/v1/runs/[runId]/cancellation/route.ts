import { cancelWorkflowRun } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.cancel, async ({ scope, path }) => {
  const run = await cancelWorkflowRun(scope, path);
  return { body: run, headers: { location: `/api/v1/runs/${run.id}` } };
});
