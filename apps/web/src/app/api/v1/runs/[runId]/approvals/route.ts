import { listRunApprovals } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.approvals, async ({ scope, path }) => ({ body: await listRunApprovals(scope, path) }));
