import { previewRunRetry } from "@trellis/api";
import { restOperation, runOperations } from "@trellis/api/rest";

export const GET = restOperation(runOperations.retryPlan, async ({ scope, path, query }) => ({ body: await previewRunRetry(scope, { ...query, runId: path.runId }) }));
