import { pauseWorkflowRun, resumeWorkflowRun } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.pause, async ({ scope, path }) => {
  const run = await pauseWorkflowRun(scope, path);
  return { body: run, headers: { location: `/api/v1/runs/${run.id}` } };
});

export const DELETE = restOperation(runOperations.resume, async ({ scope, path }) => {
  await resumeWorkflowRun(scope, path);
});
