import { decideRunApproval } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

/** Step ids of approvals inside loops carry brackets (`review[3]`); clients may send them percent-encoded. */
function stepIdOf(raw: string): string {
  try {
    return raw.includes("%") ? decodeURIComponent(raw) : raw;
  } catch {
    return raw;
  }
}

export const POST = restOperation(runOperations.decideApproval, async ({ scope, path, body }) => {
  const run = await decideRunApproval(scope, { ...body, runId: path.runId, stepId: stepIdOf(path.stepId) });
  return { body: run, headers: { location: `/api/v1/runs/${run.id}` } };
});
