import { startWorkflowRun } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const POST = restOperation(runOperations.start, async ({ scope, path, body, headers }) => {
  const { run, created } = await startWorkflowRun(scope, { ...body, workflowId: path.workflowId, idempotencyKey: headers["Idempotency-Key"] });
  return { body: run, headers: { location: `/api/v1/runs/${run.id}`, ...(created ? {} : { "idempotent-replayed": "true" }) } };
});
