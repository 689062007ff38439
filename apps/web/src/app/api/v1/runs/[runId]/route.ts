import { deleteWorkflowRun, getRunDetailOrThrow } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.get, async ({ scope, path }) => ({ body: await getRunDetailOrThrow(scope, path) }));

export const DELETE = restOperation(runOperations.delete, async ({ scope, path }) => {
  await deleteWorkflowRun(scope, path);
});
